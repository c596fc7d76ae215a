package io.serenity.p2p.host;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Payload bytes read and written on streams, by protocol id, for metrics. Only negotiated protocols
 * are counted, and those are always ones this host speaks, so the map stays small.
 */
public final class Traffic {

  /**
   * Bytes in and out of one protocol so far.
   *
   * @param bytesIn payload bytes received
   * @param bytesOut payload bytes sent
   */
  public record Totals(long bytesIn, long bytesOut) {}

  /** The live counters of one protocol. */
  static final class Counter {
    private final String protocol;
    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();

    Counter(String protocol) {
      this.protocol = protocol;
    }

    String protocol() {
      return protocol;
    }

    void add(boolean inbound, long n) {
      (inbound ? in : out).add(n);
    }
  }

  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  Traffic() {}

  Counter counter(String protocol) {
    return counters.computeIfAbsent(protocol, Counter::new);
  }

  /** {@return a snapshot: protocol id to totals, sorted by protocol id} */
  public Map<String, Totals> snapshot() {
    Map<String, Totals> out = new TreeMap<>();
    counters.forEach((p, c) -> out.put(p, new Totals(c.in.sum(), c.out.sum())));
    return out;
  }
}
