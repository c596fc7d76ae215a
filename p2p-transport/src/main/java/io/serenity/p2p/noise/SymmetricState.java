package io.serenity.p2p.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Noise SymmetricState (Noise spec §5.2) with SHA-256 (§12.5). Not thread-safe. */
final class SymmetricState {

  static final int HASHLEN = 32;

  private final CipherState cipherState = new CipherState();
  private final MessageDigest sha256;
  private final Mac hmac;
  private byte[] ck;
  private byte[] h;

  SymmetricState(String protocolName) {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
      hmac = Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    // InitializeSymmetric: names of at most HASHLEN bytes are zero-padded, longer ones hashed.
    h = name.length <= HASHLEN ? Arrays.copyOf(name, HASHLEN) : sha256.digest(name);
    ck = h.clone();
    cipherState.initializeKey(null);
  }

  void mixKey(byte[] inputKeyMaterial) {
    byte[][] out = hkdf(ck, inputKeyMaterial);
    ck = out[0];
    cipherState.initializeKey(out[1]);
  }

  void mixHash(byte[] data) {
    sha256.update(h);
    sha256.update(data);
    h = sha256.digest();
  }

  byte[] encryptAndHash(byte[] plaintext) {
    byte[] ciphertext = cipherState.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  byte[] decryptAndHash(byte[] ciphertext) {
    byte[] plaintext = cipherState.decryptWithAd(h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  boolean hasKey() {
    return cipherState.hasKey();
  }

  byte[] handshakeHash() {
    return h.clone();
  }

  /** Split (§5.2): the initiator's sending cipher first, then the responder's. */
  CipherState[] split() {
    byte[][] out = hkdf(ck, new byte[0]);
    CipherState c1 = new CipherState();
    c1.initializeKey(out[0]);
    CipherState c2 = new CipherState();
    c2.initializeKey(out[1]);
    Arrays.fill(ck, (byte) 0);
    return new CipherState[] {c1, c2};
  }

  /** HKDF with two outputs (§4.3), HMAC-SHA256 based. */
  private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
    byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
    byte[] out1 = hmac(tempKey, new byte[] {1});
    byte[] in2 = Arrays.copyOf(out1, HASHLEN + 1);
    in2[HASHLEN] = 2;
    byte[] out2 = hmac(tempKey, in2);
    Arrays.fill(tempKey, (byte) 0);
    return new byte[][] {out1, out2};
  }

  private byte[] hmac(byte[] key, byte[] data) {
    try {
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return hmac.doFinal(data);
  }
}
