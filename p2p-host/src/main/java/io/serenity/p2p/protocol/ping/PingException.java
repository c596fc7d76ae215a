package io.serenity.p2p.protocol.ping;

/** A ping failed: wrong echo, stream closed early. The message names the peer. */
public class PingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public PingException(String message) {
    super(message);
  }
}
