package io.serenity.p2p.upgrade;

/**
 * A connection upgrade failed: negotiation refused, handshake failed or timed out, remote identity
 * mismatch. The message names the remote address and, when known, the peer.
 */
public class UpgradeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public UpgradeException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public UpgradeException(String message, Throwable cause) {
    super(message, cause);
  }
}
