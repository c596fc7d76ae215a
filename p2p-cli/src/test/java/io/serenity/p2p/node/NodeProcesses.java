package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code p2p-node.jar} started as processes, as a user runs it; {@link #close()} ends
 * every process it started (by its handle, nothing else).
 */
final class NodeProcesses implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);
  private final List<Process> started = new ArrayList<>();

  /** A running p2p-node process whose stdout lines are queued as they arrive. */
  final class Node {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder stderr = new StringBuilder();

    private Node(List<String> jvmOptions, List<String> args) throws IOException {
      process = new ProcessBuilder(command(jvmOptions, args)).start();
      started.add(process);
      Thread out = new Thread(() -> pump(process.getInputStream(), lines::add), "it-stdout-" + process.pid());
      Thread err = new Thread(() -> pump(process.getErrorStream(), l -> {
        synchronized (stderr) {
          stderr.append(l).append('\n');
        }
      }), "it-stderr-" + process.pid());
      out.setDaemon(true);
      err.setDaemon(true);
      out.start();
      err.start();
    }

    /** The next stdout line matching {@code match}; fails after {@link #WAIT} with what was seen. */
    String await(Predicate<String> match, String what) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      List<String> seen = new ArrayList<>();
      while (true) {
        String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (l == null) {
          throw new AssertionError("no " + what + " within " + WAIT + "; stdout: " + seen + "; stderr: " + stderr);
        }
        seen.add(l);
        if (match.test(l)) {
          return l;
        }
      }
    }
  }

  /** Starts {@code java -jar p2p-node.jar <args>}. */
  Node start(String... args) throws IOException {
    return new Node(List.of(), List.of(args));
  }

  /** Starts {@code java <jvmOptions> -jar p2p-node.jar <args>}. */
  Node startWithJvmOptions(List<String> jvmOptions, String... args) throws IOException {
    return new Node(jvmOptions, List.of(args));
  }

  /** Runs {@code args} to the end and checks it exits with 2 and its output names {@code mentions}. */
  void assertUsage(List<String> args, String... mentions) throws Exception {
    Process p = new ProcessBuilder(command(List.of(), args)).redirectErrorStream(true).start();
    started.add(p);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until the process exits
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit code of %s: %s", args, out).isEqualTo(2);
    assertThat(out).as("output of %s", args).contains(mentions);
  }

  /** A field of a JSON event line: a string's contents, or a number/literal as written. */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|[^,}\\]]+)").matcher(json);
    assertThat(m.find()).as("field %s in %s", name, json).isTrue();
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** The packaged jar under test. */
  static Path jar() {
    Path jar = Path.of(System.getProperty("p2p.node.jar", "target/p2p-node.jar"));
    assertThat(jar).as("the packaged jar (run with mvn verify)").exists();
    return jar;
  }

  private static List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(args);
    return cmd;
  }

  private static void pump(InputStream in, Consumer<String> sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        sink.accept(l);
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
