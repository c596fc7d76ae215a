package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./p2p-node} commands of the README's shell blocks as written, from the repository
 * root, as a new user would (the data directory goes to a temporary XDG_DATA_HOME, so the test
 * leaves nothing in the home directory). A command that runs until stopped ({@code run}) must print
 * its identity and addresses and stop cleanly on SIGTERM; the others must exit 0.
 */
class ReadmeWalkIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The {@code ./p2p-node ...} lines of the fenced sh blocks of {@code markdown}, comments cut. */
  static List<String> nodeCommands(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (block.find()) {
      String joined = block.group(1).replace("\\\n", " ");
      for (String line : joined.split("\n")) {
        String l = line.replaceAll("\\s+#.*$", "").trim();
        if (l.startsWith("./p2p-node ")) {
          out.add(l);
        }
      }
    }
    return out;
  }

  @Test
  void theReadmesNodeCommandsWorkAsWritten(@TempDir Path home) throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> commands = nodeCommands(readme);
    assertThat(commands).as("README node commands").anyMatch(c -> c.startsWith("./p2p-node devnet"))
        .anyMatch(c -> c.startsWith("./p2p-node run"));
    for (String c : commands) {
      List<String> argv = new ArrayList<>(List.of(c.split("\\s+")));
      ProcessBuilder pb = new ProcessBuilder(argv).directory(ROOT.toFile());
      pb.environment().put("XDG_DATA_HOME", home.toString());
      Process p = pb.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      StringBuilder stdout = new StringBuilder();
      StringBuilder stderr = new StringBuilder();
      Thread outPump = pump(p.getInputStream(), l -> {
        synchronized (stdout) {
          stdout.append(l).append('\n');
        }
        lines.add(l);
      });
      pump(p.getErrorStream(), l -> {
        synchronized (stderr) {
          stderr.append(l).append('\n');
        }
      });
      try {
        if (argv.get(1).equals("run")) {
          String listening = null;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
          while (listening == null) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
              throw new AssertionError(c + ": no listening line; stdout: " + stdout + "; stderr: " + stderr);
            }
            listening = l.startsWith("listening as ") ? l : null;
          }
          assertThat(listening).as(c).containsPattern("listening as \\S+ on /ip4/");
          p.destroy(); // SIGTERM, as Ctrl-C or a supervisor stops it
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(c + " stops on SIGTERM").isTrue();
          assertThat(stderr.toString()).as(c + " stderr").doesNotContain("Exception");
        } else {
          assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(c + " finishes").isTrue();
          assertThat(p.exitValue()).as(c + ": " + stdout + stderr).isZero();
          if (argv.get(1).equals("devnet")) {
            outPump.join(TimeUnit.SECONDS.toMillis(30)); // every line read once the process ended
            assertThat(drained(lines)).as(c).anyMatch(l -> l.startsWith("  delivery ratio      1.0000"));
          }
        }
      } finally {
        p.destroyForcibly();
      }
    }
    assertThat(home.resolve("serenity-p2p/node.key")).as("the run created its identity in its data directory")
        .exists();
  }

  private static List<String> drained(BlockingQueue<String> lines) {
    List<String> all = new ArrayList<>();
    lines.drainTo(all);
    return all;
  }

  private static Thread pump(InputStream in, Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          sink.accept(l);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "readme-walk-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
