package io.serenity.p2p.time;

/**
 * A monotonic time source. Protocol logic reads time only through this, so tests and the simulator
 * can run it on virtual time.
 */
@FunctionalInterface
public interface Clock {

  /**
   * Monotonic nanoseconds; only differences are meaningful.
   *
   * @return the current reading
   */
  long nanos();

  /** {@return the JVM's monotonic clock} */
  static Clock system() {
    return System::nanoTime;
  }
}
