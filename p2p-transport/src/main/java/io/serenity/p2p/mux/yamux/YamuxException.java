package io.serenity.p2p.mux.yamux;

import io.serenity.p2p.mux.MuxerException;

/** A yamux protocol violation: bad frame bytes, or a peer breaking the session rules. */
public final class YamuxException extends MuxerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public YamuxException(String message) {
    super(message);
  }
}
