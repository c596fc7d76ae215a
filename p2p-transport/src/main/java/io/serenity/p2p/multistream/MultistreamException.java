package io.serenity.p2p.multistream;

/** A multistream-select negotiation failed: malformed message, limit exceeded, or no agreement. */
public class MultistreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MultistreamException(String message) {
    super(message);
  }

  public MultistreamException(String message, Throwable cause) {
    super(message, cause);
  }
}
