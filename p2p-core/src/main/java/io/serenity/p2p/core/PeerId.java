package io.serenity.p2p.core;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A libp2p peer id: the multihash of the peer's marshalled public key (libp2p/specs peer-ids.md "Peer Ids").
 * Keys whose protobuf is at most 42 bytes (secp256k1, ed25519) use the identity multihash, so the key can be
 * read back with {@link #extractPublicKey()}; longer keys (RSA, ECDSA) use sha2-256.
 *
 * <p>Text forms: base58btc of the multihash ({@code 16Uiu2…} secp256k1, {@code 12D3KooW…} ed25519,
 * {@code Qm…} hashed) is the default; CIDv1 with codec libp2p-key in base32 ({@code bafz…}) is also produced and
 * parsed. Equality is by multihash bytes.
 *
 * <pre>{@code
 * PeerId id = PeerId.fromPublicKey(PrivateKey.generate(KeyType.SECP256K1).publicKey());
 * PeerId same = PeerId.parse(id.toString());        // "16Uiu2HAm..."
 * PeerId again = PeerId.parse(id.toCid());          // "bafzaajiiai..."
 * }</pre>
 */
public final class PeerId {
  /** Longest encoded key that is inlined with the identity multihash (spec: "at most 42 bytes"). */
  public static final int MAX_INLINE_KEY_LENGTH = 42;
  /** The libp2p-key multicodec used in CID peer ids. */
  public static final int LIBP2P_KEY_CODEC = 0x72;
  /** Longest peer id multihash accepted (an inlined key is at most 44 bytes, a sha2-256 one 34). */
  public static final int MAX_BYTES = 128;
  /** Longest peer id text accepted by {@link #parse(String)}. */
  public static final int MAX_TEXT_LENGTH = 256;

  /**
   * Inlined keys already found valid, so that a peer id seen again (the author of every message a
   * peer publishes) is not decoded again: decoding an ed25519 or secp256k1 point costs tens of
   * microseconds, more than the rest of a message's delivery. Bounded: cleared when full, so a flood
   * of distinct ids costs what it would without the cache, and no memory beyond the bound.
   */
  private static final int VALID_INLINE_MAX = 4096;
  private static final Map<ByteBuffer, Boolean> VALID_INLINE = new ConcurrentHashMap<>();

  private final byte[] bytes;
  /**
   * The base58 form, made on first use: logs, events and the status page print the same ids over
   * and over, and base58 costs a long division per character. A benign race: two threads may both
   * make it, and a String is safe to publish without a lock.
   */
  private String base58;

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * {@return the peer id of {@code key}}
   *
   * @param key the peer's public key
   */
  public static PeerId fromPublicKey(PublicKey key) {
    byte[] encoded = key.marshal();
    Multihash mh = encoded.length <= MAX_INLINE_KEY_LENGTH ? Multihash.identity(encoded) : Multihash.sha256(encoded);
    return new PeerId(mh.encode());
  }

  /** {@return a peer id of a fresh random secp256k1 key, for tests} */
  public static PeerId random() {
    return fromPublicKey(PrivateKey.generate(KeyType.SECP256K1).publicKey());
  }

  /**
   * A peer id from its binary multihash.
   *
   * @param multihashBytes the binary multihash
   * @return the peer id
   * @throws FormatException unless the bytes are an identity multihash of a valid marshalled public key or a
   *     sha2-256 multihash
   */
  public static PeerId fromBytes(byte[] multihashBytes) {
    if (multihashBytes.length > MAX_BYTES) {
      throw new FormatException("peer id of " + multihashBytes.length + " bytes exceeds " + MAX_BYTES);
    }
    Multihash mh;
    try {
      mh = Multihash.decode(multihashBytes);
    } catch (FormatException e) {
      throw new FormatException("bad peer id multihash: " + e.getMessage(), e);
    }
    switch (mh.code()) {
      case Multihash.IDENTITY -> {
        ByteBuffer key = ByteBuffer.wrap(multihashBytes.clone());
        if (!VALID_INLINE.containsKey(key)) {
          try {
            PublicKey.unmarshal(mh.digest());
          } catch (FormatException e) {
            throw new FormatException("peer id inlines an invalid public key: " + e.getMessage(), e);
          }
          if (VALID_INLINE.size() >= VALID_INLINE_MAX) {
            VALID_INLINE.clear();
          }
          VALID_INLINE.put(key, Boolean.TRUE);
        }
        return new PeerId(key.array());
      }
      case Multihash.SHA2_256 -> { }
      default -> throw new FormatException(
          "peer id multihash must be identity or sha2-256, not code 0x" + Integer.toHexString(mh.code()));
    }
    return new PeerId(multihashBytes.clone());
  }

  /**
   * Parses a peer id: base58btc multihash (starts with {@code 1} or {@code Qm}) or a multibase CIDv1 with codec
   * libp2p-key ({@code b…} base32 or {@code z…} base58btc).
   *
   * @param text the text form
   * @return the peer id
   * @throws FormatException naming what is wrong, e.g. {@code "bad base58 in peer id at offset 7"}
   */
  public static PeerId parse(String text) {
    if (text.isEmpty()) {
      throw new FormatException("empty peer id");
    }
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new FormatException("peer id text of " + text.length() + " characters exceeds " + MAX_TEXT_LENGTH);
    }
    if (text.charAt(0) == '1' || text.startsWith("Qm")) {
      int bad = Base58.invalidOffset(text);
      if (bad >= 0) {
        throw new FormatException("bad base58 in peer id at offset " + bad);
      }
      return fromBytes(Base58.decode(text));
    }
    char prefix = text.charAt(0);
    if (prefix != 'b' && prefix != 'z') {
      throw new FormatException("peer id must be base58btc (1…, Qm…) or a multibase CID (b…), got prefix '"
          + Multibase.printable(prefix) + "'");
    }
    byte[] cid;
    try {
      cid = Multibase.decode(text);
    } catch (FormatException e) {
      throw new FormatException("bad CID peer id: " + e.getMessage(), e);
    }
    ByteBuffer buf = ByteBuffer.wrap(cid);
    long version = Varint.decode(buf, Integer.MAX_VALUE);
    if (version != 1) {
      throw new FormatException("CID peer id must be CIDv1, got version " + version);
    }
    long codec = Varint.decode(buf, Integer.MAX_VALUE);
    if (codec != LIBP2P_KEY_CODEC) {
      throw new FormatException("CID peer id must use codec libp2p-key (0x72), got 0x" + Long.toHexString(codec));
    }
    byte[] mh = new byte[buf.remaining()];
    buf.get(mh);
    return fromBytes(mh);
  }

  /** A peer id from bytes already checked by {@link #fromBytes(byte[])} (e.g. a validated /p2p component). */
  static PeerId ofValidated(byte[] multihashBytes) {
    return new PeerId(multihashBytes.clone());
  }

  /** {@return the binary multihash (a copy)} */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /**
   * {@return whether {@code multihash} is this peer id's binary form; compares in place, without the
   * copy {@link #toBytes()} makes (for per-message checks such as "is this peer the author")}
   *
   * @param multihash bytes to compare; null is never equal
   */
  public boolean hasBytes(byte[] multihash) {
    return multihash != null && Arrays.equals(bytes, multihash);
  }

  /** {@return the legacy text form: base58btc of the multihash} */
  public String toBase58() {
    String s = base58;
    if (s == null) {
      s = Base58.encode(bytes);
      base58 = s;
    }
    return s;
  }

  /** {@return the CIDv1 text form: multibase base32 of {@code varint(1) || varint(0x72) || multihash}} */
  public String toCid() {
    byte[] cid = new byte[2 + bytes.length];
    cid[0] = 0x01;
    cid[1] = (byte) LIBP2P_KEY_CODEC;
    System.arraycopy(bytes, 0, cid, 2, bytes.length);
    return Multibase.encode(Multibase.Encoding.BASE32, cid);
  }

  /** {@return the public key, if the id inlines it (identity multihash: secp256k1 and ed25519 keys)} */
  public Optional<PublicKey> extractPublicKey() {
    Multihash mh = Multihash.decode(bytes);
    if (mh.code() != Multihash.IDENTITY) {
      return Optional.empty();
    }
    return Optional.of(PublicKey.unmarshal(mh.digest()));
  }

  /**
   * {@return whether this is the id of {@code key}}
   *
   * @param key a public key
   */
  public boolean matches(PublicKey key) {
    return equals(fromPublicKey(key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && Arrays.equals(p.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The base58btc form. */
  @Override
  public String toString() {
    return toBase58();
  }
}
