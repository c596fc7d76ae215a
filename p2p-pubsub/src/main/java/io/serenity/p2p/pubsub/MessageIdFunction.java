package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.internal.Sha256;

/**
 * Computes a message's id. The default is go-libp2p's {@code from || seqno}; the Ethereum
 * consensus profile plugs in its SHA-256 over the snappy-decompressed payload. Both ends of a
 * mesh must use the same function, or IHAVE/IWANT and IDONTWANT stop working between them.
 */
@FunctionalInterface
public interface MessageIdFunction {

  /**
   * Computes the id of a message.
   *
   * @param message a received or published message
   * @return its id; equal messages must get equal ids
   */
  MessageId apply(PubSubMessage message);

  /**
   * go-libp2p's default: the {@code from} bytes followed by the {@code seqno} bytes. Unsigned
   * messages (StrictNoSign) have neither, so for them it falls back to SHA-256 of the data, as
   * js-libp2p does; give both ends of a mesh the same function all the same.
   *
   * @return the function
   */
  static MessageIdFunction fromAndSeqno() {
    return m -> {
      if (m.from() == null && m.seqno() == null) {
        return sha256OfData().apply(m);
      }
      byte[] from = m.from() == null ? new byte[0] : m.from();
      byte[] seqno = m.seqno() == null ? new byte[0] : m.seqno();
      byte[] id = new byte[from.length + seqno.length];
      System.arraycopy(from, 0, id, 0, from.length);
      System.arraycopy(seqno, 0, id, from.length, seqno.length);
      return MessageId.withoutCopy(id);
    };
  }

  /** {@return SHA-256 of the message data (js-libp2p's default for unsigned messages)} */
  static MessageIdFunction sha256OfData() {
    return m -> MessageId.withoutCopy(Sha256.hash(m.data() == null ? new byte[0] : m.data()));
  }
}
