package io.serenity.p2p.eth2.ssz;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * SSZ {@code Bytes4} (a {@code Vector[byte, 4]}) with value equality. Accessors copy: the value
 * is immutable.
 */
public record Bytes4(byte[] bytes) {

  /** Length in bytes. */
  public static final int SIZE = 4;

  /** All zero. */
  public static final Bytes4 ZERO = new Bytes4(new byte[SIZE]);

  /** @throws SszException when {@code bytes} is not exactly 4 bytes long */
  public Bytes4 {
    if (bytes == null || bytes.length != SIZE) {
      throw new SszException("Bytes4: expected " + SIZE + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    bytes = bytes.clone();
  }

  /** Parses hex, with or without a {@code 0x} prefix. */
  public static Bytes4 fromHex(String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    try {
      return new Bytes4(HexFormat.of().parseHex(h));
    } catch (IllegalArgumentException e) {
      throw new SszException("Bytes4: bad hex '" + hex + "'");
    }
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lower-case hex without {@code 0x}. */
  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes4 b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "0x" + toHex();
  }
}
