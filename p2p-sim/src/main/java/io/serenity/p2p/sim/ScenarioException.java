package io.serenity.p2p.sim;

/** A scenario file (or its JSON) is malformed or names something the simulator does not have. */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public ScenarioException(String message) {
    super(message);
  }
}
