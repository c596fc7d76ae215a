package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.serenity.p2p.sim.Report;
import io.serenity.p2p.sim.Scenario;
import io.serenity.p2p.sim.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Twenty {@code p2p-node run} processes, each in a network namespace of its own, over links with
 * 50-150 ms one-way latency, jitter and 2 % packet loss; a partition between two halves that heals.
 * Then the same plan (topology, per-link latency, loss, publish schedule, partition) in the simulator,
 * and both results side by side (written to {@code target/network-faults/}).
 *
 * <p>The links: the kernel here has no {@code sch_netem}, so the wire is a small user-space program
 * ({@code wire.py}, run in a namespace of the test's own) holding the other end of every node's TUN
 * interface; it delays, drops and partitions real IP packets, and the nodes' TCP stacks see them.
 * Every namespace, interface and process is the test's own (random name suffix) and is removed at the
 * end, also when the test fails. Needs root, {@code ip netns}, {@code /dev/net/tun} and python3;
 * skipped with a message where any is missing.
 */
@Timeout(420)
class NetworkFaultsIT {
  static final int NODES = 20;
  static final int GROUP_B = NODES / 2;
  static final long SEED = 7;
  static final double LOSS = 0.02;
  static final double JITTER_MS = 5;
  static final double MIN_HALF_MS = 25;
  static final double MAX_HALF_MS = 75;
  static final int MESSAGES = 120;
  static final double RATE = 2;
  static final long PARTITION_AT_MS = 20_000;
  static final long HEAL_AT_MS = 40_000;
  /** What the test promises: after the heal, the partition's backlog is delivered within this. */
  static final long COMPLETE_WITHIN_MS = 60_000;
  /** ... and messages published from this long after the heal on arrive as fast as before the partition. */
  static final long REPAIRED_WITHIN_MS = 30_000;
  static final String TOPIC = "faults";

  /** The plan both runs share. */
  record Plan(double[] halfMs, List<int[]> edges, int[] publishers) {
    static Plan make(long seed) {
      Random r = new Random(seed);
      double[] half = new double[NODES];
      for (int i = 0; i < NODES; i++) {
        half[i] = MIN_HALF_MS + r.nextDouble() * (MAX_HALF_MS - MIN_HALF_MS);
      }
      for (int attempt = 0; attempt < 100; attempt++) {
        List<int[]> edges = edges(r);
        if (connected(edges, 0, GROUP_B) && connected(edges, GROUP_B, NODES)) {
          int[] pubs = new int[MESSAGES];
          for (int k = 0; k < MESSAGES; k++) {
            pubs[k] = r.nextInt(NODES);
          }
          return new Plan(half, edges, pubs);
        }
      }
      throw new AssertionError("no topology with both halves connected in 100 attempts");
    }

    /**
     * Two waves: the first half of each group starts first and dials nobody; each node of the second
     * wave dials three first-wave nodes of its own group and one of the other group.
     */
    private static List<int[]> edges(Random r) {
      List<int[]> edges = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        if (!secondWave(i)) {
          continue;
        }
        int base = i < GROUP_B ? 0 : GROUP_B;
        int other = i < GROUP_B ? GROUP_B : 0;
        Set<Integer> own = new HashSet<>();
        while (own.size() < 3) {
          own.add(base + r.nextInt(GROUP_B / 2));
        }
        for (int j : own) {
          edges.add(new int[] {i, j});
        }
        edges.add(new int[] {i, other + r.nextInt(GROUP_B / 2)});
      }
      return edges;
    }

    static boolean secondWave(int i) {
      return i % GROUP_B >= GROUP_B / 2;
    }

    private static boolean connected(List<int[]> edges, int from, int to) {
      Set<Integer> seen = new HashSet<>(List.of(from));
      for (int round = 0; round < NODES; round++) {
        for (int[] e : edges) {
          boolean inside = e[0] >= from && e[0] < to && e[1] >= from && e[1] < to;
          if (inside && (seen.contains(e[0]) || seen.contains(e[1]))) {
            seen.add(e[0]);
            seen.add(e[1]);
          }
        }
      }
      return seen.size() == to - from;
    }
  }

  @Test
  void twentyNodesOnLossyLinksDeliverEverythingAndRecoverFromAPartition() throws Exception {
    Path wire = requireNamespaces();
    Plan plan = Plan.make(SEED);
    Path out = Path.of("target", "network-faults");
    Files.createDirectories(out);

    FaultFigures real;
    long started = System.nanoTime();
    try (Namespaces ns = new Namespaces()) {
      real = runReal(ns, wire, plan);
    }
    double realSeconds = (System.nanoTime() - started) / 1e9;
    FaultFigures sim = runSimulated(plan, out);

    String table = FaultFigures.table(List.of("real (namespaces)", "simulator"), List.of(real, sim));
    String report = String.format(Locale.ROOT,
        "%d nodes, %d links, one-way latency %.0f-%.0f ms per link (+-%.0f ms jitter), %.0f %% loss per packet, "
            + "%d messages at %.0f/s, partition %d-%d s after the first publish (halves 0-%d and %d-%d); "
            + "real run %.0f s wall%n%n%s",
        NODES, plan.edges().size(), 2 * MIN_HALF_MS, 2 * MAX_HALF_MS, JITTER_MS, LOSS * 100, MESSAGES, RATE,
        PARTITION_AT_MS / 1000, HEAL_AT_MS / 1000, GROUP_B - 1, GROUP_B, NODES - 1, realSeconds, table);
    Files.writeString(out.resolve("table.md"), report);
    System.out.println(report);

    assertThat(real.before().ratio()).as("delivery before the partition\n%s", report).isEqualTo(1.0);
    assertThat(real.after().ratio()).as("delivery after the heal\n%s", report).isEqualTo(1.0);
    assertThat(real.undelivered()).as("deliveries missing at the end\n%s", report).isZero();
    assertThat(real.backlogDeliveredMs()).as("the partition's messages delivered within %d s of the heal\n%s",
        COMPLETE_WITHIN_MS / 1000, report).isLessThanOrEqualTo(COMPLETE_WITHIN_MS);
    assertThat(real.repairedMs()).as("repaired within %d s of the heal\n%s", REPAIRED_WITHIN_MS / 1000, report)
        .isLessThanOrEqualTo(REPAIRED_WITHIN_MS);
    // the simulator's figures are published beside the real ones, not promised; this only checks it ran
    assertThat(sim.before().deliveries()).as("simulated deliveries before the partition").isPositive();
  }

  // ---- the real run ----

  private FaultFigures runReal(Namespaces ns, Path wireScript, Plan plan) throws Exception {
    String hub = ns.add("h");
    List<String> nodeNs = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodeNs.add(ns.add("n" + i));
    }
    List<String> wireCmd = new ArrayList<>(List.of("ip", "netns", "exec", hub, "python3", wireScript.toString(),
        "--name", "w", "--seed", Long.toString(SEED), "--loss", Double.toString(LOSS),
        "--jitter-ms", Double.toString(JITTER_MS)));
    for (int i = 0; i < NODES; i++) {
      wireCmd.add("--node");
      wireCmd.add(address(i) + ":" + (i < GROUP_B ? 0 : 1) + ":" + plan.halfMs()[i]);
    }
    Proc wire = ns.start(wireCmd, null);
    wire.await(l -> l.startsWith("created"), "the wire's interfaces", 30);
    for (int i = 0; i < NODES; i++) {
      String n = nodeNs.get(i);
      Namespaces.run("ip", "-n", hub, "link", "set", "w" + i, "netns", n);
      Namespaces.run("ip", "-n", n, "addr", "add", address(i) + "/16", "dev", "w" + i);
      Namespaces.run("ip", "-n", n, "link", "set", "w" + i, "up");
      Namespaces.run("ip", "-n", n, "link", "set", "lo", "up");
    }
    wire.send("go");

    int expected = MESSAGES * (NODES - 1);
    AtomicLongArray arrival = new AtomicLongArray(MESSAGES * NODES);
    CountDownLatch allDelivered = new CountDownLatch(expected);
    CountDownLatch[] connected = new CountDownLatch[NODES];
    List<CompletableFuture<String>> listening = new ArrayList<>();
    Proc[] nodes = new Proc[NODES];
    List<CountDownLatch> probes = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] degree = new int[NODES];
    for (int[] e : plan.edges()) {
      degree[e[0]]++;
      degree[e[1]]++;
    }
    for (int i = 0; i < NODES; i++) {
      connected[i] = new CountDownLatch(degree[i]);
      listening.add(new CompletableFuture<>());
    }
    for (int wave = 0; wave < 2; wave++) {
      long waveStart = System.nanoTime();
      for (int i = 0; i < NODES; i++) {
        if (Plan.secondWave(i) != (wave == 1)) {
          continue;
        }
        final int self = i;
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nodeNs.get(i),
            ProcessHandle.current().info().command().orElse("java"),
            "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError", "-jar", NodeProcesses.jar().toString(),
            "run", "--json", "--key-type", "ed25519", "--key-seed", Integer.toString(1000 + i),
            "--listen", "/ip4/" + address(i) + "/tcp/4001", "--topic", TOPIC, "--publish-stdin",
            "--exit-after", "900"));
        for (int[] e : plan.edges()) {
          if (e[0] == i) {
            cmd.add("--peer");
            cmd.add(listening.get(e[1]).getNow(null));
          }
        }
        nodes[i] = ns.start(cmd, line -> {
          if (line.startsWith("{\"event\":\"listening\"")) {
            listening.get(self).complete(line.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1"));
          } else if (line.startsWith("{\"event\":\"peer_connected\"")) {
            connected[self].countDown();
          } else if (line.startsWith("{\"event\":\"message\"")) {
            String text = new String(Base64.getDecoder().decode(NodeProcesses.field(line, "data")),
                StandardCharsets.UTF_8);
            if (text.startsWith("m")) {
              int k = Integer.parseInt(text.substring(1));
              if (arrival.compareAndSet(k * NODES + self, 0, System.nanoTime())) {
                allDelivered.countDown();
              }
            } else if (text.startsWith("p")) {
              probes.get(Integer.parseInt(text.substring(1))).countDown();
            }
          }
        });
        if (wave == 1) {
          // second-wave nodes start one at a time: ten JVMs starting at once on two cores starve the
          // Noise handshakes of the dials they make (10 s timeout, then a redial only after backoff)
          nodes[i].awaitFuture(listening.get(i), "listening", 120);
        }
      }
      for (int i = 0; i < NODES; i++) {
        if (Plan.secondWave(i) == (wave == 1)) {
          String addr = nodes[i].awaitFuture(listening.get(i), "listening", 120);
          assertThat(addr).contains("/p2p/");
        }
      }
      System.out.printf(Locale.ROOT, "wave %d: listening after %.1f s%n", wave + 1, (System.nanoTime() - waveStart) / 1e9);
    }
    long connectStart = System.nanoTime();
    for (int i = 0; i < NODES; i++) {
      nodes[i].awaitLatch(connected[i], "connections to its " + degree[i] + " peers", 60);
    }
    System.out.printf(Locale.ROOT, "all connected after %.1f s more%n", (System.nanoTime() - connectStart) / 1e9);
    // meshes form at the heartbeats after the connections: a probe that reaches every node says they have
    long probeStart = System.nanoTime();
    boolean ready = false;
    for (int p = 0; p < 30 && !ready; p++) {
      CountDownLatch probe = new CountDownLatch(NODES - 1);
      probes.add(probe);
      nodes[p % NODES].send("p" + p);
      ready = probe.await(3, TimeUnit.SECONDS);
    }
    assertThat(ready).as("a probe reached every node within 30 attempts").isTrue();
    System.out.printf(Locale.ROOT, "meshes ready after %.1f s more%n", (System.nanoTime() - probeStart) / 1e9);

    long t0 = System.nanoTime();
    long[] published = new long[MESSAGES];
    long partitionAt = 0;
    long healAt = 0;
    long interval = (long) (1e9 / RATE);
    for (int k = 0; k < MESSAGES; k++) {
      long due = t0 + k * interval;
      if (partitionAt == 0 && due - t0 >= PARTITION_AT_MS * 1_000_000L) {
        partitionAt = sendAt(wire, "partition", t0 + PARTITION_AT_MS * 1_000_000L);
      }
      if (healAt == 0 && due - t0 >= HEAL_AT_MS * 1_000_000L) {
        healAt = sendAt(wire, "heal", t0 + HEAL_AT_MS * 1_000_000L);
      }
      LockSupport.parkNanos(due - System.nanoTime()); // the publish schedule, not synchronisation
      published[k] = System.nanoTime();
      nodes[plan.publishers()[k]].send("m" + k);
    }
    boolean complete = allDelivered.await(Math.max(1, healAt + COMPLETE_WITHIN_MS * 1_000_000L - System.nanoTime()),
        TimeUnit.NANOSECONDS);
    System.out.println("all delivered: " + complete + "; wire: " + wire.sendAndAwait("stats", "ok stats", 10));

    List<FaultFigures.Message> messages = new ArrayList<>();
    for (int k = 0; k < MESSAGES; k++) {
      double[] at = new double[NODES];
      for (int i = 0; i < NODES; i++) {
        long a = arrival.get(k * NODES + i);
        at[i] = i == plan.publishers()[k] || a == 0 ? -1 : (a - t0) / 1e6;
      }
      messages.add(new FaultFigures.Message(plan.publishers()[k], (published[k] - t0) / 1e6, at));
    }
    Files.writeString(Path.of("target", "network-faults", "real-arrivals.csv"), FaultFigures.csv(messages));
    return FaultFigures.of(messages, NODES, GROUP_B, (partitionAt - t0) / 1e6, (healAt - t0) / 1e6);
  }

  /** Sends a wire command at {@code due} (publish-schedule time) and returns when the wire applied it. */
  private static long sendAt(Proc wire, String cmd, long due) throws Exception {
    LockSupport.parkNanos(due - System.nanoTime());
    long sent = System.nanoTime();
    wire.sendAndAwait(cmd, "ok " + cmd, 10);
    return sent;
  }

  private static String address(int i) {
    return "10.99." + (i / 200) + "." + (i % 200 + 1);
  }

  // ---- the simulated run ----

  private FaultFigures runSimulated(Plan plan, Path out) throws IOException {
    Path edges = out.resolve("edges.txt");
    Files.writeString(edges, plan.edges().stream().map(e -> e[0] + " " + e[1]).collect(Collectors.joining("\n")) + "\n");
    long warmup = 10_000;
    String nodeMs = java.util.Arrays.stream(plan.halfMs()).mapToObj(d -> String.format(Locale.ROOT, "%.3f", d))
        .collect(Collectors.joining(", "));
    String json = String.format(Locale.ROOT, """
        {
          "name": "netns-20-partition",
          "seed": %d,
          "nodes": %d,
          "router": "gossipsub",
          "gossipsub": {"preset": "defaults"},
          "topology": {"type": "file", "file": "%s"},
          "links": {"latency": {"type": "node-sum", "nodeMs": [%s]}, "loss": %s},
          "traffic": [{"topic": "%s", "messages": %d, "sizeBytes": 64, "ratePerSecond": %s}],
          "warmupMs": %d,
          "drainMs": %d,
          "partition": {"atMs": %d, "healMs": %d, "fraction": 0.5}
        }
        """, SEED, NODES, edges.toAbsolutePath(), nodeMs, LOSS, TOPIC, MESSAGES, RATE, warmup,
        // 1 ms early: the real run cuts (and heals) just before the publish due at that instant, while the
        // simulator runs same-instant events in the order scheduled, publishes first
        COMPLETE_WITHIN_MS, warmup + PARTITION_AT_MS - 1, warmup + HEAL_AT_MS - 1);
    Files.writeString(out.resolve("scenario.json"), json);
    Report report = Simulator.run(Scenario.parse(json));
    List<FaultFigures.Message> messages = new ArrayList<>();
    for (Report.Delivery d : report.deliveries()) {
      double[] at = new double[NODES];
      for (int i = 0; i < NODES; i++) {
        at[i] = d.arrivalMs()[i] < 0 ? -1 : d.arrivalMs()[i] - warmup;
      }
      messages.add(new FaultFigures.Message(d.publisher(), d.publishedAtMs() - warmup, at));
    }
    Files.writeString(out.resolve("sim-arrivals.csv"), FaultFigures.csv(messages));
    return FaultFigures.of(messages, NODES, GROUP_B, PARTITION_AT_MS, HEAL_AT_MS);
  }

  // ---- environment ----

  /** The wire script on disk, or the test is skipped with the reason. */
  private static Path requireNamespaces() throws Exception {
    assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
        "network namespaces need Linux");
    assumeTrue(Namespaces.succeeds("id", "-u") && Namespaces.output("id", "-u").trim().equals("0"),
        "network namespaces need root (run as root, e.g. in CI)");
    assumeTrue(Namespaces.succeeds("ip", "-V"), "the ip command (iproute2) is missing");
    assumeTrue(Namespaces.succeeds("python3", "-c", "import fcntl, select"), "python3 is missing (it runs the wire)");
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing (the wire needs TUN interfaces)");
    String probe = Namespaces.prefix() + "probe";
    boolean canAdd = Namespaces.succeeds("ip", "netns", "add", probe);
    if (canAdd) {
      Namespaces.succeeds("ip", "netns", "del", probe);
    }
    assumeTrue(canAdd, "'ip netns add' failed: network namespaces are not available here");
    Path script = Path.of("target", "network-faults", "wire.py");
    Files.createDirectories(script.getParent());
    try (InputStream in = NetworkFaultsIT.class.getResourceAsStream("wire.py")) {
      assertThat(in).as("wire.py on the test classpath").isNotNull();
      Files.write(script, in.readAllBytes());
    }
    return script.toAbsolutePath();
  }

  /** A process the test started; its stdout lines go to a handler and a queue. */
  static final class Proc {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder stderr = new StringBuilder();
    private final OutputStream stdin;

    Proc(List<String> cmd, java.util.function.Consumer<String> handler) throws IOException {
      process = new ProcessBuilder(cmd).start();
      stdin = process.getOutputStream();
      Thread out = new Thread(() -> pump(process.getInputStream(), l -> {
        if (handler != null) {
          handler.accept(l);
        } else {
          lines.add(l);
        }
      }), "nf-stdout-" + process.pid());
      Thread err = new Thread(() -> pump(process.getErrorStream(), l -> {
        synchronized (stderr) {
          if (stderr.length() < 20_000 && !l.startsWith("WARNING:")) {
            stderr.append(l).append('\n');
          }
        }
      }), "nf-stderr-" + process.pid());
      out.setDaemon(true);
      err.setDaemon(true);
      out.start();
      err.start();
    }

    synchronized void send(String line) throws IOException {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    String await(java.util.function.Predicate<String> match, String what, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<String> seen = new ArrayList<>();
      while (true) {
        String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (l == null) {
          throw new AssertionError("no " + what + " within " + seconds + " s; stdout: " + seen + "; stderr: " + stderr());
        }
        seen.add(l);
        if (match.test(l)) {
          return l;
        }
      }
    }

    String sendAndAwait(String cmd, String prefix, int seconds) throws Exception {
      send(cmd);
      return await(l -> l.startsWith(prefix), "answer to " + cmd, seconds);
    }

    <T> T awaitFuture(CompletableFuture<T> f, String what, int seconds) throws Exception {
      try {
        return f.get(seconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("no " + what + " within " + seconds + " s (alive " + process.isAlive() + "); stderr: "
            + stderr());
      }
    }

    void awaitLatch(CountDownLatch latch, String what, int seconds) throws InterruptedException {
      if (!latch.await(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("no " + what + " within " + seconds + " s (" + latch.getCount() + " missing, alive "
            + process.isAlive() + "); stderr: " + stderr());
      }
    }

    String stderr() {
      synchronized (stderr) {
        return stderr.toString();
      }
    }

    private static void pump(InputStream in, java.util.function.Consumer<String> sink) {
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

  /**
   * Network namespaces (and processes in them) this test created, under a random prefix; closing ends
   * the processes by their handles and deletes the namespaces, which removes every interface in them.
   */
  static final class Namespaces implements AutoCloseable {
    private final String prefix = prefix();
    private final List<String> created = new ArrayList<>();
    private final List<Proc> procs = new ArrayList<>();
    private final Thread onExit = new Thread(this::cleanUp, "network-faults-cleanup");

    Namespaces() {
      Runtime.getRuntime().addShutdownHook(onExit); // also when the test JVM is stopped mid-run
    }

    static String prefix() {
      return String.format("nf%06x", new java.security.SecureRandom().nextInt(1 << 24));
    }

    String add(String name) throws Exception {
      String full = prefix + name;
      run("ip", "netns", "add", full);
      created.add(full);
      return full;
    }

    Proc start(List<String> cmd, java.util.function.Consumer<String> handler) throws IOException {
      Proc p = new Proc(cmd, handler);
      synchronized (procs) {
        procs.add(p);
      }
      return p;
    }

    @Override
    public void close() {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }

    private synchronized void cleanUp() {
      List<Proc> ps;
      synchronized (procs) {
        ps = new ArrayList<>(procs);
        procs.clear();
      }
      ps.forEach(p -> p.process.destroy());
      for (Proc p : ps) {
        try {
          if (!p.process.waitFor(10, TimeUnit.SECONDS)) {
            p.process.destroyForcibly();
            p.process.waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          p.process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
      for (int i = created.size() - 1; i >= 0; i--) {
        succeeds("ip", "netns", "del", created.get(i));
      }
      created.clear();
    }

    static void run(String... cmd) throws Exception {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
      }
    }

    static boolean succeeds(String... cmd) {
      try {
        run(cmd);
        return true;
      } catch (Exception | AssertionError e) {
        return false;
      }
    }

    static String output(String... cmd) throws Exception {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    }
  }
}
