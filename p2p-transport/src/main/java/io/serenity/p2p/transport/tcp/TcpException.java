package io.serenity.p2p.transport.tcp;

/** A listen or dial failure of the TCP transport; the message names the address. */
public class TcpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TcpException(String message, Throwable cause) {
    super(message, cause);
  }
}
