package io.serenity.p2p.time;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A single-threaded executor with delayed tasks and its own clock. Everything a protocol state
 * machine (such as the pubsub router) does runs on one scheduler, so its state needs no locks; in
 * tests a {@link ManualScheduler} runs the same code on virtual time.
 */
public interface Scheduler extends Executor {

  /** {@return the clock this scheduler's delays are measured on} */
  Clock clock();

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param delay how long to wait
   * @param task what to run
   * @return a handle that cancels it
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} every {@code period}, first after {@code initialDelay}.
   *
   * @param initialDelay the wait before the first run
   * @param period the time between runs
   * @param task what to run
   * @return a handle that cancels it
   */
  Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task);

  /** {@return true when called from the scheduler's own thread (always true for a manual scheduler)} */
  boolean inScheduler();

  /** A scheduled task that can be cancelled; cancelling twice is harmless. */
  interface Cancellable {
    /** Cancels the task: it does not run again. */
    void cancel();
  }

  /**
   * {@return a real scheduler on one daemon thread named {@code name}}
   *
   * @param name the thread's name
   */
  static ThreadScheduler singleThread(String name) {
    return new ThreadScheduler(name);
  }
}
