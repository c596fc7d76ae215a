package io.serenity.p2p.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

  @Test
  void timersRunInTimeOrderAndSeeTheirDueTime() {
    ManualScheduler s = new ManualScheduler();
    List<String> log = new ArrayList<>();
    s.schedule(Duration.ofMillis(30), () -> log.add("c@" + s.now() / 1_000_000));
    s.schedule(Duration.ofMillis(10), () -> log.add("a@" + s.now() / 1_000_000));
    s.schedule(Duration.ofMillis(10), () -> log.add("b@" + s.now() / 1_000_000));
    s.advance(Duration.ofMillis(20));
    assertThat(log).containsExactly("a@10", "b@10");
    s.advance(Duration.ofMillis(20));
    assertThat(log).containsExactly("a@10", "b@10", "c@30");
    assertThat(s.now()).isEqualTo(40_000_000L);
  }

  @Test
  void periodicTaskRepeatsUntilCancelled() {
    ManualScheduler s = new ManualScheduler();
    List<Long> runs = new ArrayList<>();
    Scheduler.Cancellable c =
        s.scheduleAtFixedRate(Duration.ofMillis(5), Duration.ofMillis(10), () -> runs.add(s.now() / 1_000_000));
    s.advance(Duration.ofMillis(36));
    assertThat(runs).containsExactly(5L, 15L, 25L, 35L);
    c.cancel();
    s.advance(Duration.ofMillis(100));
    assertThat(runs).hasSize(4);
  }

  @Test
  void executedTasksRunOnlyWhenPendingWorkIsRun() {
    ManualScheduler s = new ManualScheduler();
    List<Integer> log = new ArrayList<>();
    s.execute(() -> {
      log.add(1);
      s.execute(() -> log.add(2));
    });
    assertThat(log).isEmpty();
    assertThat(s.runPending()).isEqualTo(2);
    assertThat(log).containsExactly(1, 2);
  }

  @Test
  void cancelledOneShotNeverRuns() {
    ManualScheduler s = new ManualScheduler();
    List<Integer> log = new ArrayList<>();
    s.schedule(Duration.ofMillis(1), () -> log.add(1)).cancel();
    s.advance(Duration.ofSeconds(1));
    assertThat(log).isEmpty();
  }
}
