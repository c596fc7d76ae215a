package io.serenity.p2p.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run measured; a pure function of the scenario (no wall-clock numbers), so two runs of one
 * scenario give byte-identical text and JSON.
 *
 * @param deliveryRatio deliveries / (messages × honest nodes up from publish to the end, publisher excluded)
 * @param latency publish-to-first-delivery latency over those deliveries
 * @param meanHops mean hops of the first copy (1 = straight from the publisher)
 * @param duplicatesPerDelivery copies received beyond the first, per first delivery (all nodes)
 * @param duplicates total copies received beyond the first (the publisher's echoes included)
 * @param bytesInPerNodePerSecond mean received RPC bytes per node per second of virtual time
 * @param bytesOutPerNodePerSecond mean sent RPC bytes per node per second
 * @param maxBytesOutPerNodePerSecond the busiest node's sent bytes per second
 * @param controlOverhead share of sent bytes that are not messages (control, subscriptions)
 * @param eclipseTargetDelivery share of messages the eclipse target got (NaN without an eclipse)
 * @param name the scenario's name
 * @param router "gossipsub" or "floodsub"
 * @param nodes nodes at start
 * @param links links at start
 * @param messages messages published
 * @param virtualSeconds virtual time the run covered
 * @param delivered first deliveries counted in {@code deliveryRatio}
 * @param expected deliveries possible ({@code deliveryRatio}'s denominator)
 * @param latencyByTopic {@code latency} per topic
 * @param packets packets sent
 * @param packetsLost packets the links lost
 */
public record Summary(
    String name,
    String router,
    int nodes,
    int links,
    int messages,
    double virtualSeconds,
    double deliveryRatio,
    long delivered,
    long expected,
    Latency latency,
    Map<String, Latency> latencyByTopic,
    double meanHops,
    double duplicatesPerDelivery,
    long duplicates,
    double bytesInPerNodePerSecond,
    double bytesOutPerNodePerSecond,
    double maxBytesOutPerNodePerSecond,
    double controlOverhead,
    long packets,
    long packetsLost,
    double eclipseTargetDelivery) {

  /**
   * Latency percentiles in milliseconds.
   *
   * @param p50 the median
   * @param p90 the 90th percentile
   * @param p99 the 99th percentile
   * @param max the largest
   * @param count how many latencies
   */
  public record Latency(double p50, double p90, double p99, double max, long count) {
    static Latency of(List<Long> nanos) {
      if (nanos.isEmpty()) {
        return new Latency(0, 0, 0, 0, 0);
      }
      List<Long> l = new ArrayList<>(nanos);
      Collections.sort(l);
      return new Latency(pct(l, 0.50), pct(l, 0.90), pct(l, 0.99), l.get(l.size() - 1) / 1e6, l.size());
    }

    /** Nearest-rank percentile. */
    private static double pct(List<Long> sorted, double q) {
      int rank = (int) Math.ceil(q * sorted.size());
      return sorted.get(Math.max(0, rank - 1)) / 1e6;
    }

    ObjectNode toJsonNode() {
      ObjectNode o = JsonFormat.object();
      o.set("p50Ms", JsonFormat.number(p50));
      o.set("p90Ms", JsonFormat.number(p90));
      o.set("p99Ms", JsonFormat.number(p99));
      o.set("maxMs", JsonFormat.number(max));
      o.put("count", count);
      return o;
    }
  }

  /** The summary as a JSON object; the field names are the contract of summary.json (docs/simulation.md). */
  ObjectNode toJsonNode() {
    ObjectNode o = JsonFormat.object();
    o.put("name", name);
    o.put("router", router);
    o.put("nodes", nodes);
    o.put("links", links);
    o.put("messages", messages);
    o.set("virtualSeconds", JsonFormat.number(virtualSeconds));
    o.set("deliveryRatio", JsonFormat.number(deliveryRatio));
    o.put("delivered", delivered);
    o.put("expected", expected);
    o.set("latency", latency.toJsonNode());
    ObjectNode byTopic = o.putObject("latencyByTopic");
    latencyByTopic.forEach((topic, l) -> byTopic.set(topic, l.toJsonNode()));
    o.set("meanHops", JsonFormat.number(meanHops));
    o.set("duplicatesPerDelivery", JsonFormat.number(duplicatesPerDelivery));
    o.put("duplicates", duplicates);
    o.set("bytesInPerNodePerSecond", JsonFormat.number(bytesInPerNodePerSecond));
    o.set("bytesOutPerNodePerSecond", JsonFormat.number(bytesOutPerNodePerSecond));
    o.set("maxBytesOutPerNodePerSecond", JsonFormat.number(maxBytesOutPerNodePerSecond));
    o.set("controlOverhead", JsonFormat.number(controlOverhead));
    o.put("packets", packets);
    o.put("packetsLost", packetsLost);
    // NaN (no eclipse in the scenario) becomes null
    o.set("eclipseTargetDelivery", JsonFormat.number(eclipseTargetDelivery));
    return o;
  }

  /** {@return the summary as indented JSON} */
  public String toJson() {
    return JsonFormat.write(toJsonNode());
  }

  /** {@return the summary as a two-column text table} */
  public String toText() {
    return table(List.of(this));
  }

  /**
   * Several summaries side by side, one column each (comparison mode).
   *
   * @param runs the summaries
   * @return the table as text
   */
  public static String table(List<Summary> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(row("scenario", runs, Summary::name));
    rows.add(row("router", runs, Summary::router));
    rows.add(row("nodes / links", runs, s -> s.nodes + " / " + s.links));
    rows.add(row("messages", runs, s -> String.valueOf(s.messages)));
    rows.add(row("virtual time", runs, s -> f("%.1f s", s.virtualSeconds)));
    rows.add(row("delivery ratio", runs, s -> f("%.4f (%d/%d)", s.deliveryRatio, s.delivered, s.expected)));
    rows.add(row("latency p50", runs, s -> f("%.1f ms", s.latency.p50)));
    rows.add(row("latency p90", runs, s -> f("%.1f ms", s.latency.p90)));
    rows.add(row("latency p99", runs, s -> f("%.1f ms", s.latency.p99)));
    rows.add(row("latency max", runs, s -> f("%.1f ms", s.latency.max)));
    if (runs.stream().anyMatch(s -> s.latencyByTopic.size() > 1)) {
      for (String topic : runs.get(0).latencyByTopic.keySet()) {
        rows.add(row("  " + topic + " p50/p99", runs, s -> {
          Latency l = s.latencyByTopic.get(topic);
          return l == null ? "-" : f("%.1f / %.1f ms", l.p50, l.p99);
        }));
      }
    }
    rows.add(row("mean hops", runs, s -> f("%.2f", s.meanHops)));
    rows.add(row("duplicates/delivery", runs, s -> f("%.2f", s.duplicatesPerDelivery)));
    rows.add(row("bandwidth in/node", runs, s -> bytes(s.bytesInPerNodePerSecond) + "/s"));
    rows.add(row("bandwidth out/node", runs, s -> bytes(s.bytesOutPerNodePerSecond) + "/s"));
    rows.add(row("busiest node out", runs, s -> bytes(s.maxBytesOutPerNodePerSecond) + "/s"));
    rows.add(row("control overhead", runs, s -> f("%.1f %%", 100 * s.controlOverhead)));
    rows.add(row("packets (lost)", runs, s -> s.packets + " (" + s.packetsLost + ")"));
    if (runs.stream().anyMatch(s -> !Double.isNaN(s.eclipseTargetDelivery))) {
      rows.add(row("eclipse target got", runs, s -> Double.isNaN(s.eclipseTargetDelivery) ? "-"
          : f("%.1f %%", 100 * s.eclipseTargetDelivery)));
    }
    int[] width = new int[runs.size() + 1];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        sb.append(i == 0 ? String.format("%-" + width[i] + "s", r[i]) : "  " + String.format("%" + width[i] + "s", r[i]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String[] row(String label, List<Summary> runs, java.util.function.Function<Summary, String> f) {
    String[] r = new String[runs.size() + 1];
    r[0] = label;
    for (int i = 0; i < runs.size(); i++) {
      r[i + 1] = f.apply(runs.get(i));
    }
    return r;
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String bytes(double b) {
    if (b >= 1 << 20) {
      return f("%.2f MiB", b / (1 << 20));
    }
    if (b >= 1 << 10) {
      return f("%.1f KiB", b / (1 << 10));
    }
    return f("%.0f B", b);
  }
}
