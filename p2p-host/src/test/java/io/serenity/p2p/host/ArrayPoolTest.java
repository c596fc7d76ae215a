package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayPoolTest {

  @Test
  void sizesAreRoundedUpToAPowerOfTwoFromTheSmallestPooledSize() {
    ArrayPool pool = new ArrayPool(1 << 24);
    assertThat(pool.take(1).length).isEqualTo(ArrayPool.MIN_SIZE);
    assertThat(pool.take(ArrayPool.MIN_SIZE).length).isEqualTo(ArrayPool.MIN_SIZE);
    assertThat(pool.take(ArrayPool.MIN_SIZE + 1).length).isEqualTo(2 * ArrayPool.MIN_SIZE);
    assertThat(pool.take(1_000_000).length).isEqualTo(1 << 20);
    assertThat(pool.allocatedCount()).isEqualTo(4);
    assertThat(pool.reusedCount()).isZero();
  }

  @Test
  void aGivenArrayIsHandedOutAgainForTheSameSizeClassOnly() {
    ArrayPool pool = new ArrayPool(1 << 24);
    byte[] a = pool.take(300_000);
    pool.give(a);
    assertThat(pool.heldBytes()).isEqualTo(a.length);
    assertThat(pool.take(ArrayPool.MIN_SIZE)).isNotSameAs(a); // another class
    assertThat(pool.take(262_145)).isSameAs(a);
    assertThat(pool.heldBytes()).isZero();
    assertThat(pool.take(300_000)).isNotSameAs(a); // taken once, not twice
    assertThat(pool.reusedCount()).isEqualTo(1);
  }

  @Test
  void keepsAtMostItsCapacityAndNoArraysOfOtherSizes() {
    ArrayPool pool = new ArrayPool(3 * ArrayPool.MIN_SIZE);
    pool.give(new byte[ArrayPool.MIN_SIZE]);
    pool.give(new byte[2 * ArrayPool.MIN_SIZE]);
    pool.give(new byte[ArrayPool.MIN_SIZE]); // would pass the capacity: dropped
    pool.give(new byte[ArrayPool.MIN_SIZE / 2]); // below the pooled sizes
    pool.give(new byte[ArrayPool.MIN_SIZE + 1]); // not a power of two
    assertThat(pool.heldBytes()).isEqualTo(3 * ArrayPool.MIN_SIZE);
    ArrayPool none = new ArrayPool(0);
    none.give(new byte[ArrayPool.MIN_SIZE]);
    assertThat(none.heldBytes()).isZero();
    assertThatThrownBy(() -> new ArrayPool(-1)).hasMessageContaining("capacity");
  }
}
