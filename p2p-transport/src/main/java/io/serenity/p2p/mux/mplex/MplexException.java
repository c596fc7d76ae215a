package io.serenity.p2p.mux.mplex;

import io.serenity.p2p.mux.MuxerException;

/** An mplex protocol violation by the remote, or a failed mplex stream operation. */
public final class MplexException extends MuxerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public MplexException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public MplexException(String message, Throwable cause) {
    super(message, cause);
  }
}
