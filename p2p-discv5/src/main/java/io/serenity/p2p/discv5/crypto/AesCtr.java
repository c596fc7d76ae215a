package io.serenity.p2p.discv5.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header masking (discv5-wire.md, "Protocol Header"): AES-128-CTR with the first 16 bytes of the
 * destination node id as key and the packet's masking IV. Masking and unmasking are the same
 * operation. It hides the protocol from passive observers only; it authenticates nothing.
 */
public final class AesCtr {

  private AesCtr() {}

  /**
   * XORs {@code length} bytes of {@code input} from {@code offset} with the key stream from its start.
   *
   * @param key 16 bytes
   * @param iv 16 bytes
   * @param input the bytes to mask or unmask
   * @param offset where they start
   * @param length how many
   * @return the result, {@code length} bytes
   */
  public static byte[] apply(byte[] key, byte[] iv, byte[] input, int offset, int length) {
    if (key.length != 16 || iv.length != 16) {
      throw new IllegalArgumentException("AES-128-CTR needs a 16-byte key and a 16-byte IV");
    }
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return c.doFinal(input, offset, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is part of every JDK", e);
    }
  }
}
