package io.serenity.p2p.host;

/**
 * A host operation failed: dial refused by a limit, no address known, protocol not supported by the
 * peer, host closed. The message names the peer.
 */
public class HostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public HostException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public HostException(String message, Throwable cause) {
    super(message, cause);
  }
}
