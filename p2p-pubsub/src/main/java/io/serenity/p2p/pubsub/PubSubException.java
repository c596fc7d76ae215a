package io.serenity.p2p.pubsub;

/** Bad pubsub input from a peer, or a pubsub call that cannot be carried out. */
public class PubSubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public PubSubException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public PubSubException(String message, Throwable cause) {
    super(message, cause);
  }
}
