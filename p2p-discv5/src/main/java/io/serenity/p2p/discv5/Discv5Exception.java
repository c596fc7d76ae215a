package io.serenity.p2p.discv5;

/**
 * The one exception of Node Discovery v5: a datagram, header, message or handshake that is
 * malformed or fails authentication (discv5-wire.md). Decoders throw nothing else on bad input;
 * the message names what is wrong.
 */
public final class Discv5Exception extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public Discv5Exception(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public Discv5Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
