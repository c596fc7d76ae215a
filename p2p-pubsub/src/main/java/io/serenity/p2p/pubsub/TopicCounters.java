package io.serenity.p2p.pubsub;

import java.util.concurrent.atomic.AtomicLong;

/** Message counters of one topic (for metrics); read them through {@link PubSub#stats()} as {@link Snapshot}s. */
public final class TopicCounters {
  TopicCounters() {}

  final AtomicLong published = new AtomicLong();
  final AtomicLong received = new AtomicLong();
  final AtomicLong validated = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong ignored = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong subscriberDrops = new AtomicLong();

  /**
   * A copy of a topic's counters.
   *
   * @param published our own messages published
   * @param received messages received from peers, duplicates included
   * @param validated received messages accepted (delivered and forwarded)
   * @param rejected received messages rejected (bad signature or policy, or validator REJECT)
   * @param ignored received messages the validator ignored
   * @param dropped received messages dropped before validation (too large, not subscribed, queue full)
   * @param subscriberDrops deliveries lost because a local subscriber was too slow
   */
  public record Snapshot(
      long published, long received, long validated, long rejected, long ignored, long dropped, long subscriberDrops) {}

  Snapshot snapshot() {
    return new Snapshot(
        published.get(), received.get(), validated.get(), rejected.get(), ignored.get(), dropped.get(), subscriberDrops.get());
  }
}
