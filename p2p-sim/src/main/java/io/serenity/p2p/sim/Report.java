package io.serenity.p2p.sim;

/**
 * A finished run: its deterministic {@link Summary}, the raw series behind the plots, and how fast
 * the simulator ran (wall-clock numbers are kept out of the summary so it stays reproducible).
 *
 * @param latenciesMs every counted delivery latency, sorted ascending
 * @param hopHistogram deliveries by hop count (index = hops)
 * @param bytesPerNode {bytes in, bytes out} per node that ever ran
 * @param events events the loop executed
 * @param wallNanos wall-clock time of the run
 */
public record Report(Summary summary, double[] latenciesMs, long[] hopHistogram, long[][] bytesPerNode, long events,
    long wallNanos) {

  /** Events per wall-clock second. */
  public double eventsPerSecond() {
    return wallNanos == 0 ? 0 : events / (wallNanos / 1e9);
  }

  /** One line about the simulator's own speed. */
  public String performance() {
    return String.format(java.util.Locale.ROOT, "%d events in %.1f s wall (%.0f events/s)", events, wallNanos / 1e9,
        eventsPerSecond());
  }
}
