package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a received message is delivered and forwarded (gossipsub v1.1 extended
 * validators). Runs on the router thread: return quickly, or return a stage that completes later
 * for work that takes time.
 */
@FunctionalInterface
public interface Validator {

  /**
   * Judges one message.
   *
   * @param from the peer that forwarded it
   * @param message the message
   * @return the verdict, now or later
   */
  CompletionStage<ValidationResult> validate(PeerId from, PubSubMessage message);

  /**
   * {@return a synchronous validator}
   *
   * @param f the verdict for a sender and a message
   */
  static Validator of(java.util.function.BiFunction<PeerId, PubSubMessage, ValidationResult> f) {
    return (from, m) -> CompletableFuture.completedFuture(f.apply(from, m));
  }
}
