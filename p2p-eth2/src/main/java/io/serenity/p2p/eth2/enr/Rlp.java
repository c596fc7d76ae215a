package io.serenity.p2p.eth2.enr;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive Length Prefix encoding (yellow paper appendix B), strict: the decoder accepts only the
 * canonical encoding (a single byte below 0x80 stands for itself, short forms where they fit, length
 * fields without leading zeros), requires the input to be exactly one item, bounds the input size
 * and the nesting depth, and throws only {@link RlpException}.
 */
public final class Rlp {

  /** Deepest list nesting accepted by {@link #decode(byte[], int)}. */
  public static final int MAX_DEPTH = 16;

  private Rlp() {}

  /**
   * Encodes a byte string.
   *
   * @param b the bytes
   * @return the encoding
   */
  public static byte[] encodeBytes(byte[] b) {
    if (b.length == 1 && (b[0] & 0xff) < 0x80) {
      return b.clone();
    }
    return withHeader(0x80, b);
  }

  /**
   * Encodes a list from its items' encodings.
   *
   * @param encodedItems the items, each already encoded
   * @return the encoding
   */
  public static byte[] encodeList(List<byte[]> encodedItems) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] e : encodedItems) {
      body.writeBytes(e);
    }
    return withHeader(0xc0, body.toByteArray());
  }

  /**
   * Encodes an unsigned integer (a long read as unsigned) as a minimal big-endian byte string.
   *
   * @param v the value
   * @return the encoding
   */
  public static byte[] encodeUnsigned(long v) {
    return encodeBytes(unsignedBytes(v));
  }

  /**
   * {@return minimal big-endian bytes of an unsigned long: empty for 0}
   *
   * @param v the value
   */
  public static byte[] unsignedBytes(long v) {
    int n = 0;
    for (long x = v; x != 0; x >>>= 8) {
      n++;
    }
    byte[] out = new byte[n];
    for (int i = n - 1; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  /**
   * Reads a canonical unsigned integer of at most 8 bytes (no leading zero byte).
   *
   * @param b the bytes
   * @param what names the value in the error message
   * @return the value
   * @throws RlpException on leading zeros or more than 8 bytes
   */
  public static long toUnsigned(byte[] b, String what) {
    if (b.length > 8) {
      throw new RlpException(what + ": integer longer than 8 bytes");
    }
    if (b.length > 0 && b[0] == 0) {
      throw new RlpException(what + ": integer with a leading zero byte");
    }
    long v = 0;
    for (byte x : b) {
      v = (v << 8) | (x & 0xff);
    }
    return v;
  }

  private static byte[] withHeader(int offset, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 9);
    if (body.length <= 55) {
      out.write(offset + body.length);
    } else {
      byte[] len = unsignedBytes(body.length);
      out.write(offset + 55 + len.length);
      out.writeBytes(len);
    }
    out.writeBytes(body);
    return out.toByteArray();
  }

  /**
   * Decodes exactly one item spanning all of {@code input}.
   *
   * @param input the encoding
   * @param maxSize largest input accepted
   * @return the item
   * @throws RlpException on anything but one canonical item
   */
  public static RlpItem decode(byte[] input, int maxSize) {
    if (input == null) {
      throw new RlpException("rlp: null input");
    }
    if (input.length > maxSize) {
      throw new RlpException("rlp: " + input.length + " bytes exceed the limit " + maxSize);
    }
    int[] pos = {0};
    RlpItem item = read(input, pos, input.length, 0);
    if (pos[0] != input.length) {
      throw new RlpException("rlp: " + (input.length - pos[0]) + " trailing bytes after the item");
    }
    return item;
  }

  private static RlpItem read(byte[] in, int[] pos, int end, int depth) {
    if (pos[0] >= end) {
      throw new RlpException("rlp: truncated input at offset " + pos[0]);
    }
    int start = pos[0];
    int p = in[start] & 0xff;
    if (p < 0x80) {
      pos[0] = start + 1;
      return new RlpItem.Bytes(new byte[] {(byte) p});
    }
    boolean list = p >= 0xc0;
    int base = list ? 0xc0 : 0x80;
    int len;
    int bodyStart;
    if (p - base <= 55) {
      len = p - base;
      bodyStart = start + 1;
    } else {
      int lenOfLen = p - base - 55;
      if (lenOfLen > 4) {
        throw new RlpException("rlp: length of length " + lenOfLen + " too large at offset " + start);
      }
      if (start + 1 + lenOfLen > end) {
        throw new RlpException("rlp: truncated length at offset " + start);
      }
      if (in[start + 1] == 0) {
        throw new RlpException("rlp: length with a leading zero at offset " + start);
      }
      long l = 0;
      for (int i = 0; i < lenOfLen; i++) {
        l = (l << 8) | (in[start + 1 + i] & 0xff);
      }
      if (l <= 55) {
        throw new RlpException("rlp: long form used for a length of " + l + " at offset " + start);
      }
      if (l > Integer.MAX_VALUE) {
        throw new RlpException("rlp: length " + l + " too large at offset " + start);
      }
      len = (int) l;
      bodyStart = start + 1 + lenOfLen;
    }
    if ((long) bodyStart + len > end) {
      throw new RlpException("rlp: item at offset " + start + " runs past its container");
    }
    int bodyEnd = bodyStart + len;
    if (!list) {
      if (len == 1 && (in[bodyStart] & 0xff) < 0x80) {
        throw new RlpException("rlp: single byte below 0x80 wrapped in a string header at offset " + start);
      }
      byte[] v = new byte[len];
      System.arraycopy(in, bodyStart, v, 0, len);
      pos[0] = bodyEnd;
      return new RlpItem.Bytes(v);
    }
    if (depth >= MAX_DEPTH) {
      throw new RlpException("rlp: lists nested deeper than " + MAX_DEPTH);
    }
    List<RlpItem> items = new ArrayList<>();
    pos[0] = bodyStart;
    while (pos[0] < bodyEnd) {
      items.add(read(in, pos, bodyEnd, depth + 1));
    }
    return new RlpItem.Items(items);
  }
}
