package io.serenity.p2p.server;

/**
 * Bytes could not be decoded into the registered type, or a message could not be encoded; the
 * message names type and reason.
 */
public class MessageCodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MessageCodecException(String message) {
    super(message);
  }

  public MessageCodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
