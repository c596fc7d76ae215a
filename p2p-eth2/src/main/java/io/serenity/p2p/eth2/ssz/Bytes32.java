package io.serenity.p2p.eth2.ssz;

/**
 * SSZ {@code Bytes32} (a {@code Vector[byte, 32]}) with value equality. Accessors copy: the value
 * is immutable.
 *
 * @param bytes the 32 bytes
 */
public record Bytes32(byte[] bytes) {

  /** Length in bytes. */
  public static final int SIZE = 32;

  /** All zero. */
  public static final Bytes32 ZERO = new Bytes32(new byte[SIZE]);

  /**
   * Checks the length and copies the bytes.
   *
   * @throws SszException when {@code bytes} is not exactly 32 bytes long
   */
  public Bytes32 {
    bytes = FixedBytes.checkedCopy("Bytes32", SIZE, bytes);
  }

  /**
   * Parses hex, with or without a {@code 0x} prefix.
   *
   * @param hex 64 hex digits
   * @return the value
   */
  public static Bytes32 fromHex(String hex) {
    return new Bytes32(FixedBytes.parseHex("Bytes32", hex));
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
    return o instanceof Bytes32 b && FixedBytes.equal(bytes, b.bytes);
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
