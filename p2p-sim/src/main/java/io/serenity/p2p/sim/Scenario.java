package io.serenity.p2p.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One simulation, as read from a JSON file (format in docs/simulation.md). Every field but {@code
 * nodes} has a default; unknown keys are errors, so a typo never silently falls back to a default.
 *
 * @param name label used in reports
 * @param seed seeds every random choice (topology, latencies, routers, publishers)
 * @param nodes number of nodes at start
 * @param router "gossipsub" or "floodsub"
 * @param gossip gossipsub parameters (ignored by floodsub)
 * @param topology how nodes are connected
 * @param links latency, bandwidth, loss
 * @param traffic message streams published after the warm-up
 * @param warmupMs virtual time before the first publish (meshes form)
 * @param drainMs virtual time after the last publish before the run ends
 * @param adversaries misbehaving node groups
 * @param churn leave/crash/join events
 * @param partition a network split and its healing, or null
 */
public record Scenario(
    String name,
    long seed,
    int nodes,
    String router,
    Gossip gossip,
    Topology topology,
    Links links,
    List<Traffic> traffic,
    long warmupMs,
    long drainMs,
    List<Adversary> adversaries,
    List<Churn> churn,
    Partition partition) {

  /**
   * Gossipsub settings: a preset and overrides.
   *
   * @param preset "ethereum" (D 8/6/12, heartbeat 700 ms) or "defaults" (go-libp2p: D 6/5/12, 1 s)
   * @param d mesh degree override (0 keeps the preset's), likewise dLow, dHigh, dLazy
   * @param dLow mesh low watermark override (0 keeps the preset's)
   * @param dHigh mesh high watermark override (0 keeps the preset's)
   * @param dLazy gossip degree override (0 keeps the preset's)
   * @param heartbeatMs heartbeat override (0 keeps the preset's)
   * @param floodPublish whether our own messages go to every topic peer
   * @param scoring whether peers are scored (Ethereum score parameters and thresholds)
   */
  public record Gossip(String preset, int d, int dLow, int dHigh, int dLazy, long heartbeatMs, boolean floodPublish,
      boolean scoring) {}

  /**
   * How the nodes are connected at start.
   *
   * @param type "random-regular" (every node {@code degree} peers), "degrees" (random graph with the
   *     given degree distribution), "file" (edge list "a b" per line), "line", "ring", "complete"
   * @param degree degree for random-regular
   * @param degrees degree to probability, for "degrees"
   * @param file edge-list path, relative to the scenario file
   */
  public record Topology(String type, int degree, Map<Integer, Double> degrees, String file) {}

  /**
   * The links between nodes.
   *
   * @param latency "fixed" (valueMs), "uniform" (minMs..maxMs), "lognormal" (medianMs, sigma) or
   *     "matrix" (regions with weights and a latency matrix in ms); drawn once per link; or "node-sum"
   *     (nodeMs: one value per node, a link's latency is the sum of its two ends' values, like a delay on
   *     each node's own access link)
   * @param uploadMbps per-node upload bandwidth (0 = unlimited): packets queue behind each other
   * @param loss probability that a packet is lost
   * @param crashDetectMs how long peers of a crashed node keep sending into the void
   */
  public record Links(Latency latency, double uploadMbps, double loss, long crashDetectMs) {}

  /**
   * How long a packet takes on a link; {@link Links#latency()} says which fields each type uses.
   *
   * @param type "fixed", "uniform", "lognormal", "matrix" or "node-sum"
   * @param valueMs the fixed latency
   * @param minMs the uniform lower bound
   * @param maxMs the uniform upper bound
   * @param medianMs the lognormal median
   * @param sigma the lognormal shape
   * @param regions the matrix's region names
   * @param weights the share of nodes in each region
   * @param matrixMs latency between regions, a row per region
   * @param nodeMs the node-sum value of each node
   */
  public record Latency(String type, double valueMs, double minMs, double maxMs, double medianMs, double sigma,
      List<String> regions, List<Double> weights, List<List<Double>> matrixMs, List<Double> nodeMs) {}

  /**
   * One stream of published messages.
   *
   * @param topic topic name
   * @param messages how many messages
   * @param sizeBytes payload size
   * @param ratePerSecond publish rate
   * @param publishers "random" (a random honest node per message) or a node index as a number string
   */
  public record Traffic(String topic, int messages, int sizeBytes, double ratePerSecond, String publishers) {}

  /**
   * A group of misbehaving nodes.
   *
   * @param behaviour "silent" (never forwards messages), "spammer" (publishes invalid messages),
   *     "ihave-spam" (advertises ids it does not have), "iwant-spam" (asks for recent messages over
   *     and over), "eclipse" (connects to the target, grafts it, forwards nothing)
   * @param fraction share of nodes (used when count is 0)
   * @param count number of nodes
   * @param ratePerSecond spam rate per adversary
   * @param target victim node index (eclipse)
   */
  public record Adversary(String behaviour, double fraction, int count, double ratePerSecond, int target) {}

  /**
   * Nodes leaving, crashing or joining at one moment.
   *
   * @param atMs when
   * @param action "leave" (graceful), "crash" (silent; peers notice after crashDetectMs), "join"
   * @param count how many nodes
   * @param degree peers of each joining node
   */
  public record Churn(long atMs, String action, int count, int degree) {}

  /**
   * Splits nodes [0, fraction·n) from the rest at {@code atMs}; packets across are lost until {@code healMs}.
   *
   * @param atMs when the split starts
   * @param healMs when it heals
   * @param fraction the share of nodes cut off
   */
  public record Partition(long atMs, long healMs, double fraction) {}

  /**
   * Reads a scenario file; relative topology files resolve against its folder.
   *
   * @param file a JSON scenario
   * @return the scenario
   * @throws IOException when the file cannot be read
   */
  public static Scenario load(Path file) throws IOException {
    Scenario s = parse(Files.readString(file));
    if (s.topology.file() != null && !Path.of(s.topology.file()).isAbsolute()) {
      Path dir = file.toAbsolutePath().getParent();
      s = s.withTopology(new Topology(s.topology.type(), s.topology.degree(), s.topology.degrees(),
          dir.resolve(s.topology.file()).toString()));
    }
    return s;
  }

  Scenario withTopology(Topology t) {
    return new Scenario(name, seed, nodes, router, gossip, t, links, traffic, warmupMs, drainMs, adversaries, churn,
        partition);
  }

  /**
   * {@return a copy with another node count (benchmarks, tests)}
   *
   * @param n the node count
   */
  public Scenario withNodes(int n) {
    return new Scenario(name, seed, n, router, gossip, topology, links, traffic, warmupMs, drainMs, adversaries, churn,
        partition);
  }

  /**
   * Parses a scenario from JSON text.
   *
   * @param json the scenario
   * @return the scenario
   * @throws ScenarioException naming a missing or bad field
   */
  public static Scenario parse(String json) {
    JsonNode root = JsonFormat.read(json);
    if (!root.isObject()) {
      throw new ScenarioException("a scenario is a JSON object");
    }
    Obj o = new Obj("scenario", root);
    Obj g = o.obj("gossipsub");
    Gossip gossip = new Gossip(g.str("preset", "ethereum"), g.integer("d", 0), g.integer("dLow", 0),
        g.integer("dHigh", 0), g.integer("dLazy", 0), g.lng("heartbeatMs", 0), g.bool("floodPublish", false),
        g.bool("scoring", false));
    g.done();
    Obj t = o.obj("topology");
    Map<Integer, Double> degrees = new TreeMap<>();
    Obj dd = t.obj("degrees");
    for (String k : dd.keys()) {
      try {
        degrees.put(Integer.parseInt(k), dd.num(k, 0));
      } catch (NumberFormatException e) {
        throw new ScenarioException("topology.degrees keys are degrees, got \"" + k + "\"");
      }
    }
    Topology topology = new Topology(t.str("type", "random-regular"), t.integer("degree", 16), degrees,
        t.str("file", null));
    t.done();
    Obj l = o.obj("links");
    Obj lat = l.obj("latency");
    List<List<Double>> matrix = new ArrayList<>();
    for (JsonNode row : lat.list("matrixMs")) {
      if (!row.isArray()) {
        throw new ScenarioException("links.latency.matrixMs must be a list of lists of numbers");
      }
      List<Double> r = new ArrayList<>();
      row.forEach(c -> r.add(Obj.toDouble("links.latency.matrixMs", c)));
      matrix.add(r);
    }
    List<String> regions = new ArrayList<>();
    for (JsonNode x : lat.list("regions")) {
      if (!x.isTextual()) {
        throw new ScenarioException("links.latency.regions must be a list of strings");
      }
      regions.add(x.textValue());
    }
    List<Double> weights = new ArrayList<>();
    lat.list("weights").forEach(x -> weights.add(Obj.toDouble("links.latency.weights", x)));
    List<Double> nodeMs = new ArrayList<>();
    lat.list("nodeMs").forEach(x -> nodeMs.add(Obj.toDouble("links.latency.nodeMs", x)));
    Latency latency = new Latency(lat.str("type", "fixed"), lat.num("valueMs", 50), lat.num("minMs", 20),
        lat.num("maxMs", 120), lat.num("medianMs", 50), lat.num("sigma", 0.5), regions, weights, matrix,
        List.copyOf(nodeMs));
    lat.done();
    Links links = new Links(latency, l.num("uploadMbps", 0), l.num("loss", 0), l.lng("crashDetectMs", 5000));
    l.done();
    List<Traffic> traffic = new ArrayList<>();
    for (Obj tr : o.objs("traffic")) {
      traffic.add(new Traffic(tr.str("topic", "t"), tr.integer("messages", 100), tr.integer("sizeBytes", 1024),
          tr.num("ratePerSecond", 10), tr.str("publishers", "random")));
      tr.done();
    }
    if (traffic.isEmpty()) {
      traffic.add(new Traffic("t", 100, 1024, 10, "random"));
    }
    List<Adversary> adversaries = new ArrayList<>();
    for (Obj a : o.objs("adversaries")) {
      adversaries.add(new Adversary(a.str("behaviour", null), a.num("fraction", 0), a.integer("count", 0),
          a.num("ratePerSecond", 1), a.integer("target", 0)));
      a.done();
    }
    List<Churn> churn = new ArrayList<>();
    for (Obj c : o.objs("churn")) {
      churn.add(new Churn(c.lng("atMs", 0), c.str("action", null), c.integer("count", 1), c.integer("degree", 16)));
      c.done();
    }
    Partition partition = null;
    if (o.has("partition")) {
      Obj p = o.obj("partition");
      partition = new Partition(p.lng("atMs", 0), p.lng("healMs", 30_000), p.num("fraction", 0.5));
      p.done();
    }
    Scenario s = new Scenario(o.str("name", "scenario"), o.lng("seed", 1), o.integer("nodes", -1),
        o.str("router", "gossipsub"), gossip, topology, links, List.copyOf(traffic), o.lng("warmupMs", 5000),
        o.lng("drainMs", 5000), List.copyOf(adversaries), List.copyOf(churn), partition);
    o.done();
    return s.validate();
  }

  /**
   * Rejects impossible settings with a message naming the field; returns this.
   *
   * @return this scenario
   * @throws ScenarioException naming the bad field
   */
  public Scenario validate() {
    require(nodes >= 2, "nodes must be at least 2, got " + nodes);
    require(router.equals("gossipsub") || router.equals("floodsub"), "router must be gossipsub or floodsub, got " + router);
    require(Set.of("ethereum", "defaults").contains(gossip.preset()), "gossipsub.preset must be ethereum or defaults");
    require(Set.of("random-regular", "degrees", "file", "line", "ring", "complete").contains(topology.type()),
        "unknown topology.type " + topology.type());
    require(!topology.type().equals("file") || topology.file() != null, "topology.file is required for type file");
    require(!topology.type().equals("degrees") || !topology.degrees().isEmpty(), "topology.degrees is required for type degrees");
    require(!topology.type().equals("random-regular") || (topology.degree() > 0 && topology.degree() < nodes),
        "topology.degree must be in [1, nodes)");
    require(Set.of("fixed", "uniform", "lognormal", "matrix", "node-sum").contains(links.latency().type()),
        "unknown links.latency.type " + links.latency().type());
    if (links.latency().type().equals("matrix")) {
      Latency l = links.latency();
      int r = l.regions().size();
      require(r > 0 && l.weights().size() == r && l.matrixMs().size() == r
          && l.matrixMs().stream().allMatch(row -> row.size() == r), "links.latency matrix needs regions, weights and an r×r matrixMs");
    }
    if (links.latency().type().equals("node-sum")) {
      require(links.latency().nodeMs().size() == nodes && links.latency().nodeMs().stream().allMatch(v -> v >= 0),
          "links.latency node-sum needs nodeMs: one value >= 0 per node");
      require(churn.stream().noneMatch(c -> c.action().equals("join")), "links.latency node-sum cannot add nodes (join)");
    }
    require(links.loss() >= 0 && links.loss() < 1, "links.loss must be in [0, 1)");
    require(links.uploadMbps() >= 0, "links.uploadMbps must not be negative");
    for (Traffic t : traffic) {
      require(t.messages() >= 0 && t.sizeBytes() >= 24 && t.ratePerSecond() > 0,
          "traffic needs messages >= 0, sizeBytes >= 24, ratePerSecond > 0");
    }
    for (Adversary a : adversaries) {
      require(Set.of("silent", "spammer", "ihave-spam", "iwant-spam", "eclipse").contains(a.behaviour()),
          "unknown adversary behaviour " + a.behaviour());
    }
    for (Churn c : churn) {
      require(Set.of("leave", "crash", "join").contains(c.action()), "unknown churn action " + c.action());
    }
    if (partition != null) {
      require(partition.healMs() > partition.atMs() && partition.fraction() > 0 && partition.fraction() < 1,
          "partition needs healMs > atMs and fraction in (0, 1)");
    }
    return this;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ScenarioException(message);
    }
  }

  /**
   * A JSON object being read: remembers which keys were used, so leftovers are reported. An absent key
   * and a JSON null both read as the default.
   */
  private static final class Obj {
    private final String path;
    private final JsonNode object;
    private final Set<String> used = new HashSet<>();

    Obj(String path, JsonNode node) {
      this.path = path;
      if (node == null || node.isNull()) {
        this.object = JsonNodeFactory.instance.objectNode();
      } else if (node.isObject()) {
        this.object = node;
      } else {
        throw new ScenarioException(path + " must be an object");
      }
    }

    boolean has(String k) {
      return object.has(k);
    }

    Set<String> keys() {
      Set<String> ks = new LinkedHashSet<>();
      object.fieldNames().forEachRemaining(ks::add);
      used.addAll(ks);
      return ks;
    }

    /** The value at {@code k}, or null when absent or JSON null. */
    private JsonNode get(String k) {
      used.add(k);
      JsonNode v = object.get(k);
      return v == null || v.isNull() ? null : v;
    }

    String str(String k, String def) {
      JsonNode v = get(k);
      if (v == null) {
        return def;
      }
      if (v.isNumber()) {
        // "publishers": 3 reads as the node index "3"
        return String.valueOf(v.longValue());
      }
      if (!v.isTextual()) {
        throw new ScenarioException(path + "." + k + " must be a string");
      }
      return v.textValue();
    }

    static double toDouble(String where, JsonNode v) {
      if (!v.isNumber()) {
        throw new ScenarioException(where + " must be a number");
      }
      return v.doubleValue();
    }

    double num(String k, double def) {
      JsonNode v = get(k);
      return v == null ? def : toDouble(path + "." + k, v);
    }

    long lng(String k, long def) {
      JsonNode v = get(k);
      if (v == null) {
        return def;
      }
      if (v.isIntegralNumber()) {
        if (!v.canConvertToLong()) {
          throw new ScenarioException(path + "." + k + " is out of range");
        }
        return v.longValue();
      }
      double d = toDouble(path + "." + k, v);
      if (d != Math.rint(d)) {
        throw new ScenarioException(path + "." + k + " must be a whole number");
      }
      if (d >= 0x1p63 || d < -0x1p63) {
        throw new ScenarioException(path + "." + k + " is out of range");
      }
      return (long) d;
    }

    int integer(String k, int def) {
      long v = lng(k, def);
      if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
        throw new ScenarioException(path + "." + k + " is out of range");
      }
      return (int) v;
    }

    boolean bool(String k, boolean def) {
      JsonNode v = get(k);
      if (v == null) {
        return def;
      }
      if (!v.isBoolean()) {
        throw new ScenarioException(path + "." + k + " must be true or false");
      }
      return v.booleanValue();
    }

    Obj obj(String k) {
      return new Obj(path + "." + k, get(k));
    }

    List<JsonNode> list(String k) {
      JsonNode v = get(k);
      if (v == null) {
        return List.of();
      }
      if (!v.isArray()) {
        throw new ScenarioException(path + "." + k + " must be a list");
      }
      List<JsonNode> l = new ArrayList<>(v.size());
      v.forEach(l::add);
      return l;
    }

    List<Obj> objs(String k) {
      List<Obj> out = new ArrayList<>();
      List<JsonNode> l = list(k);
      for (int i = 0; i < l.size(); i++) {
        out.add(new Obj(path + "." + k + "[" + i + "]", l.get(i)));
      }
      return out;
    }

    void done() {
      object.fieldNames().forEachRemaining(k -> {
        if (!used.contains(k)) {
          throw new ScenarioException("unknown key " + path + "." + k);
        }
      });
    }
  }
}
