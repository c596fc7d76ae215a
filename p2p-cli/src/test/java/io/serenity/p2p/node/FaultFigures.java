package io.serenity.p2p.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one partition run, computed the same way for the real network and the simulator from
 * when each message was published and when it first reached each node (ms since the first publish).
 *
 * <p>Phases by publish time: <em>before</em> the partition, <em>during</em> it, <em>after</em> the heal.
 */
record FaultFigures(
    int nodes, int messages, Phase before, Phase during, Phase after, double crossDeliveredDuringPartition,
    double backlogDeliveredMs, double repairedMs, long undelivered) {

  /**
   * One phase.
   *
   * @param ratio deliveries / (messages x (nodes - 1)) by the end of the run
   * @param latencyMs p50, p90, p99, max of publish-to-first-arrival, over the deliveries made
   */
  record Phase(int messages, long deliveries, long expected, double ratio, double[] latencyMs) {}

  /** One message: publisher, publish time and first arrival per node (-1 never, and for the publisher). */
  record Message(int publisher, double publishedMs, double[] arrivalMs) {}

  /**
   * @param groupB first node of the second group (nodes [0, groupB) are the first)
   * @param partitionMs when the partition began, ms since the first publish
   * @param healMs when it healed
   */
  static FaultFigures of(List<Message> messages, int nodes, int groupB, double partitionMs, double healMs) {
    List<Message> before = new ArrayList<>();
    List<Message> during = new ArrayList<>();
    List<Message> after = new ArrayList<>();
    for (Message m : messages) {
      (m.publishedMs() < partitionMs ? before : m.publishedMs() < healMs ? during : after).add(m);
    }
    long cross = 0;
    long crossBeforeHeal = 0;
    for (Message m : during) {
      for (int i = 0; i < nodes; i++) {
        if (i != m.publisher() && (i < groupB) != (m.publisher() < groupB)) {
          cross++;
          if (m.arrivalMs()[i] >= 0 && m.arrivalMs()[i] < healMs) {
            crossBeforeHeal++;
          }
        }
      }
    }
    long undelivered = 0;
    for (Message m : messages) {
      for (int i = 0; i < nodes; i++) {
        if (i == m.publisher()) {
          continue;
        }
        if (m.arrivalMs()[i] < 0) {
          undelivered++;
        }
      }
    }
    // messages published during the partition: when the last of them reached its last node
    double backlog = 0;
    for (Message m : during) {
      for (int i = 0; i < nodes; i++) {
        if (i != m.publisher()) {
          backlog = m.arrivalMs()[i] < 0 ? Double.NaN : Math.max(backlog, m.arrivalMs()[i] - healMs);
        }
      }
    }
    // repaired: from which publish time after the heal on every message reached every node within twice
    // the p99 latency before the partition (the max itself is one lost packet's retransmission, too noisy)
    Phase beforePhase = phase(before, nodes);
    double bound = 2 * beforePhase.latencyMs()[2];
    double repaired = 0;
    for (int k = 0; k < after.size(); k++) {
      Message m = after.get(k);
      boolean ok = true;
      for (int i = 0; i < nodes; i++) {
        if (i != m.publisher() && (m.arrivalMs()[i] < 0 || m.arrivalMs()[i] - m.publishedMs() > bound)) {
          ok = false;
        }
      }
      if (!ok) {
        repaired = k + 1 < after.size() ? after.get(k + 1).publishedMs() - healMs : Double.NaN;
      }
    }
    return new FaultFigures(nodes, messages.size(), beforePhase, phase(during, nodes), phase(after, nodes),
        cross == 0 ? Double.NaN : crossBeforeHeal / (double) cross, backlog, repaired, undelivered);
  }

  private static Phase phase(List<Message> ms, int nodes) {
    List<Double> lat = new ArrayList<>();
    for (Message m : ms) {
      for (int i = 0; i < nodes; i++) {
        if (i != m.publisher() && m.arrivalMs()[i] >= 0) {
          lat.add(m.arrivalMs()[i] - m.publishedMs());
        }
      }
    }
    double[] l = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long expected = (long) ms.size() * (nodes - 1);
    return new Phase(ms.size(), l.length, expected, expected == 0 ? 1 : l.length / (double) expected,
        new double[] {pct(l, 0.5), pct(l, 0.9), pct(l, 0.99), l.length == 0 ? 0 : l[l.length - 1]});
  }

  private static double pct(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The raw data: one line per message and node, arrival -1 where it never arrived. */
  static String csv(List<Message> messages) {
    StringBuilder b = new StringBuilder("message,publisher,published_ms,node,arrival_ms\n");
    for (int k = 0; k < messages.size(); k++) {
      Message m = messages.get(k);
      for (int i = 0; i < m.arrivalMs().length; i++) {
        if (i != m.publisher()) {
          b.append(String.format(Locale.ROOT, "%d,%d,%.1f,%d,%.1f%n", k, m.publisher(), m.publishedMs(), i,
              m.arrivalMs()[i]));
        }
      }
    }
    return b.toString();
  }

  /** A Markdown table with one column per run. */
  static String table(List<String> names, List<FaultFigures> runs) {
    StringBuilder b = new StringBuilder();
    b.append("| figure |");
    names.forEach(n -> b.append(' ').append(n).append(" |"));
    b.append("\n|---|");
    names.forEach(n -> b.append("---|"));
    b.append('\n');
    row(b, "delivery before the partition", runs, f -> ratio(f.before()));
    row(b, "latency before: p50 / p90 / p99 / max (ms)", runs, f -> lat(f.before()));
    row(b, "cross-group deliveries during the partition", runs, f -> pctText(f.crossDeliveredDuringPartition()));
    row(b, "delivery of messages published during the partition (by the end)", runs, f -> ratio(f.during()));
    row(b, "messages published during the partition all delivered by (s after the heal)", runs,
        f -> Double.isNaN(f.backlogDeliveredMs()) ? "never (" + f.during().expected() + " expected, "
            + (f.during().expected() - f.during().deliveries()) + " missing)" : secs(f.backlogDeliveredMs()));
    row(b, "delivery of messages published after the heal", runs, f -> ratio(f.after()));
    row(b, "latency after the heal: p50 / p90 / p99 / max (ms)", runs, f -> lat(f.after()));
    row(b, "repaired: every message published from this time after the heal on reached every node within "
        + "twice the p99 latency before the partition (s)", runs, f -> secs(f.repairedMs()));
    return b.toString();
  }

  private static void row(StringBuilder b, String name, List<FaultFigures> runs,
      java.util.function.Function<FaultFigures, String> cell) {
    b.append("| ").append(name).append(" |");
    runs.forEach(r -> b.append(' ').append(cell.apply(r)).append(" |"));
    b.append('\n');
  }

  private static String ratio(Phase p) {
    return String.format(Locale.ROOT, "%.4f (%d of %d)", p.ratio(), p.deliveries(), p.expected());
  }

  private static String lat(Phase p) {
    double[] l = p.latencyMs();
    return String.format(Locale.ROOT, "%.0f / %.0f / %.0f / %.0f", l[0], l[1], l[2], l[3]);
  }

  private static String pctText(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", v * 100);
  }

  private static String secs(double ms) {
    return Double.isNaN(ms) ? "never" : String.format(Locale.ROOT, "%.1f", ms / 1000);
  }
}
