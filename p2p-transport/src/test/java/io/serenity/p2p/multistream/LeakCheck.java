package io.serenity.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
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
 * Fails a test class when Netty's leak detector (PARANOID in Surefire) reports a ByteBuf that was
 * collected without being released. Register with {@code @ExtendWith(LeakCheck.class)}.
 */
public final class LeakCheck implements AfterAllCallback {

  private static final List<String> LEAKS = Collections.synchronizedList(new ArrayList<>());

  static {
    try {
      Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
      f.setAccessible(true);
      ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) f.get(null);
      detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    // Leaks are reported when a later allocation polls the detector's reference queue; the
    // collector enqueues the dead buffers' references asynchronously, hence the short pauses.
    for (int i = 0; i < 10 && LEAKS.isEmpty(); i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 50; j++) {
        Unpooled.buffer(1).release();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(1);
        b.release();
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
