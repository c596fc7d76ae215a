package io.serenity.p2p.sim;

import io.serenity.p2p.time.Clock;
import io.serenity.p2p.time.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The discrete-event core: virtual time in nanoseconds and a priority queue of events ordered by
 * (time, sequence), so events due at the same instant run in the order they were scheduled and a
 * run is a pure function of its inputs. It is also the {@link Scheduler} every simulated router
 * runs on; it never creates a thread.
 */
final class EventLoop implements Scheduler {
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private long executed;

  /** Virtual nanoseconds since the start. */
  long now() {
    return now;
  }

  /** Events run so far. */
  long executed() {
    return executed;
  }

  int pending() {
    return queue.size();
  }

  @Override
  public Clock clock() {
    return () -> now;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(new Event(now, sequence++, task, 0));
  }

  /** Runs {@code task} at absolute virtual time {@code at} (or now, if that is past). */
  Event at(long at, Runnable task) {
    Event e = new Event(Math.max(now, at), sequence++, task, 0);
    queue.add(e);
    return e;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return at(now + Math.max(0, delay.toNanos()), task);
  }

  @Override
  public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, got " + period);
    }
    Event e = new Event(now + Math.max(0, initialDelay.toNanos()), sequence++, task, period.toNanos());
    queue.add(e);
    return e;
  }

  @Override
  public boolean inScheduler() {
    return true;
  }

  /** Runs events in order until the queue is empty or the next event is after {@code until}; time ends at {@code until}. */
  void runUntil(long until) {
    while (true) {
      Event e = queue.peek();
      if (e == null || e.due > until) {
        break;
      }
      queue.poll();
      if (e.cancelled) {
        continue;
      }
      now = e.due;
      executed++;
      e.task.run();
      if (e.period > 0 && !e.cancelled) {
        e.due += e.period;
        e.seq = sequence++;
        queue.add(e);
      }
    }
    now = Math.max(now, until);
  }

  static final class Event implements Comparable<Event>, Cancellable {
    long due;
    long seq;
    final Runnable task;
    final long period;
    boolean cancelled;

    Event(long due, long seq, Runnable task, long period) {
      this.due = due;
      this.seq = seq;
      this.task = task;
      this.period = period;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Event o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
