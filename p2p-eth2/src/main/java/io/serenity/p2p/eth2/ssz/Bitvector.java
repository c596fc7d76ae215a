package io.serenity.p2p.eth2.ssz;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * SSZ {@code Bitvector[N]}: {@code N} bits, bit {@code i} at byte {@code i / 8}, bit position
 * {@code i % 8} (least significant first); unused high bits of the last byte are zero. Used for
 * {@code attnets} ({@code Bitvector[64]}) and {@code syncnets} ({@code Bitvector[4]}).
 *
 * @param length the number of bits, N
 * @param bytes the packed bits
 */
public record Bitvector(int length, byte[] bytes) {

  /**
   * Checks the length and padding and copies the bytes.
   *
   * @throws SszException on a wrong byte count or a set padding bit
   */
  public Bitvector {
    if (length <= 0) {
      throw new SszException("Bitvector: length must be positive, got " + length);
    }
    int need = (length + 7) / 8;
    if (bytes == null || bytes.length != need) {
      throw new SszException("Bitvector[" + length + "]: expected " + need + " bytes, got "
          + (bytes == null ? "null" : bytes.length));
    }
    int extra = need * 8 - length;
    if (extra > 0 && (bytes[need - 1] & 0xff) >>> (8 - extra) != 0) {
      throw new SszException("Bitvector[" + length + "]: padding bits set in the last byte");
    }
    bytes = bytes.clone();
  }

  /**
   * {@return all bits clear}
   *
   * @param length the number of bits
   */
  public static Bitvector empty(int length) {
    return new Bitvector(length, new byte[(length + 7) / 8]);
  }

  /**
   * {@return a bitvector with the given bit indices set}
   *
   * @param length the number of bits
   * @param setBits the indices of the set bits
   */
  public static Bitvector of(int length, int... setBits) {
    byte[] b = new byte[(length + 7) / 8];
    for (int i : setBits) {
      if (i < 0 || i >= length) {
        throw new IllegalArgumentException("bit " + i + " outside Bitvector[" + length + "]");
      }
      b[i / 8] |= (byte) (1 << (i % 8));
    }
    return new Bitvector(length, b);
  }

  /**
   * {@return whether bit {@code i} is set}
   *
   * @param i the bit index
   */
  public boolean get(int i) {
    if (i < 0 || i >= length) {
      throw new IndexOutOfBoundsException("bit " + i + " outside Bitvector[" + length + "]");
    }
    return (bytes[i / 8] & (1 << (i % 8))) != 0;
  }

  /** {@return the set bits} */
  public BitSet toBitSet() {
    return BitSet.valueOf(bytes);
  }

  /** {@return a copy of the bytes} */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bitvector b && length == b.length && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * length + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Bitvector[" + length + "](0x" + HexFormat.of().formatHex(bytes) + ")";
  }
}
