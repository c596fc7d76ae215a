package io.serenity.p2p.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty leak reports into test failures: the leak detector only logs, so tests that must
 * prove "no leaks" collect its reports here and assert on them.
 */
public final class LeakRecorder {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
  }

  private LeakRecorder() {}

  /** Registers the listener (idempotent; the static initializer does the work). */
  public static void install() {}

  /**
   * Collects garbage and allocates a few buffers so the detector polls its queue, then asserts that
   * no leak was reported since the listener was installed. Best effort: a leaked buffer that is
   * still reachable, or not yet collected, goes unnoticed.
   */
  public static void assertNoLeaks() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 64; j++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
        probe.release();
      }
    }
    assertThat(LEAKS).as("Netty buffer leaks").isEmpty();
  }
}
