package io.serenity.p2p.time;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on virtual time for deterministic tests: nothing runs until the test calls
 * {@link #runPending()} or {@link #advance(Duration)}. Tasks due at the same instant run in the
 * order they were scheduled.
 */
public final class ManualScheduler implements Scheduler {

  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private long now;
  private long sequence;

  /** A scheduler at time zero with nothing scheduled. */
  public ManualScheduler() {}

  @Override
  public Clock clock() {
    return () -> now;
  }

  /**
   * Virtual nanoseconds since creation.
   *
   * @return the virtual time
   */
  public long now() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    ready.add(task);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Timed t = new Timed(now + Math.max(0, delay.toNanos()), sequence++, task, 0);
    timers.add(t);
    return () -> t.cancelled = true;
  }

  @Override
  public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, got " + period);
    }
    Timed t = new Timed(now + Math.max(0, initialDelay.toNanos()), sequence++, task, period.toNanos());
    timers.add(t);
    return () -> t.cancelled = true;
  }

  @Override
  public boolean inScheduler() {
    return true;
  }

  /**
   * Runs every task submitted with {@link #execute}, including ones they submit; returns how many.
   *
   * @return how many tasks ran
   */
  public int runPending() {
    int n = 0;
    Runnable r;
    while ((r = ready.poll()) != null) {
      r.run();
      n++;
    }
    return n;
  }

  /**
   * Moves virtual time forward by {@code d}, running due timers (and pending tasks) in time order.
   *
   * @param d how far to move
   */
  public void advance(Duration d) {
    long target = now + d.toNanos();
    runPending();
    while (true) {
      Timed t = timers.peek();
      if (t == null || t.due > target) {
        break;
      }
      timers.poll();
      if (t.cancelled) {
        continue;
      }
      now = Math.max(now, t.due);
      t.task.run();
      if (t.period > 0 && !t.cancelled) {
        // the same object goes back, so cancelling the handle stops every later run
        t.due += t.period;
        t.seq = sequence++;
        timers.add(t);
      }
      runPending();
    }
    now = target;
  }

  private static final class Timed implements Comparable<Timed> {
    long due;
    long seq;
    final Runnable task;
    final long period;
    boolean cancelled;

    Timed(long due, long seq, Runnable task, long period) {
      this.due = due;
      this.seq = seq;
      this.task = task;
      this.period = period;
    }

    @Override
    public int compareTo(Timed o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
