package io.serenity.p2p.protocol.identify;

/** A malformed or inconsistent identify message; the message names the peer and the fault. */
public class IdentifyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public IdentifyException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public IdentifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
