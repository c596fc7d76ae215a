package io.serenity.p2p.pubsub;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A pubsub message id: opaque bytes with value equality (computed by a {@link MessageIdFunction}).
 *
 * @param bytes the id bytes
 */
public record MessageId(byte[] bytes) {

  /** Copies the bytes. */
  public MessageId {
    bytes = bytes.clone();
  }

  /** {@return a copy of the id bytes} */
  @Override
  public byte[] bytes() {
    return bytes.clone();
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
