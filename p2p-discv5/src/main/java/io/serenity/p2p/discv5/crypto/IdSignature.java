package io.serenity.p2p.discv5.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The handshake's proof of identity (discv5-theory.md, "Handshake Steps", step 3): node A signs
 * {@code sha256("discovery v5 identity proof" || challenge-data || ephemeral-pubkey || node-id-B)}
 * with its static key, so the signature binds the challenge, the key agreement and the recipient.
 */
public final class IdSignature {

  private static final byte[] TEXT = "discovery v5 identity proof".getBytes(StandardCharsets.US_ASCII);

  private IdSignature() {}

  /**
   * Creates the id-signature.
   *
   * @param staticPrivateKey A's 32-byte static key
   * @param challengeData the WHOAREYOU challenge data
   * @param ephemeralPublicKey A's 33-byte ephemeral public key
   * @param destNodeId B's node id
   * @return 64 bytes {@code r || s}
   */
  public static byte[] sign(byte[] staticPrivateKey, byte[] challengeData, byte[] ephemeralPublicKey,
      byte[] destNodeId) {
    return Secp256k1.sign(staticPrivateKey, digest(challengeData, ephemeralPublicKey, destNodeId));
  }

  /**
   * Verifies an id-signature.
   *
   * @param staticPublicKey A's 33-byte static public key (from A's record)
   * @param signature the 64 bytes from the handshake packet
   * @param challengeData the WHOAREYOU challenge data B sent
   * @param ephemeralPublicKey A's 33-byte ephemeral public key from the handshake packet
   * @param destNodeId B's node id
   * @return whether the signature is valid
   */
  public static boolean verify(byte[] staticPublicKey, byte[] signature, byte[] challengeData,
      byte[] ephemeralPublicKey, byte[] destNodeId) {
    return Secp256k1.verify(staticPublicKey, digest(challengeData, ephemeralPublicKey, destNodeId), signature);
  }

  private static byte[] digest(byte[] challengeData, byte[] ephemeralPublicKey, byte[] destNodeId) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
    sha256.update(TEXT);
    sha256.update(challengeData);
    sha256.update(ephemeralPublicKey);
    sha256.update(destNodeId);
    return sha256.digest();
  }
}
