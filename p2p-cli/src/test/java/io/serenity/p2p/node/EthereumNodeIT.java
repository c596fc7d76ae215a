package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/** {@code p2p-node run --preset ethereum --fork-digest <hex>}, run from the packaged jar. */
@Timeout(180)
class EthereumNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ZERO_ROOT = "00".repeat(32);
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

  private static Predicate<String> event(String name, String peerId) {
    return l -> l.startsWith("{\"event\":\"" + name + "\"") && l.contains("\"peerId\":\"" + peerId + "\"");
  }

  private Node ethNode(String seed, String digest, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--key-seed", seed, "--listen", "/ip4/127.0.0.1/tcp/0",
        "--preset", "ethereum", "--fork-digest", digest, "--json", "--exit-after", "120"));
    args.addAll(List.of(more));
    return new Node(args.toArray(String[]::new));
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
  void nodesOnOneDigestPrintEachOthersStatusAndAnotherDigestGetsGoodbye() throws Exception {
    Node a = ethNode("201", "b5303f2a", "--topic", "/eth2/b5303f2a/beacon_block/ssz_snappy");
    String aListening = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of a");
    String aId = field(aListening, "peerId");
    String aAddr = aListening.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");

    Node b = ethNode("202", "0xb5303f2a", "--peer", aAddr);
    String bId = field(b.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of b"), "peerId");

    // each prints the other's Status: our digest, everything else zero
    for (String[] pair : new String[][] {{"a", bId}, {"b", aId}}) {
      Node n = pair[0].equals("a") ? a : b;
      String status = n.await(event("status", pair[1]), "status of the other node at " + pair[0]);
      assertThat(field(status, "forkDigest")).isEqualTo("b5303f2a");
      assertThat(field(status, "finalizedRoot")).isEqualTo(ZERO_ROOT);
      assertThat(field(status, "finalizedEpoch")).isEqualTo("0");
      assertThat(field(status, "headRoot")).isEqualTo(ZERO_ROOT);
      assertThat(field(status, "headSlot")).isEqualTo("0");
    }

    // a node on another fork digest is told Goodbye (2: irrelevant network) and disconnected
    Node c = ethNode("203", "01020304", "--peer", aAddr);
    String cId = field(c.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of c"), "peerId");
    String goodbye = a.await(event("goodbye", cId), "goodbye event for c at a");
    assertThat(field(goodbye, "reason")).isEqualTo("2");
    assertThat(field(goodbye, "direction")).isIn("sent", "received");
    a.await(event("peer_disconnected", cId), "c disconnected at a");
    c.await(event("goodbye", aId).or(event("peer_disconnected", aId)), "goodbye or disconnect of a at c");
  }

  @Test
  void theForkDigestIsRequiredAndMustBeFourBytesOfHex() throws Exception {
    assertUsage(List.of("run", "--preset", "ethereum"), "--fork-digest", "required");
    assertUsage(List.of("run", "--preset", "ethereum", "--fork-digest", "b5303f"), "--fork-digest", "'b5303f'");
    assertUsage(List.of("run", "--preset", "ethereum", "--fork-digest", "zz303f2a"), "--fork-digest");
    assertUsage(List.of("run", "--fork-digest", "b5303f2a"), "--fork-digest", "--preset ethereum");
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
}
