package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import java.util.Objects;

/**
 * A received message, as the adapters and the type's {@link io.serenity.p2p.event.Feed} see it
 * (the seed's {@code Message{Ctx, Peer, Data}}).
 *
 * @param context where and when it arrived; adapters may attach attributes
 * @param peer the sender: the pubsub author when the message is signed, else the peer that
 *     forwarded it; the remote peer for a direct message; our own id for our own broadcast
 * @param data the decoded message, a fresh object per delivery
 * @param <T> the registered message type
 */
public record Message<T>(MessageContext context, PeerId peer, T data) {

  /** Checks that no component is null. */
  public Message {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(data, "data");
  }

  /**
   * {@return this message with another context (for adapters passing attributes inward)}
   *
   * @param newContext the context to carry
   */
  public Message<T> withContext(MessageContext newContext) {
    return new Message<>(newContext, peer, data);
  }
}
