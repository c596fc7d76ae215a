package io.serenity.p2p.server;

/**
 * A server operation failed: start-up (port taken, unreadable key, bad address), an unregistered
 * message type, a message too large, a failed direct send. The message says what and, where there
 * is one, names the peer and topic.
 */
public class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public ServerException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public ServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
