package io.serenity.p2p.discv5.crypto;

import io.serenity.p2p.discv5.Discv5Exception;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption (discv5-wire.md, "Protocol Header"): AES-128-GCM with the packet's 12-byte
 * nonce and the 16-byte tag appended to the ciphertext. A fresh {@link Cipher} per call: the JDK
 * refuses to reuse one for the same key and nonce, and instances are not thread-safe.
 */
public final class AesGcm {

  /** Bytes of the authentication tag. */
  public static final int TAG_SIZE = 16;
  /** Bytes of the nonce. */
  public static final int NONCE_SIZE = 12;

  private AesGcm() {}

  /**
   * Encrypts and authenticates.
   *
   * @param key 16 bytes
   * @param nonce 12 bytes, never reused under one key
   * @param plaintext the message
   * @param associatedData authenticated but not encrypted
   * @return ciphertext with the tag appended ({@code plaintext.length + 16} bytes)
   */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
    try {
      return cipher(Cipher.ENCRYPT_MODE, key, nonce, associatedData).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Authenticates and decrypts.
   *
   * @param key 16 bytes
   * @param nonce 12 bytes
   * @param ciphertext ciphertext with the tag appended
   * @param associatedData the authenticated data the sender used
   * @return the plaintext
   * @throws Discv5Exception when the input is shorter than the tag or does not authenticate
   */
  public static byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] associatedData) {
    if (ciphertext.length < TAG_SIZE) {
      throw new Discv5Exception("message of " + ciphertext.length + " bytes is shorter than the GCM tag");
    }
    try {
      return cipher(Cipher.DECRYPT_MODE, key, nonce, associatedData).doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new Discv5Exception("message does not authenticate (wrong key or tampered)", e);
    } catch (GeneralSecurityException e) {
      throw new Discv5Exception("AES-GCM decryption failed", e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] associatedData)
      throws GeneralSecurityException {
    if (key.length != 16 || nonce.length != NONCE_SIZE) {
      throw new IllegalArgumentException("AES-128-GCM needs a 16-byte key and a 12-byte nonce");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_SIZE * 8, nonce));
    c.updateAAD(associatedData);
    return c;
  }
}
