package io.serenity.p2p.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real single-thread scheduler: order, timers, cancellation, failures, fairness, close, wake-ups. */
@Timeout(60)
class ThreadSchedulerTest {
  private final ThreadScheduler s = Scheduler.singleThread("scheduler-test");

  @AfterEach
  void close() {
    s.close();
  }

  private void drain() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    s.execute(done::countDown);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void tasksFromManyThreadsRunOnTheSchedulerThreadEachInItsSubmittersOrder() throws Exception {
    int threads = 4;
    int each = 20_000;
    List<List<Integer>> seen = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      seen.add(new ArrayList<>());
    }
    AtomicBoolean offThread = new AtomicBoolean();
    List<Thread> submitters = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          int n = i;
          s.execute(() -> {
            if (!s.inScheduler()) {
              offThread.set(true);
            }
            seen.get(id).add(n); // scheduler thread only
          });
        }
      });
      submitters.add(th);
      th.start();
    }
    for (Thread th : submitters) {
      th.join();
    }
    drain();
    assertThat(offThread).isFalse();
    for (List<Integer> l : seen) {
      assertThat(l).hasSize(each);
      for (int i = 0; i < each; i++) {
        assertThat(l.get(i)).isEqualTo(i);
      }
    }
    assertThat(s.inScheduler()).isFalse();
  }

  @Test
  void timedTasksRunInDueOrderAndNotBeforeTheirTime() throws Exception {
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(3);
    long start = System.nanoTime();
    long[] ranAt = new long[3];
    s.schedule(Duration.ofMillis(300), () -> {
      ranAt[2] = System.nanoTime();
      order.add(3);
      all.countDown();
    });
    s.schedule(Duration.ofMillis(100), () -> {
      ranAt[0] = System.nanoTime();
      order.add(1);
      all.countDown();
    });
    s.schedule(Duration.ofMillis(200), () -> {
      ranAt[1] = System.nanoTime();
      order.add(2);
      all.countDown();
    });
    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly(1, 2, 3);
    assertThat(ranAt[0] - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(ranAt[2] - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
  }

  @Test
  void aCancelledTaskNeverRunsAndAPeriodicOneStopsWhenCancelled() throws Exception {
    AtomicInteger once = new AtomicInteger();
    Scheduler.Cancellable c = s.schedule(Duration.ofMillis(50), once::incrementAndGet);
    c.cancel();
    c.cancel(); // harmless
    AtomicInteger ticks = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    Scheduler.Cancellable periodic = s.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(10), () -> {
      ticks.incrementAndGet();
      three.countDown();
    });
    assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
    // cancel on the scheduler thread, so no tick can be running or start after this point
    CountDownLatch cancelled = new CountDownLatch(1);
    int[] atCancel = new int[1];
    s.execute(() -> {
      periodic.cancel();
      atCancel[0] = ticks.get();
      cancelled.countDown();
    });
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    // a later timer runs after the periodic one's next due time: had it not stopped, it would have ticked
    CountDownLatch later = new CountDownLatch(1);
    s.schedule(Duration.ofMillis(100), later::countDown);
    assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ticks.get()).isEqualTo(atCancel[0]);
    assertThat(once.get()).isZero();
  }

  @Test
  void aTaskThatThrowsDoesNotStopTheSchedulerOrItsPeriodicTask() throws Exception {
    s.execute(() -> {
      throw new IllegalStateException("boom (expected in this test)");
    });
    CountDownLatch twice = new CountDownLatch(2);
    s.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(5), () -> {
      twice.countDown();
      throw new IllegalStateException("periodic boom (expected in this test)");
    });
    assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
    drain();
  }

  @Test
  void aDueTimerRunsWhileImmediateTasksKeepComing() throws Exception {
    // The flood keeps the queue non-empty: each task submits the next until the timer has run, so a
    // scheduler that drained the queue before looking at timers would never get to it.
    AtomicBoolean timerRan = new AtomicBoolean();
    AtomicInteger floodTasks = new AtomicInteger();
    Runnable[] flood = new Runnable[1];
    flood[0] = () -> {
      if (!timerRan.get() && floodTasks.incrementAndGet() < 5_000_000) {
        s.execute(flood[0]);
      }
    };
    CountDownLatch ran = new CountDownLatch(1);
    s.execute(() -> {
      s.schedule(Duration.ofMillis(20), () -> {
        timerRan.set(true);
        ran.countDown();
      });
      flood[0].run();
    });
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(floodTasks.get()).isLessThan(5_000_000);
  }

  @Test
  void aTaskSubmittedWhileTheThreadSleepsUntilADistantTimerRunsAtOnce() throws Exception {
    s.schedule(Duration.ofHours(1), () -> {});
    drain(); // the thread now sleeps towards the timer an hour away
    for (int i = 0; i < 200; i++) {
      drain(); // each would wait an hour if the wake-up were lost (the test's timeout fails it)
    }
  }

  @Test
  void afterCloseNewTasksAndTimersAreRefused() throws Exception {
    drain();
    s.close();
    assertThatThrownBy(() -> s.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> s.schedule(Duration.ofMillis(1), () -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aSchedulerNeverUsedStartsNoThreadAndItsFirstTaskStartsOne() throws Exception {
    String name = "scheduler-test-lazy-" + System.nanoTime();
    ThreadScheduler lazy = Scheduler.singleThread(name);
    try {
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(name));
      CountDownLatch ran = new CountDownLatch(1);
      String[] on = new String[1];
      lazy.execute(() -> {
        on[0] = Thread.currentThread().getName();
        ran.countDown();
      });
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(on[0]).isEqualTo(name);
    } finally {
      lazy.close();
    }
  }

  @Test
  void aTaskThatLeavesTheThreadInterruptedDoesNotLeaveItSoForTheNext() throws Exception {
    // an interrupted thread's park returns at once, so a flag left set would make the loop spin
    s.execute(() -> Thread.currentThread().interrupt());
    boolean[] interrupted = new boolean[1];
    CountDownLatch next = new CountDownLatch(1);
    s.execute(() -> {
      interrupted[0] = Thread.currentThread().isInterrupted();
      next.countDown();
    });
    assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted[0]).isFalse();
    // and a timer still fires on time after it (the thread sleeps, then wakes for it)
    CountDownLatch timer = new CountDownLatch(1);
    s.execute(() -> Thread.currentThread().interrupt());
    s.schedule(Duration.ofMillis(50), timer::countDown);
    assertThat(timer.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
