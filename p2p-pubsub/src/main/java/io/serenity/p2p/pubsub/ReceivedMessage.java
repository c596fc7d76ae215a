package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;

/**
 * A message delivered to a local subscriber.
 *
 * @param id the message id
 * @param message the message as it arrived (or as we published it)
 * @param receivedFrom the peer that forwarded it to us, or our own id for local publishes
 */
public record ReceivedMessage(MessageId id, PubSubMessage message, PeerId receivedFrom) {

  /** {@return the message's topic} */
  public String topic() {
    return message.topic();
  }

  /** {@return the message's payload} */
  public byte[] data() {
    return message.data();
  }
}
