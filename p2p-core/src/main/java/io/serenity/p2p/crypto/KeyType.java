package io.serenity.p2p.crypto;

import io.serenity.p2p.core.FormatException;

/**
 * libp2p key types with their code in the key protobuf (libp2p/specs peer-ids.md "Keys").
 *
 * <p>secp256k1 (the Ethereum consensus identity) and ed25519 support everything: generate, sign, verify.
 * RSA and ECDSA keys can be unmarshalled, re-marshalled, used to sign and verify and to derive peer ids, so
 * that peers using them are understood; new keys of those types are not generated.
 */
public enum KeyType {
  /** RSA: public Data is DER SubjectPublicKeyInfo, private Data PKCS#1 DER. */
  RSA(0),
  /** Ed25519: 32-byte public key, private Data 64 bytes seed||public. */
  ED25519(1),
  /** secp256k1: 33-byte compressed public key, 32-byte private scalar. */
  SECP256K1(2),
  /** ECDSA (P-256 in practice): public Data is DER SubjectPublicKeyInfo, private Data SEC1 DER. */
  ECDSA(3);

  private final int code;

  KeyType(int code) {
    this.code = code;
  }

  /** {@return the value of the protobuf {@code KeyType} enum} */
  public int code() {
    return code;
  }

  /**
   * The key type with protobuf code {@code code}.
   *
   * @param code the protobuf {@code KeyType} value
   * @return the key type
   * @throws FormatException if no key type has that code
   */
  public static KeyType fromCode(int code) {
    for (KeyType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new FormatException("unknown key type " + code);
  }
}
