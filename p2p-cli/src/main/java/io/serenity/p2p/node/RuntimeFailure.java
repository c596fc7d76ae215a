package io.serenity.p2p.node;

/** A failure while running (exit code 1), with a message meant for the user. */
final class RuntimeFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RuntimeFailure(String message) {
    super(message);
  }

  RuntimeFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
