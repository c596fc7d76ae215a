package io.serenity.p2p.event;

/** The feed was closed: subscriptions end with it and later sends and subscribes fail. */
public final class FeedClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public FeedClosedException(String message) {
    super(message);
  }
}
