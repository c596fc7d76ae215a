package io.serenity.p2p.protocol.identify;

/** A malformed or inconsistent identify message; the message names the peer and the fault. */
public class IdentifyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdentifyException(String message) {
    super(message);
  }

  public IdentifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
