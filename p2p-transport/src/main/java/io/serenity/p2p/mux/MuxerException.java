package io.serenity.p2p.mux;

/** A muxer protocol violation or a failed stream operation. */
public class MuxerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public MuxerException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public MuxerException(String message, Throwable cause) {
    super(message, cause);
  }
}
