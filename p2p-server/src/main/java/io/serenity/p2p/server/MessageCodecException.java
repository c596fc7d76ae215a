package io.serenity.p2p.server;

/**
 * Bytes could not be decoded into the registered type, or a message could not be encoded; the
 * message names type and reason.
 */
public class MessageCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public MessageCodecException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public MessageCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
