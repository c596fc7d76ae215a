package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;

/**
 * A pubsub message as carried in an RPC's {@code publish} list (pubsub spec, "The Message"). Absent
 * optional fields are {@code null}; arrays are not copied, treat them as read-only.
 *
 * @param from the author's PeerId bytes (StrictSign), or null
 * @param data the payload
 * @param seqno 8-byte big-endian sequence number (StrictSign), or null
 * @param topic the topic
 * @param signature signature by the author's key (StrictSign), or null
 * @param key the author's marshalled public key when it cannot be extracted from {@code from}, or null
 */
public record PubSubMessage(
    byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {

  /** {@return the author as a PeerId, or null when {@code from} is absent} */
  public PeerId author() {
    return from == null ? null : PeerId.fromBytes(from);
  }

  /** {@return size of the payload in bytes} */
  public int size() {
    return data == null ? 0 : data.length;
  }
}
