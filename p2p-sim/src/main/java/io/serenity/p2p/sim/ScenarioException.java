package io.serenity.p2p.sim;

/** A scenario file (or its JSON) is malformed or names something the simulator does not have. */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScenarioException(String message) {
    super(message);
  }
}
