package io.serenity.p2p.core;

/**
 * The one exception every p2p-core decoder and parser throws on bad input: varints, base58/base32/multibase
 * text, multihashes, multiaddrs, key bytes and peer ids. The message names what is wrong and where, e.g.
 * {@code "bad base58 in peer id at offset 7"}.
 *
 * <p>Unchecked because bad input is usually handled at one boundary (a connection, a CLI argument) rather
 * than at every call.
 */
public class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception whose message says what is wrong with the input.
   *
   * @param message what is wrong, e.g. the offset of a bad character
   */
  public FormatException(String message) {
    super(message);
  }

  /**
   * Creates an exception whose message says what is wrong, keeping the lower-level cause.
   *
   * @param message what is wrong
   * @param cause the lower-level failure
   */
  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
