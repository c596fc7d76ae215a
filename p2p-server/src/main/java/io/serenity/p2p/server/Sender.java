package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import java.util.concurrent.CompletableFuture;

/** Sends a message to one peer over a direct stream; see {@link Server#send}. */
@FunctionalInterface
public interface Sender {

  /**
   * Sends {@code message} to {@code peer} on its registered topic's direct protocol. The future
   * completes once the peer read it, or fails with a {@link ServerException} saying why.
   *
   * @param message an instance of a registered type
   * @param peer the receiver
   * @return completes when the peer has read the message
   */
  CompletableFuture<Void> send(Object message, PeerId peer);
}
