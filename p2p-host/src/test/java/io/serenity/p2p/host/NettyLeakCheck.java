package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (PARANOID under Surefire) reported a buffer that
 * was garbage-collected unreleased. Use with {@code @ExtendWith(NettyLeakCheck.class)}.
 */
public final class NettyLeakCheck implements AfterAllCallback {

  private static final List<String> LEAKS = Collections.synchronizedList(new ArrayList<>());

  static {
    try {
      Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
      f.setAccessible(true);
      ((ResourceLeakDetector<?>) f.get(null))
          .setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // The detector reports on later allocations, after the collector queued the dead buffers:
    // collect, then allocate a little, a bounded number of rounds.
    for (int i = 0; i < 5 && LEAKS.isEmpty(); i++) {
      System.gc();
      for (int j = 0; j < 100; j++) {
        Unpooled.buffer(1).release();
        PooledByteBufAllocator.DEFAULT.buffer(1).release();
      }
    }
    List<String> found;
    synchronized (LEAKS) {
      found = new ArrayList<>(LEAKS);
      LEAKS.clear();
    }
    assertThat(found).as("ByteBuf leaks in " + context.getDisplayName()).isEmpty();
  }
}
