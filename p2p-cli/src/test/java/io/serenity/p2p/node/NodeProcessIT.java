package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged {@code p2p-node.jar} run as a process, as a user runs it. */
@Timeout(180)
class NodeProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final List<Process> started = new ArrayList<>();

  /** A running p2p-node process whose stdout lines are queued as they arrive. */
  private final class Node {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder stderr = new StringBuilder();

    Node(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).start();
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

  private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        sink.accept(l);
      }
    } catch (IOException e) {
      // process ended
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static Path jar() {
    Path p = Path.of(System.getProperty("p2p.node.jar", "target/p2p-node.jar"));
    assertThat(p).as("the packaged jar (run with mvn verify)").exists();
    return p;
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|[^,}\\]]+)").matcher(json);
    assertThat(m.find()).as("field %s in %s", name, json).isTrue();
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aLineOnStdinOfOneNodeIsPrintedAsAMessageEventByTheOther() throws Exception {
    Node a = new Node("run", "--key-seed", "101", "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat", "--json",
        "--metrics", "127.0.0.1:0", "--exit-after", "120");
    String listening = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event");
    String addr = listening.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");
    assertThat(addr).startsWith("/ip4/127.0.0.1/tcp/").contains("/p2p/" + field(listening, "peerId"));
    String metricsUrl = field(a.await(l -> l.startsWith("{\"event\":\"metrics\""), "metrics event"), "url");

    Node b = new Node("run", "--key-seed", "102", "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat", "--json",
        "--publish-stdin", "--peer", addr, "--exit-after", "120");
    String bListening = b.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of b");
    String connected = b.await(l -> l.startsWith("{\"event\":\"peer_connected\""), "peer_connected");
    assertThat(field(connected, "direction")).isEqualTo("outbound");
    assertThat(field(connected, "agent")).startsWith("serenity-p2p/");
    try (OutputStream in = b.process.getOutputStream()) {
      in.write("hello from b\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      String published = b.await(l -> l.startsWith("{\"event\":\"published\""), "published");
      assertThat(field(published, "topic")).isEqualTo("chat");
      String message = a.await(l -> l.startsWith("{\"event\":\"message\""), "message event");
      assertThat(field(message, "topic")).isEqualTo("chat");
      assertThat(field(message, "from")).isEqualTo(field(bListening, "peerId"));
      assertThat(new String(Base64.getDecoder().decode(field(message, "data")), StandardCharsets.UTF_8)).isEqualTo("hello from b");
      assertThat(field(message, "id")).isEqualTo(field(published, "id"));
    }

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(metricsUrl + "metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("pubsub_messages_total{outcome=\"validated\",topic=\"chat\"} 1.0");
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains(field(listening, "peerId")).contains(field(bListening, "peerId"));
  }

  @Test
  void devnetOfThirtyNodesDeliversEverything() throws Exception {
    Node d = new Node("devnet", "--nodes", "30", "--degree", "4", "--messages", "30", "--rate", "30", "--json");
    String summary = d.await(l -> l.startsWith("{\"event\":\"devnet_summary\""), "devnet summary");
    assertThat(d.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(d.process.exitValue()).as(summary).isZero();
    assertThat(field(summary, "deliveryRatio")).isEqualTo("1.0");
    assertThat(field(summary, "deliveries")).isEqualTo("870");
    assertThat(field(summary, "failedDials")).isEqualTo("0");
  }

  @Test
  void badOptionsExitWithTwoAndNameTheOption() throws Exception {
    assertUsage(List.of("run", "--router", "nope"), "--router", "'nope'");
    assertUsage(List.of("run", "--publish-stdin"), "--publish-stdin", "--topic");
    assertUsage(List.of("run", "--metrics", "nonsense"), "--metrics", "'nonsense'");
    assertUsage(List.of("run", "--listen", "/ip4/1.2.3"), "--listen", "'/ip4/1.2.3'");
    assertUsage(List.of("devnet", "--nodes", "1"), "--nodes", "1");
    assertUsage(List.of("devnet", "--preset", "mainnet"), "--preset", "'mainnet'");
    assertUsage(List.of("run", "--bogus"), "--bogus");
  }

  private void assertUsage(List<String> args, String... mentions) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until the process exits
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit code of %s: %s", args, out).isEqualTo(2);
    assertThat(out).as("output of %s", args).contains(mentions);
  }

  @Test
  void helpWorksOnEverySubcommand() throws Exception {
    for (String sub : List.of("run", "devnet", "ping", "identity")) {
      Node n = new Node(sub, "--help");
      assertThat(n.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(n.process.exitValue()).isZero();
      assertThat(n.await(l -> l.startsWith("Usage: p2p-node " + sub), "usage of " + sub)).isNotEmpty();
    }
  }

}
