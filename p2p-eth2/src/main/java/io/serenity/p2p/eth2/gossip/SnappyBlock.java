package io.serenity.p2p.eth2.gossip;

import java.io.IOException;
import org.xerial.snappy.Snappy;

/**
 * Snappy <em>block</em> format (no framing), the compression of eth2 gossip payloads
 * (phase0 p2p-interface.md "Encodings", {@code ssz_snappy} on gossip topics). Decompression is
 * bounded: the uncompressed length declared in the block's varint preamble is checked against the
 * caller's limit before any output is allocated, and the compressed input against
 * {@link #maxCompressedLength(long)} of that limit.
 */
public final class SnappyBlock {

  private SnappyBlock() {}

  /**
   * {@return {@code max_compressed_len(n)} = 32 + n + n/6: snappy's worst case for {@code n} input bytes}
   *
   * @param n the input length
   */
  public static long maxCompressedLength(long n) {
    return 32 + n + n / 6;
  }

  /**
   * Compresses {@code data} into one snappy block.
   *
   * @param data the input
   * @return the block
   */
  public static byte[] compress(byte[] data) {
    try {
      return Snappy.compress(data);
    } catch (IOException e) {
      throw new SnappyException("snappy compression failed", e);
    }
  }

  /**
   * The uncompressed length declared by a block's varint preamble (at most 5 bytes, 32 bits).
   *
   * @param block a snappy block
   * @return the declared length
   * @throws SnappyException when the preamble is truncated or too long
   */
  public static long declaredLength(byte[] block) {
    long v = 0;
    for (int i = 0; i < 5; i++) {
      if (i >= block.length) {
        throw new SnappyException("snappy: truncated length preamble");
      }
      int b = block[i] & 0xff;
      v |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (v > 0xffffffffL) {
          throw new SnappyException("snappy: declared length over 32 bits");
        }
        return v;
      }
    }
    throw new SnappyException("snappy: length preamble longer than 5 bytes");
  }

  /**
   * Decompresses one block whose uncompressed size is at most {@code maxUncompressed}.
   *
   * @param block a snappy block
   * @param maxUncompressed the largest output accepted, in bytes
   * @return the uncompressed bytes
   * @throws SnappyException on invalid data or when a size limit is exceeded
   */
  public static byte[] decompress(byte[] block, int maxUncompressed) {
    if (block == null) {
      throw new SnappyException("snappy: null input");
    }
    if (block.length > maxCompressedLength(maxUncompressed)) {
      throw new SnappyException("snappy: " + block.length + " compressed bytes exceed the bound "
          + maxCompressedLength(maxUncompressed) + " for " + maxUncompressed + " uncompressed");
    }
    long declared = declaredLength(block);
    if (declared > maxUncompressed) {
      throw new SnappyException("snappy: declared length " + declared + " exceeds the limit " + maxUncompressed);
    }
    try {
      // Full validation first: the native decoder then writes exactly `declared` bytes.
      if (!Snappy.isValidCompressedBuffer(block, 0, block.length)) {
        throw new SnappyException("snappy: invalid compressed block");
      }
      byte[] out = new byte[(int) declared];
      int n = Snappy.uncompress(block, 0, block.length, out, 0);
      if (n != declared) {
        throw new SnappyException("snappy: decoded " + n + " bytes, declared " + declared);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SnappyException se) {
        throw se;
      }
      throw new SnappyException("snappy: invalid compressed block", e);
    }
  }
}
