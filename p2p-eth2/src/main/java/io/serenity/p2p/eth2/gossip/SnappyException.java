package io.serenity.p2p.eth2.gossip;

/**
 * The one exception of the gossip payload codec: invalid snappy data, a declared or actual size
 * over the limit, or SSZ content that does not decode.
 */
public final class SnappyException extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public SnappyException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public SnappyException(String message, Throwable cause) {
    super(message, cause);
  }
}
