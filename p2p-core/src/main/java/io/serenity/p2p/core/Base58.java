package io.serenity.p2p.core;

import java.util.Arrays;

/**
 * base58btc (the Bitcoin alphabet), used for legacy text peer ids ({@code Qm…}, {@code 12D3KooW…},
 * {@code 16Uiu2…}). Each leading zero byte is written as {@code '1'}.
 *
 * <p>Decoding is quadratic in the input length; callers that take text from the network bound it first.
 */
public final class Base58 {
  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] INDEX = new int[128];

  static {
    Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      INDEX[ALPHABET[i]] = i;
    }
  }

  private Base58() {}

  /**
   * Encodes {@code data} as base58btc text.
   *
   * @param data the bytes
   * @return the text
   */
  public static String encode(byte[] data) {
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    // Repeated division of the big-endian number by 58, most significant digit last.
    byte[] num = Arrays.copyOfRange(data, zeros, data.length);
    char[] out = new char[data.length * 2];
    int outPos = out.length;
    int start = 0;
    while (start < num.length) {
      int remainder = 0;
      for (int i = start; i < num.length; i++) {
        int acc = (remainder << 8) | (num[i] & 0xFF);
        num[i] = (byte) (acc / 58);
        remainder = acc % 58;
      }
      out[--outPos] = ALPHABET[remainder];
      while (start < num.length && num[start] == 0) {
        start++;
      }
    }
    for (int i = 0; i < zeros; i++) {
      out[--outPos] = '1';
    }
    return new String(out, outPos, out.length - outPos);
  }

  /**
   * Decodes base58btc text.
   *
   * @param text the text
   * @return the bytes
   * @throws FormatException naming the offset of the first character outside the alphabet
   */
  public static byte[] decode(String text) {
    int bad = invalidOffset(text);
    if (bad >= 0) {
      throw new FormatException("bad base58 character at offset " + bad);
    }
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    // Big-endian base-256 accumulator; 58 < 256 so each digit adds at most one byte.
    byte[] num = new byte[text.length()];
    int used = 0;
    for (int i = zeros; i < text.length(); i++) {
      int carry = INDEX[text.charAt(i)];
      for (int j = 0; j < used; j++) {
        int idx = num.length - 1 - j;
        carry += (num[idx] & 0xFF) * 58;
        num[idx] = (byte) carry;
        carry >>>= 8;
      }
      while (carry != 0) {
        num[num.length - 1 - used] = (byte) carry;
        used++;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + used];
    System.arraycopy(num, num.length - used, out, zeros, used);
    return out;
  }

  /** Offset of the first character outside the base58btc alphabet, or -1 if there is none. */
  static int invalidOffset(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 128 || INDEX[c] < 0) {
        return i;
      }
    }
    return -1;
  }
}
