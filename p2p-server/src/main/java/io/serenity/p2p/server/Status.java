package io.serenity.p2p.server;

import java.util.Optional;

/**
 * The server's health (the seed's {@code Status() error}): healthy, or a reason such as "not
 * started" or "fewer than 3 peers (have 1)".
 *
 * @param healthy true when the server runs with at least the configured minimum of peers
 * @param problem why it is not healthy; empty when healthy
 * @param peers connected peers at the time of the check
 */
public record Status(boolean healthy, Optional<String> problem, int peers) {

  static Status healthy(int peers) {
    return new Status(true, Optional.empty(), peers);
  }

  static Status unhealthy(String problem, int peers) {
    return new Status(false, Optional.of(problem), peers);
  }

  /**
   * Returns this when healthy; throws {@link IllegalStateException} with the problem otherwise.
   *
   * @return this status
   */
  public Status orThrow() {
    if (!healthy) {
      throw new IllegalStateException(problem.orElse("unhealthy"));
    }
    return this;
  }
}
