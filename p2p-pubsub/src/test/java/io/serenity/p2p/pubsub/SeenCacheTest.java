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

  /**
   * Random adds, look-ups and clock steps against a plain model (a list in insertion order with expiry
   * times): the ring wraps, grows and drops by capacity and by TTL in every order.
   */
  @Test
  void agreesWithASimpleModelThroughWrapsGrowthExpiryAndEviction() {
    agreesWithModel(SeenCacheTest::id, 1207);
  }

  /**
   * Ids of 400 in groups of five that share one hash code ({x, y} with 31x + y the same): long probe
   * runs in the membership table, and removals from the middle of them.
   */
  private static MessageId colliding(int i) {
    int group = i / 5;
    int a = i % 5;
    return new MessageId(new byte[] {(byte) a, (byte) (group - 31 * a)});
  }

  @Test
  void agreesWithTheModelWhenIdsShareHashCodes() {
    assertThat(colliding(0).hashCode()).isEqualTo(colliding(4).hashCode()).isNotEqualTo(colliding(5).hashCode());
    assertThat(colliding(0)).isNotEqualTo(colliding(4));
    agreesWithModel(SeenCacheTest::colliding, 712);
  }

  private static void agreesWithModel(java.util.function.IntFunction<MessageId> idOf, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    for (int round = 0; round < 50; round++) {
      ManualScheduler s = new ManualScheduler();
      int capacity = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 200);
      Duration ttl = Duration.ofMillis(1 + rnd.nextInt(500));
      SeenCache c = new SeenCache(s.clock(), ttl, capacity);
      java.util.List<long[]> model = new java.util.ArrayList<>(); // {id, expiry}
      long evicted = 0;
      for (int op = 0; op < 3_000; op++) {
        int id = rnd.nextInt(400);
        long now = s.clock().nanos();
        model.removeIf(e -> e[1] - now <= 0);
        switch (rnd.nextInt(4)) {
          case 0, 1 -> {
            boolean fresh = model.stream().noneMatch(e -> e[0] == id);
            if (fresh) {
              if (model.size() >= capacity) {
                model.remove(0);
                evicted++;
              }
              model.add(new long[] {id, now + ttl.toNanos()});
            }
            assertThat(c.add(idOf.apply(id))).as("round %d op %d add %d", round, op, id).isEqualTo(fresh);
          }
          case 2 -> assertThat(c.contains(idOf.apply(id))).as("round %d op %d contains %d", round, op, id)
              .isEqualTo(model.stream().anyMatch(e -> e[0] == id));
          default -> {
            s.advance(Duration.ofMillis(rnd.nextInt(40)));
            continue; // both forget expired ids at their next add or look-up, not on a clock step
          }
        }
        assertThat(c.size()).isEqualTo(model.size());
      }
      assertThat(c.evictedEarly()).isEqualTo(evicted);
    }
  }
}
