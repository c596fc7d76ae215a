package io.serenity.p2p.time;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on one real thread; tasks that throw are logged and do not stop it. */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadScheduler.class);

  private final ScheduledExecutorService executor;
  private volatile Thread thread;

  ThreadScheduler(String name) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  @Override
  public Clock clock() {
    return Clock.system();
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(guard(task));
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> f = executor.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Cancellable scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
    ScheduledFuture<?> f =
        executor.scheduleAtFixedRate(
            guard(task), initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public boolean inScheduler() {
    return Thread.currentThread() == thread;
  }

  /** Stops the thread; queued tasks are dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.error("scheduled task failed", e);
      }
    };
  }
}
