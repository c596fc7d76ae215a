package io.serenity.p2p.mux;

/** A muxer protocol violation or a failed stream operation. */
public class MuxerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MuxerException(String message) {
    super(message);
  }

  public MuxerException(String message, Throwable cause) {
    super(message, cause);
  }
}
