package io.serenity.p2p.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 without a provider lookup per hash: each thread keeps one digest. {@code MessageDigest.getInstance}
 * looks the algorithm up and builds a fresh state each time, which on the gossip path (a message id per
 * received message) allocated more than the message id itself.
 */
public final class Sha256 {

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

  private Sha256() {}

  /**
   * {@return this thread's digest, reset} Finish it ({@code digest()}) before anything else on this thread
   * may use it; do not hand it to another thread.
   */
  public static MessageDigest threadDigest() {
    MessageDigest md = DIGEST.get();
    md.reset();
    return md;
  }

  /**
   * {@return SHA-256 of {@code data}}
   *
   * @param data the bytes to hash
   */
  public static byte[] hash(byte[] data) {
    return threadDigest().digest(data);
  }

  /** {@return a new SHA-256 digest} */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
