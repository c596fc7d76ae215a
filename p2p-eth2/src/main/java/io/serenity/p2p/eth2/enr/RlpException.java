package io.serenity.p2p.eth2.enr;

/**
 * The one exception the RLP and ENR decoders throw on bad input (non-canonical RLP, a bad
 * signature, a record over 300 bytes, a malformed field). The message names what is wrong.
 */
public final class RlpException extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public RlpException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public RlpException(String message, Throwable cause) {
    super(message, cause);
  }
}
