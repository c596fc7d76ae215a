package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.time.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeenCacheTest {

  private static MessageId id(int i) {
    return new MessageId(new byte[] {(byte) (i >> 8), (byte) i});
  }

  @Test
  void idIsSeenOnceUntilItsTtlRunsOut() {
    ManualScheduler s = new ManualScheduler();
    SeenCache c = new SeenCache(s.clock(), Duration.ofMinutes(2), 100);
    assertThat(c.add(id(1))).isTrue();
    assertThat(c.add(id(1))).isFalse();
    s.advance(Duration.ofSeconds(119));
    assertThat(c.contains(id(1))).isTrue();
    s.advance(Duration.ofSeconds(1));
    assertThat(c.contains(id(1))).isFalse();
    assertThat(c.add(id(1))).isTrue();
  }

  @Test
  void capacityBoundsMemoryDroppingTheOldest() {
    ManualScheduler s = new ManualScheduler();
    SeenCache c = new SeenCache(s.clock(), Duration.ofMinutes(2), 3);
    for (int i = 0; i < 5; i++) {
      c.add(id(i));
    }
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.contains(id(0))).isFalse();
    assertThat(c.contains(id(4))).isTrue();
    assertThat(c.evictedEarly()).isEqualTo(2);
  }
}
