package io.serenity.p2p.eth2.ssz;

/**
 * SSZ {@code Bytes4} (a {@code Vector[byte, 4]}) with value equality. Accessors copy: the value
 * is immutable.
 *
 * @param bytes the 4 bytes
 */
public record Bytes4(byte[] bytes) {

  /** Length in bytes. */
  public static final int SIZE = 4;

  /** All zero. */
  public static final Bytes4 ZERO = new Bytes4(new byte[SIZE]);

  /**
   * Checks the length and copies the bytes.
   *
   * @throws SszException when {@code bytes} is not exactly 4 bytes long
   */
  public Bytes4 {
    bytes = FixedBytes.checkedCopy("Bytes4", SIZE, bytes);
  }

  /**
   * Parses hex, with or without a {@code 0x} prefix.
   *
   * @param hex 8 hex digits
   * @return the value
   */
  public static Bytes4 fromHex(String hex) {
    return new Bytes4(FixedBytes.parseHex("Bytes4", hex));
  }

  /** {@return a copy of the bytes} */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** {@return lower-case hex without {@code 0x}} */
  public String toHex() {
    return FixedBytes.toHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes4 b && FixedBytes.equal(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return FixedBytes.hash(bytes);
  }

  @Override
  public String toString() {
    return FixedBytes.toString(bytes);
  }
}
