package io.serenity.p2p.pubsub;

/** A local subscription to a topic; see {@link PubSub#subscribe}. */
public interface Subscription {

  /** {@return the topic} */
  String topic();

  /** {@return messages dropped because this subscriber's queue was full (it was too slow)} */
  long dropped();

  /** Stops delivery; the last subscription to a topic leaves it. Idempotent. */
  void cancel();
}
