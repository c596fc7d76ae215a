package io.serenity.p2p.host;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large byte arrays kept for reuse by the node's streams ({@link HostConfig#readBufferPool()}), so a
 * stream that gathers a large message does not grow a fresh array for each one. Sizes are powers of
 * two from {@link #MIN_SIZE} up; at most {@code capacity} bytes are held, beyond that a returned
 * array is left to the garbage collector. An array that is taken and never given back costs nothing
 * but its allocation, so a stream that ends abruptly leaks nothing.
 *
 * <p>Thread-safe: the streams of all event loops share one pool.
 */
final class ArrayPool {

  /** The smallest size pooled; smaller arrays are the streams' own. */
  static final int MIN_SIZE = 128 * 1024;
  private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_SIZE);
  private static final int MAX_SHIFT = 30;

  private final long capacity;
  private final ConcurrentLinkedDeque<byte[]>[] free;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong allocated = new AtomicLong();

  @SuppressWarnings("unchecked")
  ArrayPool(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
    }
    this.capacity = capacity;
    this.free = new ConcurrentLinkedDeque[MAX_SHIFT - MIN_SHIFT + 1];
    for (int i = 0; i < free.length; i++) {
      free[i] = new ConcurrentLinkedDeque<>();
    }
  }

  /**
   * {@return an array of at least {@code size} bytes: the next power of two at or above it, from the
   * pool when one is there} Its contents are whatever its last user left.
   */
  byte[] take(int size) {
    int shift = shiftFor(size);
    if (shift > MAX_SHIFT) {
      allocated.incrementAndGet();
      return new byte[size];
    }
    byte[] a = free[shift - MIN_SHIFT].pollFirst();
    if (a != null) {
      held.addAndGet(-a.length);
      reused.incrementAndGet();
      return a;
    }
    allocated.incrementAndGet();
    return new byte[1 << shift];
  }

  /**
   * Gives an array back; the caller must hold no reference to it any more. Arrays whose length is
   * not a pooled size, and arrays that would take the pool past its capacity, are dropped.
   */
  void give(byte[] a) {
    int len = a.length;
    if (len < MIN_SIZE || Integer.bitCount(len) != 1) {
      return;
    }
    if (held.addAndGet(len) > capacity) {
      held.addAndGet(-len);
      return;
    }
    free[Integer.numberOfTrailingZeros(len) - MIN_SHIFT].offerFirst(a);
  }

  /** {@return bytes held for reuse now} */
  long heldBytes() {
    return held.get();
  }

  /** {@return how many arrays were handed out from the pool} */
  long reusedCount() {
    return reused.get();
  }

  /** {@return how many arrays were allocated because the pool had none of the size} */
  long allocatedCount() {
    return allocated.get();
  }

  private static int shiftFor(int size) {
    if (size <= MIN_SIZE) {
      return MIN_SHIFT;
    }
    return 32 - Integer.numberOfLeadingZeros(size - 1);
  }
}
