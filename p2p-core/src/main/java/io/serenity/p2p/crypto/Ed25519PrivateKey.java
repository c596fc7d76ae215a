package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 private key. {@link #raw()} is the 32-byte seed; the key protobuf carries 64 bytes seed||public
 * (libp2p/specs peer-ids.md "Ed25519"), and the legacy 96-byte seed||public||public is accepted on input.
 */
final class Ed25519PrivateKey implements PrivateKey {
  private final byte[] seed;
  private final Ed25519PrivateKeyParameters params;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(byte[] seed) {
    this.seed = seed;
    this.params = new Ed25519PrivateKeyParameters(seed, 0);
    this.publicKey = Ed25519PublicKey.fromParams(params.generatePublicKey());
  }

  static Ed25519PrivateKey generate(SecureRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return new Ed25519PrivateKey(seed);
  }

  /** From the 32-byte seed or the 64-byte seed||public form. */
  static Ed25519PrivateKey fromRaw(byte[] raw) {
    if (raw.length == 32) {
      return new Ed25519PrivateKey(raw.clone());
    }
    if (raw.length == 64) {
      return fromMarshalledData(raw);
    }
    throw new FormatException("ed25519 private key must be a 32-byte seed or 64 bytes seed||public, got "
        + raw.length + " bytes");
  }

  /** From the protobuf Data field: 64 bytes seed||public, or legacy 96 bytes seed||public||public. */
  static Ed25519PrivateKey fromMarshalledData(byte[] data) {
    if (data.length != 64 && data.length != 96) {
      throw new FormatException("ed25519 private key data must be 64 (or legacy 96) bytes, got " + data.length);
    }
    if (data.length == 96 && !Arrays.equals(data, 32, 64, data, 64, 96)) {
      throw new FormatException("legacy 96-byte ed25519 private key has two different public keys");
    }
    Ed25519PrivateKey key = new Ed25519PrivateKey(Arrays.copyOfRange(data, 0, 32));
    if (!Arrays.equals(key.publicKey.raw(), Arrays.copyOfRange(data, 32, 64))) {
      throw new FormatException("ed25519 private key's public half does not match its seed");
    }
    return key;
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public byte[] raw() {
    return seed.clone();
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, params);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public byte[] marshal() {
    byte[] data = new byte[64];
    System.arraycopy(seed, 0, data, 0, 32);
    System.arraycopy(publicKey.raw(), 0, data, 32, 32);
    return KeyProtobuf.marshalPrivate(KeyType.ED25519, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519PrivateKey k && MessageDigest.isEqual(k.seed, seed);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "Ed25519PrivateKey[public=" + publicKey + "]";
  }
}
