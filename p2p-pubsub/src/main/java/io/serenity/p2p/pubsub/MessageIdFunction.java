package io.serenity.p2p.pubsub;

/**
 * Computes a message's id. The default is go-libp2p's {@code from || seqno}; the Ethereum
 * consensus profile plugs in its SHA-256 over the snappy-decompressed payload. Both ends of a
 * mesh must use the same function, or IHAVE/IWANT and IDONTWANT stop working between them.
 */
@FunctionalInterface
public interface MessageIdFunction {

  MessageId apply(PubSubMessage message);

  /** go-libp2p's default: the {@code from} bytes followed by the {@code seqno} bytes. */
  static MessageIdFunction fromAndSeqno() {
    return m -> {
      byte[] from = m.from() == null ? new byte[0] : m.from();
      byte[] seqno = m.seqno() == null ? new byte[0] : m.seqno();
      byte[] id = new byte[from.length + seqno.length];
      System.arraycopy(from, 0, id, 0, from.length);
      System.arraycopy(seqno, 0, id, from.length, seqno.length);
      return new MessageId(id);
    };
  }
}
