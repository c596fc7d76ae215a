package io.serenity.p2p.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise CipherState (Noise spec §5.1) with ChaChaPoly (§12.3): a key and a 64-bit nonce. The JDK's
 * ChaCha20-Poly1305 is used: it measured faster than BouncyCastle's here.
 *
 * <p>Not thread-safe.
 */
final class CipherState {

  static final int TAG_LENGTH = 16;

  /** 2^64-1 is reserved (§5.1); the unsigned counter may not reach it. */
  private static final long MAX_NONCE = -1L;

  private final Cipher cipher;
  private SecretKeySpec key;
  private long n;

  CipherState() {
    try {
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 not available in this JDK", e);
    }
  }

  void initializeKey(byte[] k) {
    key = k == null ? null : new SecretKeySpec(k, "ChaCha20");
    n = 0;
  }

  boolean hasKey() {
    return key != null;
  }

  /** The next nonce, as an unsigned 64-bit value (for tests and the exhaustion check). */
  long nonce() {
    return n;
  }

  void setNonce(long nonce) {
    n = nonce;
  }

  /** EncryptWithAd; returns the plaintext unchanged when there is no key yet (§5.1). */
  byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
    if (key == null) {
      return plaintext.clone();
    }
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    encryptWithAd(ad, ByteBuffer.wrap(plaintext), ByteBuffer.wrap(out));
    return out;
  }

  /** DecryptWithAd; returns the ciphertext unchanged when there is no key yet. */
  byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
    if (key == null) {
      return ciphertext.clone();
    }
    if (ciphertext.length < TAG_LENGTH) {
      throw new NoiseException("ciphertext shorter than the authentication tag");
    }
    byte[] out = new byte[ciphertext.length - TAG_LENGTH];
    decryptWithAd(ad, ByteBuffer.wrap(ciphertext), ByteBuffer.wrap(out));
    return out;
  }

  /**
   * Encrypts {@code len} bytes of {@code in} at {@code inOff} into {@code out} at {@code outOff}
   * ({@code len + 16} bytes written). Array based: the JDK cipher is much faster on arrays than on
   * direct buffers.
   */
  void encryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
    requireKey();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
      cipher.doFinal(in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
    n++;
  }

  /**
   * Encrypts the plaintext held in {@code parts} (read in order, each from its position to its limit;
   * positions are not moved) into {@code out} at {@code outOff}, as one message: the parts' total
   * plus 16 bytes are written. For a frame whose bytes sit in several buffers (a muxer header and its
   * payload): the cipher takes each in turn, instead of a copy of all of them into one array first.
   * A part that is not array-backed is copied through {@code scratch} (at least its size).
   */
  void encryptWithAd(byte[] ad, ByteBuffer[] parts, byte[] out, int outOff, byte[] scratch) {
    requireKey();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
      int o = outOff;
      for (ByteBuffer p : parts) {
        int len = p.remaining();
        if (len == 0) {
          continue;
        }
        if (p.hasArray()) {
          o += cipher.update(p.array(), p.arrayOffset() + p.position(), len, out, o);
        } else {
          p.duplicate().get(scratch, 0, len);
          o += cipher.update(scratch, 0, len, out, o);
        }
      }
      cipher.doFinal(out, o);
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
    n++;
  }

  /**
   * Starts one transport message whose plaintext is then given in parts with {@link #encryptPart}
   * and ended with {@link #endEncrypt}: for frames that gather several writes.
   */
  void beginEncrypt() {
    requireKey();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
  }

  /** Encrypts the next {@code len} bytes of the message begun; returns the bytes written to {@code out}. */
  int encryptPart(byte[] in, int inOff, int len, byte[] out, int outOff) {
    try {
      return cipher.update(in, inOff, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
  }

  /** Ends the message begun: writes what the cipher still holds and the tag; returns the bytes written. */
  int endEncrypt(byte[] out, int outOff) {
    try {
      int written = cipher.doFinal(out, outOff);
      n++;
      return written;
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
  }

  /** Decrypts {@code len} bytes (tag included) into {@code out}; {@code len - 16} bytes written. */
  void decryptWithAd(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
    requireKey();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, nextIv());
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
      cipher.doFinal(in, inOff, len, out, outOff);
    } catch (AEADBadTagException e) {
      throw new NoiseException("decryption failed: bad authentication tag");
    } catch (GeneralSecurityException e) {
      throw new NoiseException("decryption failed", e);
    }
    n++;
  }

  /** Encrypts all of {@code in} into {@code out} (which needs {@code in.remaining() + 16}). */
  void encryptWithAd(byte[] ad, ByteBuffer in, ByteBuffer out) {
    requireKey();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nextIv());
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
      cipher.doFinal(in, out);
    } catch (GeneralSecurityException e) {
      throw new NoiseException("encryption failed", e);
    }
    n++;
  }

  /** Decrypts all of {@code in} into {@code out}; throws NoiseException when the tag is wrong. */
  void decryptWithAd(byte[] ad, ByteBuffer in, ByteBuffer out) {
    requireKey();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, nextIv());
      if (ad != null && ad.length > 0) {
        cipher.updateAAD(ad);
      }
      cipher.doFinal(in, out);
    } catch (AEADBadTagException e) {
      throw new NoiseException("decryption failed: bad authentication tag");
    } catch (GeneralSecurityException e) {
      throw new NoiseException("decryption failed", e);
    }
    n++;
  }

  private void requireKey() {
    if (key == null) {
      throw new IllegalStateException("cipher state has no key");
    }
  }

  /** ChaChaPoly nonce: 32 bits of zeros, then the 64-bit counter little-endian (§12.3). */
  private IvParameterSpec nextIv() {
    if (n == MAX_NONCE) {
      throw new NoiseException("nonce exhausted: the connection must be closed (Noise spec 5.1)");
    }
    byte[] iv = new byte[12];
    long v = n;
    for (int i = 4; i < 12; i++) {
      iv[i] = (byte) v;
      v >>>= 8;
    }
    return new IvParameterSpec(iv);
  }
}
