package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;

/**
 * A libp2p public key. Equality is by type and {@link #raw()} bytes.
 *
 * <pre>{@code
 * PublicKey key = PublicKey.unmarshal(bytesFromTheWire);
 * boolean ok = key.verify(message, signature);
 * PeerId id = PeerId.fromPublicKey(key);
 * }</pre>
 */
public sealed interface PublicKey
    permits Secp256k1PublicKey, Ed25519PublicKey, RsaPublicKey, EcdsaPublicKey {

  /** {@return the key type} */
  KeyType type();

  /**
   * The key bytes carried in the protobuf {@code Data} field: secp256k1 33-byte compressed point, ed25519 32
   * bytes, RSA and ECDSA DER SubjectPublicKeyInfo. A copy.
   *
   * @return the raw bytes
   */
  byte[] raw();

  /**
   * Checks {@code signature} over {@code message} with the signature rule of the key type (secp256k1 and
   * ECDSA: DER ECDSA over SHA-256(message); ed25519: RFC 8032; RSA: PKCS#1 v1.5 with SHA-256).
   *
   * @param message the signed bytes
   * @param signature the signature to check
   * @return false for a wrong signature and for malformed signature bytes; never throws on them
   */
  boolean verify(byte[] message, byte[] signature);

  /** {@return the libp2p {@code PublicKey} protobuf: deterministic {@code 08 <type> 12 <len> <data>}} */
  default byte[] marshal() {
    return KeyProtobuf.marshalPublic(type(), raw());
  }

  /**
   * Decodes a libp2p {@code PublicKey} protobuf. Only the canonical encoding is accepted, since peer ids hash
   * these exact bytes.
   *
   * @param bytes the protobuf bytes
   * @return the key
   * @throws FormatException if the bytes are not a canonical key protobuf or the key is invalid
   */
  static PublicKey unmarshal(byte[] bytes) {
    KeyProtobuf.Decoded d = KeyProtobuf.unmarshalPublic(bytes);
    return fromRaw(d.type(), d.data());
  }

  /**
   * A public key from its raw bytes (see {@link #raw()}).
   *
   * @param type the key type
   * @param raw the raw bytes
   * @return the key
   * @throws FormatException if the bytes are not a valid key of that type
   */
  static PublicKey fromRaw(KeyType type, byte[] raw) {
    return switch (type) {
      case SECP256K1 -> Secp256k1PublicKey.fromRaw(raw);
      case ED25519 -> Ed25519PublicKey.fromRaw(raw);
      case RSA -> RsaPublicKey.fromRaw(raw);
      case ECDSA -> EcdsaPublicKey.fromRaw(raw);
    };
  }
}
