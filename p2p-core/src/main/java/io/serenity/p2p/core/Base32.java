package io.serenity.p2p.core;

import java.util.Arrays;

/**
 * RFC 4648 base32, lower-case alphabet, no padding: the multibase {@code b} encoding used for CIDv1 peer ids.
 *
 * <p>Decoding is strict so that every byte string has exactly one text form: upper case, {@code '='}
 * padding, impossible lengths and non-zero unused trailing bits are rejected.
 */
public final class Base32 {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final int[] INDEX = new int[128];

  static {
    Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      INDEX[ALPHABET[i]] = i;
    }
  }

  private Base32() {}

  /**
   * Encodes {@code data} as lower-case unpadded base32.
   *
   * @param data the bytes
   * @return the text
   */
  public static String encode(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return sb.toString();
  }

  /**
   * Decodes lower-case unpadded base32.
   *
   * @param text the text
   * @return the bytes
   * @throws FormatException naming the offset of a bad character, or saying the length or trailing bits are
   *     impossible for an encoder to produce
   */
  public static byte[] decode(String text) {
    int rem = text.length() % 8;
    // 1, 3 or 6 leftover characters cannot come from whole bytes (RFC 4648 section 6).
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new FormatException("bad base32 length " + text.length());
    }
    byte[] out = new byte[text.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int v = c < 128 ? INDEX[c] : -1;
      if (v < 0) {
        throw new FormatException("bad base32 character at offset " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
      buffer &= (1 << bits) - 1;
    }
    if (buffer != 0) {
      throw new FormatException("base32 has non-zero trailing bits");
    }
    return out;
  }
}
