package io.serenity.p2p.pubsub;

/** Bad pubsub input from a peer, or a pubsub call that cannot be carried out. */
public class PubSubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PubSubException(String message) {
    super(message);
  }

  public PubSubException(String message, Throwable cause) {
    super(message, cause);
  }
}
