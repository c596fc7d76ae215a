package io.serenity.p2p.eth2.network;

import java.util.Optional;

/**
 * A {@code config.yaml} that cannot be read: a malformed line, a bad value, a missing or inconsistent
 * key. The message names the line (when there is one) and the key.
 */
public final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The 1-based line number, 0 when the problem is not on a single line. */
  private final int line;

  /** The key concerned, or null. */
  private final String key;

  /**
   * Creates the exception.
   *
   * @param line the 1-based line number, or 0 when the problem is not on one line (a missing key)
   * @param key the key concerned, or null
   * @param message what is wrong
   */
  public ConfigException(int line, String key, String message) {
    super(format(line, key, message));
    this.line = line;
    this.key = key;
  }

  private static String format(int line, String key, String message) {
    StringBuilder sb = new StringBuilder("config");
    if (line > 0) {
      sb.append(" line ").append(line);
    }
    if (key != null) {
      sb.append(" (").append(key).append(')');
    }
    return sb.append(": ").append(message).toString();
  }

  /** {@return the 1-based line number, 0 when the problem is not on a single line} */
  public int line() {
    return line;
  }

  /** {@return the key concerned, if any} */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }
}
