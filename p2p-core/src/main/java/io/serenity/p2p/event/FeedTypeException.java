package io.serenity.p2p.event;

/**
 * A value or subscriber of the wrong element type was given to a {@link Feed}: go-ethereum panics
 * in this case, we throw. The message reads {@code wrong type in send: got X, want Y} (or {@code
 * subscribe}).
 */
public final class FeedTypeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  FeedTypeException(String op, Class<?> got, Class<?> want) {
    super("wrong type in " + op + ": got " + got.getName() + ", want " + want.getName());
  }
}
