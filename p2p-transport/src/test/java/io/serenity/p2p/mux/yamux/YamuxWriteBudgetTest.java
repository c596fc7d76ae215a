package io.serenity.p2p.mux.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.transport.WriteBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Yamux writes waiting for a window the peer never grants count against the node's write budget:
 * many connections each under their own bound cannot together hold more than the node's.
 */
class YamuxWriteBudgetTest {

  private static final int MIB = 1 << 20;
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private YamuxSession session(WriteBudget budget) {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    budget.attach(ch);
    return Yamux.create(YamuxConfig.defaults(), System::nanoTime).install(ch, true);
  }

  private static MuxedStream open(YamuxSession s) throws Exception {
    return s.openStream().get(1, TimeUnit.SECONDS);
  }

  @Test
  void writesWaitingForWindowCountAgainstTheNodeAndTheLargestHolderGoes() throws Exception {
    WriteBudget budget = new WriteBudget(64L * MIB, 8L * MIB);
    YamuxSession hog = session(budget);
    YamuxSession honest = session(budget);
    // the peer of each grants the initial 256 KiB and never more: the rest of a write waits
    List<CompletableFuture<Void>> hogWrites = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      hogWrites.add(open(hog).write(Unpooled.wrappedBuffer(new byte[3 * MIB])));
    }
    MuxedStream small = open(honest);
    CompletableFuture<Void> first = small.write(Unpooled.wrappedBuffer(new byte[MIB]));
    channels.forEach(EmbeddedChannel::runPendingTasks);
    long before = budget.queuedBytes();
    assertThat(before).isEqualTo(2L * (3 * MIB - YamuxConfig.SPEC_INITIAL_WINDOW) + MIB - YamuxConfig.SPEC_INITIAL_WINDOW);
    assertThat(hog.bufferedBytes()).isLessThan(YamuxStream.MAX_SESSION_BUFFERED_BYTES);

    // 6.25 MiB are waiting; another 2 MiB would pass 8 MiB: the hog (5.5 MiB) is closed
    CompletableFuture<Void> second = open(honest).write(Unpooled.wrappedBuffer(new byte[2 * MIB]));
    channels.forEach(EmbeddedChannel::runPendingTasks);

    assertThat(channels.get(0).isOpen()).isFalse();
    assertThat(hogWrites).allSatisfy(w -> assertThat(w).isCompletedExceptionally());
    assertThat(channels.get(1).isOpen()).isTrue();
    assertThat(first).isNotCompletedExceptionally();
    assertThat(second).isNotCompletedExceptionally();
    assertThat(budget.maxQueuedBytes()).isLessThanOrEqualTo(8L * MIB);
    assertThat(budget.hits()).containsEntry(new WriteBudget.Hit(WriteBudget.Scope.NODE, "yamux"), 1L);
  }

  @Test
  void aStreamWriteTheNodeRefusesResetsItsStream() throws Exception {
    WriteBudget budget = new WriteBudget(64L * MIB, 4L * MIB);
    YamuxSession only = session(budget);
    MuxedStream a = open(only);
    CompletableFuture<Void> w1 = a.write(Unpooled.wrappedBuffer(new byte[3 * MIB]));
    MuxedStream b = open(only);
    CompletableFuture<Void> w2 = b.write(Unpooled.wrappedBuffer(new byte[2 * MIB]));
    channels.get(0).runPendingTasks();

    // this connection holds the most: the node bound closes it and refuses the write
    assertThat(w2).isCompletedExceptionally();
    assertThat(b.closeFuture()).isDone();
    assertThat(channels.get(0).isOpen()).isFalse();
    assertThat(w1).isCompletedExceptionally();
    assertThat(budget.queuedBytes()).isZero();
    assertThat(budget.hits(WriteBudget.Scope.NODE)).isEqualTo(1);
  }
}
