package io.serenity.p2p.core;

import java.nio.ByteBuffer;

/**
 * Unsigned varint as defined by multiformats (github.com/multiformats/unsigned-varint): little-endian
 * base-128, the high bit of each byte says another byte follows.
 *
 * <p>The spec limits a varint to 9 bytes (63-bit values) and requires the minimal encoding; decoding enforces
 * both, so every value has exactly one byte form (multiaddrs and peer ids are compared byte-wise).
 *
 * <pre>{@code
 * byte[] b = Varint.encode(300);                 // ac 02
 * long v = Varint.decode(ByteBuffer.wrap(b));    // 300
 * }</pre>
 */
public final class Varint {
  /** Largest number of bytes in a multiformats varint. */
  public static final int MAX_BYTES = 9;

  private Varint() {}

  /**
   * Encodes {@code v}.
   *
   * @param v the value
   * @return its varint bytes
   * @throws IllegalArgumentException if {@code v} is negative (does not fit in 63 bits)
   */
  public static byte[] encode(long v) {
    byte[] out = new byte[encodedLength(v)];
    for (int i = 0; i < out.length - 1; i++) {
      out[i] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[out.length - 1] = (byte) v;
    return out;
  }

  /**
   * Number of bytes {@link #encode(long)} produces for {@code v}.
   *
   * @param v the value
   * @return the length in bytes
   * @throws IllegalArgumentException if {@code v} is negative
   */
  public static int encodedLength(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("varint value must not be negative: " + v);
    }
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /**
   * Decodes one varint starting at the buffer's position and advances the position past it.
   *
   * @param buf the buffer, read from its position
   * @return the value
   * @throws FormatException if the varint is truncated, longer than 9 bytes or not minimally encoded; the
   *     position is then left unchanged
   */
  public static long decode(ByteBuffer buf) {
    return decode(buf, Long.MAX_VALUE);
  }

  /**
   * Decodes one varint as {@link #decode(ByteBuffer)} does and also rejects values above {@code max}.
   *
   * @param buf the buffer, read from its position
   * @param max the largest value accepted
   * @return the value
   * @throws FormatException if the varint is malformed or its value exceeds {@code max}
   */
  public static long decode(ByteBuffer buf, long max) {
    int start = buf.position();
    int limit = buf.limit();
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (start + i >= limit) {
        throw new FormatException(
            i == 0 ? "truncated varint: no bytes" : "truncated varint after " + i + " bytes");
      }
      int b = buf.get(start + i) & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        // A zero final byte after a continuation byte means a shorter encoding existed (spec: minimal only).
        if (b == 0 && i > 0) {
          throw new FormatException("varint is not minimally encoded");
        }
        if (value > max) {
          throw new FormatException("varint value " + value + " exceeds maximum " + max);
        }
        buf.position(start + i + 1);
        return value;
      }
    }
    throw new FormatException("varint longer than " + MAX_BYTES + " bytes");
  }
}
