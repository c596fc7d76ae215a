package io.serenity.p2p.node;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2p-node devnet}: a local gossip network in one process, with a delivery and latency report. */
@Command(
    name = "devnet",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Start N nodes on loopback in one process, connect them in a random topology of average degree K,",
        "wait for meshes, publish M messages of S bytes from random nodes at R per second, and report",
        "delivery ratio, publish-to-delivery latency, duplicates, bytes sent per node and CPU time."})
final class DevnetCommand implements Callable<Integer> {

  @Mixin NodeOptions node;

  @Option(names = "--nodes", paramLabel = "<N>", description = "Nodes (2 to 2000). Default: ${DEFAULT-VALUE}.")
  int nodes = 50;

  @Option(names = "--degree", paramLabel = "<K>", description = "Average connections per node (2 or more). Default: ${DEFAULT-VALUE}.")
  int degree = 6;

  @Option(names = "--messages", paramLabel = "<M>", description = "Messages to publish. Default: ${DEFAULT-VALUE}.")
  int messages = 100;

  @Option(names = "--size", paramLabel = "<bytes>", description = "Message size, at least 12. Default: ${DEFAULT-VALUE}.")
  int size = 1024;

  @Option(names = "--rate", paramLabel = "<per-second>", description = "Publish rate; 0 publishes as fast as possible. Default: ${DEFAULT-VALUE}.")
  double rate = 50;

  @Option(names = "--seed", paramLabel = "<n>", description = "Seed for identities, topology and publishers. Default: ${DEFAULT-VALUE}.")
  long seed = 1;

  @Option(names = "--timeout", paramLabel = "<seconds>", description = "How long to wait for deliveries after the last publish. Default: ${DEFAULT-VALUE}.")
  int timeout = 30;

  @Option(names = "--transport", paramLabel = "tcp|quic",
      description = "Transport the nodes listen and dial on: tcp (Noise, yamux) or quic (QUIC v1). Default: ${DEFAULT-VALUE}.")
  String transport = "tcp";

  @Option(names = "--json", description = "Print the summary as one JSON object (progress still goes to stderr).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    // hundreds of hosts each logging their start would bury the report
    Logging.setLevel("io.serenity.p2p.host.Host", ch.qos.logback.classic.Level.WARN);
    Logging.setLevel("io.serenity.p2p.server.Server", ch.qos.logback.classic.Level.WARN);
    if (nodes < 2 || nodes > 2000) {
      throw new UsageException("--nodes: " + nodes + " is out of range (2 to 2000)");
    }
    if (degree < 2 || degree >= nodes) {
      throw new UsageException("--degree: " + degree + " must be at least 2 and below --nodes (" + nodes + ")");
    }
    if (messages < 0 || messages > 10_000_000) {
      throw new UsageException("--messages: " + messages + " is out of range (0 to 10000000)");
    }
    if (size < Devnet.HEADER || size > 1 << 20) {
      throw new UsageException("--size: " + size + " is out of range (" + Devnet.HEADER + " to 1048576 bytes)");
    }
    if (rate < 0 || Double.isNaN(rate)) {
      throw new UsageException("--rate: " + rate + " must be 0 or more");
    }
    if (timeout < 1) {
      throw new UsageException("--timeout: " + timeout + " must be at least 1 second");
    }
    Devnet.Transport t = switch (transport.toLowerCase(Locale.ROOT)) {
      case "tcp" -> Devnet.Transport.TCP;
      case "quic" -> Devnet.Transport.QUIC;
      default -> throw new UsageException("--transport: unknown transport '" + transport + "' (expected tcp or quic)");
    };
    Devnet.Settings settings = new Devnet.Settings(nodes, degree, messages, size, rate, seed, node.floodsub(),
        node.gossipParams(), node.pubsubConfig().withMaxMessageSize(Math.max(size, 1 << 20)),
        node.scoringOn(), Duration.ofSeconds(timeout).toMillis(), t);
    PrintStream err = System.err;
    boolean tty = System.console() != null;
    Devnet.Summary s = new Devnet(settings, line -> {
      if (line.startsWith("[")) {
        if (tty) {
          err.print("\r" + line);
          err.flush();
        }
      } else {
        err.println((tty ? "\r" : "") + line);
      }
    }).run();
    if (tty) {
      err.println();
    }
    EventPrinter printer = new EventPrinter(System.out, json);
    printer.event("devnet_summary")
        .with("nodes", s.nodes())
        .with("router", node.floodsub() ? "floodsub" : "gossipsub")
        .with("transport", t.label())
        .with("connections", s.connections())
        .with("connectionsByTransport", new java.util.TreeMap<>(s.connectionsByTransport()))
        .with("failedDials", s.failedDials())
        .with("messages", s.messages())
        .with("size", s.size())
        .with("deliveries", s.deliveries())
        .with("expected", s.expected())
        .with("deliveryRatio", round(s.deliveryRatio(), 4))
        .with("latency", labelled("p50_ms", round(s.latencyMillis()[0], 2), "p90_ms", round(s.latencyMillis()[1], 2),
            "p99_ms", round(s.latencyMillis()[2], 2), "max_ms", round(s.latencyMillis()[3], 2)))
        .with("duplicatesPerMessage", round(s.duplicatesPerMessage(), 2))
        .with("meanMeshSize", round(s.meanMeshSize(), 2))
        .with("bytesSentPerNode", labelled("mean", s.bytesSentPerNode()[0], "max", s.bytesSentPerNode()[1]))
        .with("setupSeconds", round(s.setupSeconds(), 2))
        .with("runSeconds", round(s.runSeconds(), 2))
        .with("cpuSeconds", round(s.cpuSeconds(), 2))
        .print(human(s, t));
    return s.deliveryRatio() == 1.0 ? 0 : 1;
  }

  private String human(Devnet.Summary s, Devnet.Transport t) {
    return String.format(Locale.ROOT, String.join("\n",
            "devnet: %d nodes (%s over %s), %d connections (%d failed; open at the end: %s), %d messages of %d bytes",
            "  delivery ratio      %.4f (%d of %d)",
            "  latency ms          p50 %.2f  p90 %.2f  p99 %.2f  max %.2f",
            "  duplicates/message  %.2f",
            "  mean mesh size      %.2f",
            "  bytes sent/node     mean %d  max %d",
            "  time                setup %.1f s, run %.1f s, CPU %.1f s"),
        s.nodes(), node.floodsub() ? "floodsub" : "gossipsub", t.label(), s.connections(), s.failedDials(),
        openByTransport(s.connectionsByTransport()), s.messages(), s.size(),
        s.deliveryRatio(), s.deliveries(), s.expected(),
        s.latencyMillis()[0], s.latencyMillis()[1], s.latencyMillis()[2], s.latencyMillis()[3],
        s.duplicatesPerMessage(), s.meanMeshSize(), s.bytesSentPerNode()[0], s.bytesSentPerNode()[1],
        s.setupSeconds(), s.runSeconds(), s.cpuSeconds());
  }

  private static String openByTransport(java.util.Map<String, Integer> m) {
    if (m.isEmpty()) {
      return "none";
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    new java.util.TreeMap<>(m).forEach((k, v) -> parts.add(v + " " + k));
    return String.join(", ", parts);
  }

  /** Name/value pairs, in order, as one JSON object. */
  private static java.util.Map<String, Object> labelled(Object... pairs) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
