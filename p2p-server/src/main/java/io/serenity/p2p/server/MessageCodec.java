package io.serenity.p2p.server;

/**
 * Turns registered messages into bytes and back, for pubsub payloads and direct messages alike.
 * The default is plain protobuf ({@link #protobuf()}), as in the seed; the Ethereum profile plugs
 * in its own (ssz_snappy) through this interface. The server is not tied to any message family:
 * a type is usable when the configured codec accepts it in {@link #checkType}.
 */
public interface MessageCodec {

  /** {@return a short name for logs, e.g. {@code protobuf}} */
  String name();

  /**
   * Encodes {@code message}, an instance of a type this codec accepted in {@link #checkType}.
   *
   * @param message the message
   * @return its bytes
   * @throws MessageCodecException when the message cannot be encoded
   */
  byte[] encode(Object message);

  /**
   * Decodes {@code data} into a fresh object of {@code type}.
   *
   * @param <T> the message type
   * @param data the bytes that arrived
   * @param type the registered type
   * @return a new instance of {@code type}
   * @throws MessageCodecException when the bytes are not a valid {@code type}
   */
  <T> T decode(byte[] data, Class<T> type);

  /**
   * Called by {@link Server#registerTopic} so an unusable type fails at registration rather than at
   * the first message; throws {@link IllegalArgumentException} saying why. Default: accepts all.
   *
   * @param type the type being registered
   */
  default void checkType(Class<?> type) {}

  /** {@return protobuf wire format, decoding through the type's generated parser} */
  static MessageCodec protobuf() {
    return ProtobufCodec.INSTANCE;
  }
}
