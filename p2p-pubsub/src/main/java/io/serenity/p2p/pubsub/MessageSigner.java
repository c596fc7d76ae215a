package io.serenity.p2p.pubsub;

import com.google.protobuf.CodedOutputStream;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.pubsub.internal.pb.RpcProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message signing and checking per the pubsub spec ("Message Signing"): the signature covers
 * {@code "libp2p-pubsub:"} followed by the protobuf of the message without {@code signature} and
 * {@code key}.
 *
 * <p>Thread-safe: {@link #checkSigned} runs on the verification threads of {@link PubSub}. Authors'
 * public keys are parsed once and kept in a bounded cache, because a curve point is costly to decode
 * and the same few authors sign nearly every message a node sees.
 */
final class MessageSigner {
  private static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

  /** Most cached author keys; the cache is emptied when full (a crude bound, cheap to keep). */
  static final int KEY_CACHE_CAPACITY = 4096;

  /** Parsed public keys by the {@code from} bytes that inline them, or by the marshalled key. */
  private static final ConcurrentHashMap<ByteBuffer, PublicKey> KEYS = new ConcurrentHashMap<>();

  private MessageSigner() {}

  /** Our signing identity, derived from the private key once rather than per message. */
  static final class Author {
    private final PrivateKey key;
    private final byte[] from;
    private final byte[] marshalledKey;

    Author(PrivateKey key) {
      this.key = key;
      PeerId self = PeerId.fromPublicKey(key.publicKey());
      this.from = self.toBytes();
      // The key travels only when the PeerId cannot carry it inline (RSA and other large keys).
      this.marshalledKey = self.extractPublicKey().isPresent() ? null : key.publicKey().marshal();
    }

    /** Signs {@code data} on {@code topic} with sequence number {@code seqno}. */
    PubSubMessage sign(String topic, byte[] data, long seqno) {
      byte[] seq = new byte[8];
      for (int i = 0; i < 8; i++) {
        seq[i] = (byte) (seqno >>> (56 - 8 * i));
      }
      PubSubMessage unsigned = new PubSubMessage(from, data, seq, topic, null, null);
      byte[] signature = key.sign(signedBytes(unsigned));
      return new PubSubMessage(from, data, seq, topic, signature, marshalledKey);
    }
  }

  /** Signs {@code data} on {@code topic} as {@code key}'s owner with sequence number {@code seqno}. */
  static PubSubMessage sign(PrivateKey key, String topic, byte[] data, long seqno) {
    return new Author(key).sign(topic, data, seqno);
  }

  /** Why a StrictSign message fails its checks, or empty when it is well signed. */
  static Optional<String> checkSigned(PubSubMessage m) {
    if (m.from() == null || m.seqno() == null || m.signature() == null) {
      return Optional.of("unsigned message (StrictSign requires from, seqno and signature)");
    }
    PublicKey key;
    if (m.key() != null) {
      ByteBuffer cacheKey = ByteBuffer.wrap(m.key());
      key = KEYS.get(cacheKey);
      if (key == null) {
        try {
          key = PublicKey.unmarshal(m.key());
        } catch (FormatException e) {
          return Optional.of("bad key: " + e.getMessage());
        }
        remember(cacheKey, key);
      }
      // Checked every time: the cache maps key bytes to a key, not a key to an author.
      PeerId author;
      try {
        author = PeerId.fromBytes(m.from());
      } catch (FormatException e) {
        return Optional.of("bad from: " + e.getMessage());
      }
      if (!PeerId.fromPublicKey(key).equals(author)) {
        return Optional.of("key does not match from");
      }
    } else {
      ByteBuffer cacheKey = ByteBuffer.wrap(m.from());
      key = KEYS.get(cacheKey);
      if (key == null) {
        PeerId author;
        try {
          author = PeerId.fromBytes(m.from());
        } catch (FormatException e) {
          return Optional.of("bad from: " + e.getMessage());
        }
        Optional<PublicKey> inline;
        try {
          inline = author.extractPublicKey();
        } catch (FormatException e) {
          return Optional.of("bad from: " + e.getMessage());
        }
        if (inline.isEmpty()) {
          return Optional.of("no key: from does not inline one and key is absent");
        }
        key = inline.get();
        remember(cacheKey, key);
      }
    }
    if (!key.verify(signedBytes(m), m.signature())) {
      return Optional.of("invalid signature");
    }
    return Optional.empty();
  }

  private static void remember(ByteBuffer cacheKey, PublicKey key) {
    if (KEYS.size() >= KEY_CACHE_CAPACITY) {
      KEYS.clear();
    }
    // The map keeps its own copy: the message's arrays belong to the message.
    KEYS.putIfAbsent(ByteBuffer.wrap(Arrays.copyOf(cacheKey.array(), cacheKey.remaining())), key);
  }

  /** Why a StrictNoSign message is not acceptable, or empty when it carries no author fields. */
  static Optional<String> checkUnsigned(PubSubMessage m) {
    if (m.from() != null || m.seqno() != null || m.signature() != null || m.key() != null) {
      return Optional.of("StrictNoSign: message carries from, seqno, signature or key");
    }
    return Optional.empty();
  }

  /**
   * The prefix and the message protobuf without signature and key (fields 1 to 4 in field order, as
   * protobuf serialises them), written straight into one buffer: no copy of the payload in between.
   */
  static byte[] signedBytes(PubSubMessage m) {
    int size = 0;
    if (m.from() != null) {
      size += CodedOutputStream.computeByteArraySize(1, m.from());
    }
    if (m.data() != null) {
      size += CodedOutputStream.computeByteArraySize(2, m.data());
    }
    if (m.seqno() != null) {
      size += CodedOutputStream.computeByteArraySize(3, m.seqno());
    }
    size += CodedOutputStream.computeStringSize(4, m.topic());
    byte[] out = new byte[PREFIX.length + size];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    try {
      CodedOutputStream cos = CodedOutputStream.newInstance(out, PREFIX.length, size);
      if (m.from() != null) {
        cos.writeByteArray(1, m.from());
      }
      if (m.data() != null) {
        cos.writeByteArray(2, m.data());
      }
      if (m.seqno() != null) {
        cos.writeByteArray(3, m.seqno());
      }
      cos.writeString(4, m.topic());
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("protobuf into a sized array", e);
    }
    return out;
  }

  static RpcProtos.Message proto(PubSubMessage m) {
    return RpcCodec.toProto(m);
  }
}
