package io.serenity.p2p.eth2.ssz;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * SSZ merkleization (simple-serialize.md "Merkleization"): pack into 32-byte chunks, pad the chunk
 * count to the next power of two with zero chunks, and hash pairs with SHA-256 up to one root.
 */
public final class Merkle {

  /** Size of one chunk in bytes. */
  public static final int CHUNK = 32;

  private static final int MAX_DEPTH = 64;
  /** ZERO[i] is the root of a subtree of depth i whose leaves are all zero chunks. */
  private static final byte[][] ZERO = new byte[MAX_DEPTH + 1][];

  static {
    ZERO[0] = new byte[CHUNK];
    for (int i = 1; i <= MAX_DEPTH; i++) {
      ZERO[i] = hash(ZERO[i - 1], ZERO[i - 1]);
    }
  }

  private Merkle() {}

  /**
   * {@return SHA-256 of {@code a || b}}
   *
   * @param a the first 32 bytes
   * @param b the second 32 bytes
   */
  public static byte[] hash(byte[] a, byte[] b) {
    MessageDigest md = sha256();
    md.update(a);
    md.update(b);
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /**
   * Splits serialised bytes into 32-byte chunks, zero-padding the last one ("pack").
   *
   * @param serialized the SSZ bytes
   * @return the chunks
   */
  public static List<byte[]> pack(byte[] serialized) {
    List<byte[]> chunks = new ArrayList<>();
    for (int off = 0; off < serialized.length; off += CHUNK) {
      byte[] c = new byte[CHUNK];
      System.arraycopy(serialized, off, c, 0, Math.min(CHUNK, serialized.length - off));
      chunks.add(c);
    }
    return chunks;
  }

  /**
   * {@return the root of {@code chunks} padded to the next power of two (no limit beyond their count)}
   *
   * @param chunks 32-byte chunks
   */
  public static byte[] merkleize(List<byte[]> chunks) {
    return merkleize(chunks, chunks.size());
  }

  /**
   * The root of {@code chunks} as leaves of a tree with {@code nextPow2(limit)} leaves (zero
   * chunks fill the rest). {@code limit} must be at least the number of chunks.
   *
   * @param chunks 32-byte chunks
   * @param limit the list's capacity in chunks
   * @return the root
   */
  public static byte[] merkleize(List<byte[]> chunks, long limit) {
    if (limit < chunks.size()) {
      throw new IllegalArgumentException("more chunks (" + chunks.size() + ") than the limit " + limit);
    }
    int depth = 0;
    while ((1L << depth) < limit) {
      depth++;
    }
    if (chunks.isEmpty()) {
      return ZERO[depth].clone();
    }
    List<byte[]> layer = new ArrayList<>(chunks);
    for (int d = 0; d < depth; d++) {
      List<byte[]> next = new ArrayList<>((layer.size() + 1) / 2);
      for (int i = 0; i < layer.size(); i += 2) {
        byte[] right = i + 1 < layer.size() ? layer.get(i + 1) : ZERO[d];
        next.add(hash(layer.get(i), right));
      }
      layer = next;
    }
    return layer.get(0).clone();
  }

  /**
   * {@return {@code mix_in_length}: SHA-256(root || uint256_le(length)), for lists}
   *
   * @param root the list's root
   * @param length its element count
   */
  public static byte[] mixInLength(byte[] root, long length) {
    byte[] len = new byte[CHUNK];
    for (int i = 0; i < 8; i++) {
      len[i] = (byte) (length >>> (8 * i));
    }
    return hash(root, len);
  }
}
