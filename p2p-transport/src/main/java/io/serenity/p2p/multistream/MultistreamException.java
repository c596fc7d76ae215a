package io.serenity.p2p.multistream;

/** A multistream-select negotiation failed: malformed message, limit exceeded, or no agreement. */
public class MultistreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public MultistreamException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public MultistreamException(String message, Throwable cause) {
    super(message, cause);
  }
}
