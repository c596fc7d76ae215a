package io.serenity.p2p.server;

import java.util.concurrent.CompletableFuture;

/** Publishes a message on its registered topic; see {@link Server#broadcast}. */
@FunctionalInterface
public interface Broadcaster {

  /**
   * Publishes {@code message} on the topic registered for its type. Fails with a {@link
   * ServerException} for an unregistered type, an oversize message, or a stopped server.
   *
   * @param message an instance of a registered type
   * @return completes when the message is queued for the peers the router chose
   */
  CompletableFuture<Void> broadcast(Object message);
}
