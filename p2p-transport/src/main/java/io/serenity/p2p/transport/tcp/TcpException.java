package io.serenity.p2p.transport.tcp;

/** A listen or dial failure of the TCP transport; the message names the address. */
public class TcpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public TcpException(String message, Throwable cause) {
    super(message, cause);
  }
}
