package io.serenity.p2p.sim;

/**
 * A finished run: its deterministic {@link Summary}, the raw series behind the plots, and how fast
 * the simulator ran (wall-clock numbers are kept out of the summary so it stays reproducible).
 *
 * @param summary the deterministic summary
 * @param latenciesMs every counted delivery latency, sorted ascending
 * @param hopHistogram deliveries by hop count (index = hops)
 * @param bytesPerNode {bytes in, bytes out} per node that ever ran
 * @param deliveries every published message and when it first reached each node
 * @param events events the loop executed
 * @param wallNanos wall-clock time of the run
 * @param cpuNanos CPU time of the simulating thread (the fair measure on a shared machine)
 */
public record Report(Summary summary, double[] latenciesMs, long[] hopHistogram, long[][] bytesPerNode,
    java.util.List<Delivery> deliveries, long events, long wallNanos, long cpuNanos) {

  /**
   * One published message.
   *
   * @param number message number, in publish order
   * @param topic the topic it was published on
   * @param publisher the publishing node's index
   * @param publishedAtMs virtual time of the publish
   * @param arrivalMs virtual time of the first arrival at each node (index = node), -1 where it never
   *     arrived and for the publisher itself
   */
  public record Delivery(int number, String topic, int publisher, double publishedAtMs, double[] arrivalMs) {}

  /**
   * Events per wall-clock second.
   *
   * @return the rate, 0 when the run took no measurable time
   */
  public double eventsPerSecond() {
    return wallNanos == 0 ? 0 : events / (wallNanos / 1e9);
  }

  /** {@return one line about the simulator's own speed} */
  public String performance() {
    return String.format(java.util.Locale.ROOT,
        "%d events in %.1f s wall (%.0f events/s), %.1f s CPU (%.0f events per CPU second)", events, wallNanos / 1e9,
        eventsPerSecond(), cpuNanos / 1e9, cpuNanos == 0 ? 0 : events / (cpuNanos / 1e9));
  }
}
