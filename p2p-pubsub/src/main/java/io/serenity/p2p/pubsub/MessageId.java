package io.serenity.p2p.pubsub;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A pubsub message id: opaque bytes with value equality (computed by a {@link MessageIdFunction}).
 * Immutable: {@link #MessageId(byte[])} copies the bytes it is given and {@link #bytes()} returns a copy.
 */
public final class MessageId {
  private final byte[] bytes;

  /**
   * An id of a copy of {@code bytes}.
   *
   * @param bytes the id bytes
   */
  public MessageId(byte[] bytes) {
    this(bytes.clone(), true);
  }

  private MessageId(byte[] bytes, boolean owned) {
    this.bytes = bytes;
  }

  /**
   * An id of {@code bytes} as they are, without a copy: for a {@link MessageIdFunction} (or a decoder)
   * that builds a fresh array for each id, which nothing changes afterwards. An id is made for every
   * message sent and received, so the copy {@link #MessageId(byte[])} makes was one array per message.
   *
   * @param bytes the id bytes, owned by the id from now on
   * @return the id
   */
  public static MessageId withoutCopy(byte[] bytes) {
    return new MessageId(java.util.Objects.requireNonNull(bytes, "bytes"), true);
  }

  /** {@return a copy of the id bytes} */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** {@return the id bytes themselves, for encoding: never to be changed or handed out} */
  byte[] unsafeBytes() {
    return bytes;
  }

  /** {@return length in bytes, without copying} */
  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageId m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
