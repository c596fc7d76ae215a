package io.serenity.p2p.eth2.gossip;

/**
 * The one exception of the gossip payload codec: invalid snappy data, a declared or actual size
 * over the limit, or SSZ content that does not decode.
 */
public final class SnappyException extends RuntimeException {

  public SnappyException(String message) {
    super(message);
  }

  public SnappyException(String message, Throwable cause) {
    super(message, cause);
  }
}
