package io.serenity.p2p.time;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on one real thread; tasks that throw are logged and do not stop it.
 *
 * <p>Immediate tasks (the pubsub router gets one per received RPC and per publish) go through a
 * lock-free queue and wake the thread only when it sleeps: no per-task wrapper, no delay-queue heap,
 * no lock. (A {@code ScheduledThreadPoolExecutor} gave every immediate task a {@code
 * ScheduledFutureTask} in a locked priority heap; that was about 3 % of the router's CPU and an
 * object per task.) Timed tasks live in a heap that only the thread touches; other threads hand
 * theirs over through the queue. Due timed tasks run between batches of at most {@link #BATCH}
 * immediate ones, so a flood of immediate tasks does not hold up the heartbeat.
 */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadScheduler.class);

  /** Immediate tasks run between two looks at the timed ones. */
  static final int BATCH = 256;

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Timed tasks by due time, then order of scheduling; scheduler thread only. */
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private final Thread thread;
  /** The thread starts with the first task, as the executor's did: a scheduler never used has none. */
  private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean sleeping;
  private volatile boolean closed;
  private long timerSeq; // scheduler thread only

  ThreadScheduler(String name) {
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
  }

  @Override
  public Clock clock() {
    return Clock.system();
  }

  /**
   * Runs {@code task} on the scheduler thread, after the tasks already queued.
   *
   * @throws RejectedExecutionException when the scheduler is closed
   */
  @Override
  public void execute(Runnable task) {
    java.util.Objects.requireNonNull(task, "task");
    if (closed) {
      throw new RejectedExecutionException("scheduler " + thread.getName() + " is closed");
    }
    tasks.offer(task);
    if (!started.get() && started.compareAndSet(false, true)) {
      thread.start(); // it finds the task in the queue
      return;
    }
    // The thread sets sleeping, then looks at the queue again before it parks; we offered, then
    // look at sleeping: one of the two sees the other (both fields are volatile), and an unpark
    // that comes before the park is kept, so no task waits for a wake-up that never comes.
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Timed t = new Timed(System.nanoTime() + Math.max(0, delay.toNanos()), 0, task);
    addTimer(t);
    return t;
  }

  @Override
  public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
    long p = period.toNanos();
    if (p <= 0) {
      throw new IllegalArgumentException("period must be positive, got " + period);
    }
    Timed t = new Timed(System.nanoTime() + Math.max(0, initialDelay.toNanos()), p, task);
    addTimer(t);
    return t;
  }

  private void addTimer(Timed t) {
    java.util.Objects.requireNonNull(t.task, "task");
    if (inScheduler()) {
      if (closed) {
        throw new RejectedExecutionException("scheduler " + thread.getName() + " is closed");
      }
      t.seq = timerSeq++;
      timers.add(t);
    } else {
      execute(() -> {
        t.seq = timerSeq++;
        timers.add(t);
      });
    }
  }

  @Override
  public boolean inScheduler() {
    return Thread.currentThread() == thread;
  }

  /** Stops the thread; queued tasks are dropped, and later ones refused. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }

  private void loop() {
    while (!closed) {
      runDueTimers();
      int ran = 0;
      Runnable r;
      while (ran < BATCH && !closed && (r = tasks.poll()) != null) {
        run(r);
        ran++;
      }
      if (ran == BATCH || closed) {
        continue;
      }
      sleeping = true;
      try {
        if (!tasks.isEmpty() || closed) {
          continue;
        }
        Timed next = timers.peek();
        if (next == null) {
          LockSupport.park(this);
        } else {
          long wait = next.due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(this, wait);
          }
        }
      } finally {
        sleeping = false;
      }
    }
    tasks.clear();
    timers.clear();
  }

  private void runDueTimers() {
    if (timers.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    Timed t;
    while ((t = timers.peek()) != null && t.due - now <= 0 && !closed) {
      timers.poll();
      if (t.cancelled) {
        continue;
      }
      if (t.period > 0) {
        // fixed rate: the next run is due one period after this one was due
        t.due += t.period;
        t.seq = timerSeq++;
        timers.add(t);
      }
      run(t.task);
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.error("scheduled task failed", e);
    }
    // A task that left the thread interrupted (e.g. it caught InterruptedException and restored the
    // flag) would make every later park return at once: the loop would spin. Clear it, as a thread
    // pool's worker does between tasks.
    Thread.interrupted();
  }

  /** A timed task; cancelling marks it, and the thread drops it when it comes up. */
  private static final class Timed implements Comparable<Timed>, Cancellable {
    long due;
    final long period;
    final Runnable task;
    long seq;
    volatile boolean cancelled;

    Timed(long due, long period, Runnable task) {
      this.due = due;
      this.period = period;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Timed o) {
      int c = Long.compare(due - o.due, 0);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
