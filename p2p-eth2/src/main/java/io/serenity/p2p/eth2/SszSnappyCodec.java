package io.serenity.p2p.eth2;

import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.gossip.SnappyException;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.server.MessageCodec;
import io.serenity.p2p.server.MessageCodecException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code ssz_snappy} gossip encoding as a {@link MessageCodec} for {@link
 * io.serenity.p2p.server.Server}: a registry from Java type to its {@link SszCodec}; the payload is
 * the snappy block (not frame) compression of the SSZ bytes (phase0 p2p-interface.md "Encodings").
 * Uncompressed payloads are limited to {@code maxPayloadSize} ({@code MAX_PAYLOAD_SIZE}), or to the
 * type's size for a fixed-size type, before any bytes are inflated.
 *
 * <pre>{@code
 * SszSnappyCodec codec = SszSnappyCodec.withStandardTypes().register(MyBlock.class, MyBlock.CODEC);
 * Server server = new Server(Eth2Server.ethereum(digest, codec).listen("/ip4/0.0.0.0/tcp/9000").build());
 * server.registerTopic(Eth2Server.topic(digest, "beacon_block"), MyBlock.class);
 * }</pre>
 *
 * Thread-safe; types may be registered at any time before their topic is.
 */
public final class SszSnappyCodec implements MessageCodec {

  private final int maxPayloadSize;
  private final Map<Class<?>, SszCodec<?>> codecs = new ConcurrentHashMap<>();

  private SszSnappyCodec(int maxPayloadSize) {
    if (maxPayloadSize < 1) {
      throw new IllegalArgumentException("maxPayloadSize must be positive: " + maxPayloadSize);
    }
    this.maxPayloadSize = maxPayloadSize;
  }

  /**
   * {@return an empty registry limited to {@code maxPayloadSize} uncompressed bytes}
   *
   * @param maxPayloadSize the largest uncompressed payload, in bytes
   */
  public static SszSnappyCodec create(int maxPayloadSize) {
    return new SszSnappyCodec(maxPayloadSize);
  }

  /**
   * A registry limited to {@link Eth2GossipProfile#MAX_PAYLOAD_SIZE} holding this library's types:
   * {@link StatusMessage}, {@link MetaData}, {@link Ping}, {@link Goodbye}.
   *
   * @return the codec
   */
  public static SszSnappyCodec withStandardTypes() {
    return create(Eth2GossipProfile.MAX_PAYLOAD_SIZE)
        .register(StatusMessage.class, StatusMessage.CODEC)
        .register(MetaData.class, MetaData.CODEC)
        .register(Ping.class, Ping.CODEC)
        .register(Goodbye.class, Goodbye.CODEC);
  }

  /**
   * Registers (or replaces) the SSZ codec of {@code type}; returns this.
   *
   * @param <T> the message type
   * @param type the message class
   * @param codec its SSZ codec
   * @return this codec
   */
  public <T> SszSnappyCodec register(Class<T> type, SszCodec<T> codec) {
    codecs.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(codec, "codec"));
    return this;
  }

  /** {@return the largest uncompressed payload accepted or produced} */
  public int maxPayloadSize() {
    return maxPayloadSize;
  }

  @Override
  public String name() {
    return "ssz_snappy";
  }

  @Override
  public void checkType(Class<?> type) {
    if (!codecs.containsKey(type)) {
      throw new IllegalArgumentException(
          type.getName() + " has no SSZ codec: register it first with SszSnappyCodec.register(type, codec)");
    }
  }

  @Override
  public byte[] encode(Object message) {
    Objects.requireNonNull(message, "message");
    byte[] ssz = encodeSsz(codecOf(message.getClass()), message);
    if (ssz.length > maxPayloadSize) {
      throw new MessageCodecException(
          message.getClass().getName() + ": SSZ payload of " + ssz.length + " bytes exceeds " + maxPayloadSize);
    }
    return SnappyBlock.compress(ssz);
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    SszCodec<?> codec = codecOf(type);
    int limit = maxPayloadSize;
    if (codec.fixedSize() >= 0) {
      // a fixed-size type bounds decompression tighter than MAX_PAYLOAD_SIZE
      limit = Math.min(limit, codec.fixedSize());
    }
    try {
      byte[] ssz = SnappyBlock.decompress(data, limit);
      return type.cast(codec.decode(ssz));
    } catch (SnappyException | SszException e) {
      throw new MessageCodecException(
          "cannot decode " + data.length + " bytes as ssz_snappy " + type.getName() + ": " + e.getMessage(), e);
    }
  }

  private SszCodec<?> codecOf(Class<?> type) {
    SszCodec<?> c = codecs.get(type);
    if (c == null) {
      throw new MessageCodecException("no SSZ codec registered for " + type.getName());
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static <T> byte[] encodeSsz(SszCodec<T> codec, Object message) {
    try {
      return codec.encode((T) message);
    } catch (RuntimeException e) {
      throw new MessageCodecException(
          "cannot SSZ-encode " + message.getClass().getName() + ": " + e.getMessage(), e);
    }
  }
}
