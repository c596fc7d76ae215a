package io.serenity.p2p.node;

/** Bad usage of the command line: exit code 2, message names the option and the value. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
