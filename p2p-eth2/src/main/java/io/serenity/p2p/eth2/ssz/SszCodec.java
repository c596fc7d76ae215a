package io.serenity.p2p.eth2.ssz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Serialises one SSZ type and computes its {@code hash_tree_root} (consensus-specs
 * {@code ssz/simple-serialize.md}). This library ships codecs for the basic types and the
 * fixed-size containers the networking profile needs ({@link Ssz}, {@link SszContainer}); a client
 * with its own SSZ library plugs in its types (blocks, attestations) by implementing this interface,
 * typically by delegating to that library.
 *
 * <pre>{@code
 * byte[] wire = StatusMessage.CODEC.encode(status);
 * StatusMessage back = StatusMessage.CODEC.decode(wire); // SszException on a bad length
 * }</pre>
 *
 * @param <T> the Java value type
 */
public interface SszCodec<T> {

  /**
   * Serialised size in bytes for a fixed-size type, or {@code -1} for a variable-size one.
   *
   * @return the size, or -1
   */
  int fixedSize();

  /**
   * Serialises {@code value}.
   *
   * @param value the value
   * @return the SSZ bytes
   */
  byte[] encode(T value);

  /**
   * Deserialises exactly {@code bytes} (strict: the whole array is the value; trailing or missing
   * bytes are an error).
   *
   * @param bytes the SSZ bytes
   * @return the value
   * @throws SszException on any malformed input
   */
  T decode(byte[] bytes);

  /**
   * {@return the SHA-256 {@code hash_tree_root} of {@code value} (32 bytes)}
   *
   * @param value the value
   */
  byte[] hashTreeRoot(T value);

  /** {@return true when the type packs into chunks like a basic type (uintN, boolean) inside vectors/lists} */
  default boolean isBasic() {
    return false;
  }

  /**
   * {@return a little-endian buffer over a copy-free view of {@code bytes}, after checking the exact size}
   *
   * @param bytes the input
   * @param size the size it must have
   * @param typeName names the type in the error message
   */
  static ByteBuffer exact(byte[] bytes, int size, String typeName) {
    if (bytes == null) {
      throw new SszException(typeName + ": null input");
    }
    if (bytes.length != size) {
      throw new SszException(typeName + ": expected " + size + " bytes, got " + bytes.length);
    }
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}
