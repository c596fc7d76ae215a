package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.pubsub.pb.RpcProtos;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Message signing and checking per the pubsub spec ("Message Signing"): the signature covers
 * {@code "libp2p-pubsub:"} followed by the protobuf of the message without {@code signature} and
 * {@code key}.
 */
final class MessageSigner {
  private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

  private MessageSigner() {}

  /** Signs {@code data} on {@code topic} as {@code key}'s owner with sequence number {@code seqno}. */
  static PubSubMessage sign(PrivateKey key, String topic, byte[] data, long seqno) {
    PeerId self = PeerId.fromPublicKey(key.publicKey());
    byte[] seq = new byte[8];
    for (int i = 0; i < 8; i++) {
      seq[i] = (byte) (seqno >>> (56 - 8 * i));
    }
    PubSubMessage unsigned = new PubSubMessage(self.toBytes(), data, seq, topic, null, null);
    byte[] signature = key.sign(signedBytes(unsigned));
    // The key travels only when the PeerId cannot carry it inline (RSA and other large keys).
    byte[] pub = self.extractPublicKey().isPresent() ? null : key.publicKey().marshal();
    return new PubSubMessage(self.toBytes(), data, seq, topic, signature, pub);
  }

  /** Why a StrictSign message fails its checks, or empty when it is well signed. */
  static Optional<String> checkSigned(PubSubMessage m) {
    if (m.from() == null || m.seqno() == null || m.signature() == null) {
      return Optional.of("unsigned message (StrictSign requires from, seqno and signature)");
    }
    PeerId author;
    try {
      author = PeerId.fromBytes(m.from());
    } catch (FormatException e) {
      return Optional.of("bad from: " + e.getMessage());
    }
    PublicKey key;
    if (m.key() != null) {
      try {
        key = PublicKey.unmarshal(m.key());
      } catch (FormatException e) {
        return Optional.of("bad key: " + e.getMessage());
      }
      if (!PeerId.fromPublicKey(key).equals(author)) {
        return Optional.of("key does not match from");
      }
    } else {
      Optional<PublicKey> inline = author.extractPublicKey();
      if (inline.isEmpty()) {
        return Optional.of("no key: from does not inline one and key is absent");
      }
      key = inline.get();
    }
    if (!key.verify(signedBytes(m), m.signature())) {
      return Optional.of("invalid signature");
    }
    return Optional.empty();
  }

  /** Why a StrictNoSign message is not acceptable, or empty when it carries no author fields. */
  static Optional<String> checkUnsigned(PubSubMessage m) {
    if (m.from() != null || m.seqno() != null || m.signature() != null || m.key() != null) {
      return Optional.of("StrictNoSign: message carries from, seqno, signature or key");
    }
    return Optional.empty();
  }

  private static byte[] signedBytes(PubSubMessage m) {
    byte[] body =
        RpcCodec.toProto(new PubSubMessage(m.from(), m.data(), m.seqno(), m.topic(), null, null))
            .toByteArray();
    byte[] out = new byte[PREFIX.length + body.length];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(body, 0, out, PREFIX.length, body.length);
    return out;
  }

  static RpcProtos.Message proto(PubSubMessage m) {
    return RpcCodec.toProto(m);
  }
}
