package io.serenity.p2p.discv5.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session key derivation (discv5-theory.md, "Handshake Steps", step 3): HKDF-SHA256 (RFC 5869)
 * with the ECDH secret as input keying material, the WHOAREYOU challenge data as salt, and
 * {@code "discovery v5 key agreement" || node-id-A || node-id-B} as info, 32 bytes out.
 * Node A is always the node that answers the WHOAREYOU, on both sides.
 */
public final class KeyDerivation {

  private static final byte[] INFO_PREFIX = "discovery v5 key agreement".getBytes(StandardCharsets.US_ASCII);

  private KeyDerivation() {}

  /**
   * Node A's side: ECDH of B's static public key with A's ephemeral private key, then the KDF.
   *
   * @param ephemeralPrivateKey A's 32-byte ephemeral key
   * @param remotePublicKey B's 33-byte static public key
   * @param challengeData the WHOAREYOU challenge data
   * @param localNodeId A's node id
   * @param remoteNodeId B's node id
   * @return the session keys
   * @throws io.serenity.p2p.discv5.Discv5Exception when B's key is not a curve point
   */
  public static SessionKeys initiate(byte[] ephemeralPrivateKey, byte[] remotePublicKey, byte[] challengeData,
      byte[] localNodeId, byte[] remoteNodeId) {
    byte[] secret = Secp256k1.ecdh(remotePublicKey, ephemeralPrivateKey);
    return derive(secret, challengeData, localNodeId, remoteNodeId);
  }

  /**
   * Node B's side: ECDH of A's ephemeral public key (from the handshake packet) with B's static
   * private key, then the KDF.
   *
   * @param localPrivateKey B's 32-byte static key
   * @param ephemeralPublicKey A's 33-byte ephemeral public key
   * @param challengeData the WHOAREYOU challenge data B sent
   * @param remoteNodeId A's node id
   * @param localNodeId B's node id
   * @return the session keys
   * @throws io.serenity.p2p.discv5.Discv5Exception when the ephemeral key is not a curve point
   */
  public static SessionKeys respond(byte[] localPrivateKey, byte[] ephemeralPublicKey, byte[] challengeData,
      byte[] remoteNodeId, byte[] localNodeId) {
    byte[] secret = Secp256k1.ecdh(ephemeralPublicKey, localPrivateKey);
    return derive(secret, challengeData, remoteNodeId, localNodeId);
  }

  /**
   * The KDF alone.
   *
   * @param secret the 33-byte ECDH output
   * @param challengeData the WHOAREYOU challenge data (the HKDF salt)
   * @param nodeIdA the initiator's node id
   * @param nodeIdB the recipient's node id
   * @return the session keys
   */
  public static SessionKeys derive(byte[] secret, byte[] challengeData, byte[] nodeIdA, byte[] nodeIdB) {
    byte[] info = new byte[INFO_PREFIX.length + nodeIdA.length + nodeIdB.length];
    System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
    System.arraycopy(nodeIdA, 0, info, INFO_PREFIX.length, nodeIdA.length);
    System.arraycopy(nodeIdB, 0, info, INFO_PREFIX.length + nodeIdA.length, nodeIdB.length);
    byte[] prk = hmac(challengeData, secret);
    // HKDF-Expand to 32 bytes needs one block only: T(1) = HMAC(prk, info || 0x01)
    byte[] okm = hmac(prk, concat(info, new byte[] {1}));
    return new SessionKeys(Arrays.copyOfRange(okm, 0, 16), Arrays.copyOfRange(okm, 16, 32));
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // HMAC pads an empty key to the block size; SecretKeySpec refuses an empty array, so use one zero
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
