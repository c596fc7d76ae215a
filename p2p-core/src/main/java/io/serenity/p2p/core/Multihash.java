package io.serenity.p2p.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A multihash (github.com/multiformats/multihash): {@code varint(code) || varint(length) || digest}.
 *
 * <p>libp2p peer ids use two codes: {@link #IDENTITY} (the "digest" is the input itself) and
 * {@link #SHA2_256}. The record copies its array on the way in and out, and compares by content.
 *
 * @param code the multicodec hash function code
 * @param digest the digest bytes
 */
public record Multihash(int code, byte[] digest) {
  /** The identity "hash": the digest is the data verbatim. */
  public static final int IDENTITY = 0x00;
  /** SHA2-256, 32-byte digest. */
  public static final int SHA2_256 = 0x12;
  /** Largest digest {@link #decode(byte[])} accepts; far above any key or hash a peer id holds. */
  public static final int MAX_DIGEST_LENGTH = 1024;

  /** Validates and copies. */
  public Multihash {
    if (code < 0) {
      throw new IllegalArgumentException("negative multihash code " + code);
    }
    digest = digest.clone();
  }

  /**
   * {@return the identity multihash of {@code data}}
   *
   * @param data the bytes the multihash carries
   */
  public static Multihash identity(byte[] data) {
    return new Multihash(IDENTITY, data);
  }

  /**
   * {@return the SHA2-256 multihash of {@code dataToHash}}
   *
   * @param dataToHash the bytes to hash
   */
  public static Multihash sha256(byte[] dataToHash) {
    return new Multihash(SHA2_256, sha256Digest(dataToHash));
  }

  /**
   * Decodes the multihash that makes up all of {@code bytes}.
   *
   * @param bytes a binary multihash
   * @return the multihash
   * @throws FormatException if the bytes are truncated, have trailing data, a code that does not fit an int,
   *     a digest longer than {@link #MAX_DIGEST_LENGTH}, or a SHA2-256 digest that is not 32 bytes
   */
  public static Multihash decode(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    Multihash mh = read(buf);
    if (buf.hasRemaining()) {
      throw new FormatException("multihash has " + buf.remaining() + " trailing bytes");
    }
    return mh;
  }

  /** Reads one multihash from the buffer's position, advancing past it. */
  static Multihash read(ByteBuffer buf) {
    long code = Varint.decode(buf, Integer.MAX_VALUE);
    long len = Varint.decode(buf, MAX_DIGEST_LENGTH);
    if (buf.remaining() < len) {
      throw new FormatException(
          "truncated multihash: digest length " + len + " but " + buf.remaining() + " bytes left");
    }
    if (code == SHA2_256 && len != 32) {
      throw new FormatException("sha2-256 multihash digest must be 32 bytes, not " + len);
    }
    byte[] digest = new byte[(int) len];
    buf.get(digest);
    return new Multihash((int) code, digest);
  }

  /** {@return the binary form: {@code varint(code) || varint(length) || digest}} */
  public byte[] encode() {
    byte[] c = Varint.encode(code);
    byte[] l = Varint.encode(digest.length);
    byte[] out = new byte[c.length + l.length + digest.length];
    System.arraycopy(c, 0, out, 0, c.length);
    System.arraycopy(l, 0, out, c.length, l.length);
    System.arraycopy(digest, 0, out, c.length + l.length, digest.length);
    return out;
  }

  /** {@return a copy of the digest} */
  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash m && m.code == code && Arrays.equals(m.digest, digest);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Multihash[code=0x" + Integer.toHexString(code) + ", digest=" + HexFormat.of().formatHex(digest) + "]";
  }

  static byte[] sha256Digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
