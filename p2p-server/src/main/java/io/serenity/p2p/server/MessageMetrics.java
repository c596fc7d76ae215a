package io.serenity.p2p.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters filled by {@link Adapters#metrics(MessageMetrics)}: messages and bytes received per
 * topic and source (the seed's Prometheus adapter counted the same, by type). Export them to any
 * metrics system from {@link #snapshot()}. Thread-safe.
 */
public final class MessageMetrics {

  /**
   * One topic's counts.
   *
   * @param messages messages that reached the adapter
   * @param bytes their encoded size
   * @param direct how many of them came over direct streams
   */
  public record Counts(long messages, long bytes, long direct) {}

  private static final class Counters {
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder direct = new LongAdder();
  }

  private final Map<String, Counters> byTopic = new ConcurrentHashMap<>();

  /** Counters at zero; pass them to {@link Adapters#metrics(MessageMetrics)}. */
  public MessageMetrics() {}

  void record(MessageContext ctx) {
    Counters c = byTopic.computeIfAbsent(ctx.topic(), t -> new Counters());
    c.messages.increment();
    c.bytes.add(ctx.size());
    if (ctx.source() == MessageContext.Source.DIRECT) {
      c.direct.increment();
    }
  }

  /**
   * Counts of {@code topic} (zeros when nothing arrived).
   *
   * @param topic the topic
   * @return its counts
   */
  public Counts of(String topic) {
    Counters c = byTopic.get(topic);
    return c == null
        ? new Counts(0, 0, 0)
        : new Counts(c.messages.sum(), c.bytes.sum(), c.direct.sum());
  }

  /**
   * Counts of every topic seen so far.
   *
   * @return the counts by topic, a copy
   */
  public Map<String, Counts> snapshot() {
    Map<String, Counts> out = new HashMap<>();
    byTopic.keySet().forEach(t -> out.put(t, of(t)));
    return Map.copyOf(out);
  }
}
