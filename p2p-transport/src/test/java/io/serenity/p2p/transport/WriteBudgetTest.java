package io.serenity.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The socket-buffer bound per connection and the node bound, on {@link EmbeddedChannel}s whose
 * flushes are held back: what is written stays queued, as for a peer that does not read.
 */
class WriteBudgetTest {

  private static final int KIB = 1024;
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Holds flushes back while {@code stalled}: the socket takes nothing, like a peer not reading. */
  static final class Stall extends ChannelOutboundHandlerAdapter {
    boolean stalled = true;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!stalled) {
        ctx.flush();
      }
    }
  }

  private EmbeddedChannel channel(WriteBudget budget, Stall stall) {
    EmbeddedChannel ch = new EmbeddedChannel();
    budget.attach(ch);
    ch.pipeline().addFirst("stall", stall); // between the socket and the budget's handler
    channels.add(ch);
    return ch;
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private static ChannelFuture write(EmbeddedChannel ch, int n) {
    return ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[n]));
  }

  @Test
  void aConnectionWhosePeerDoesNotReadIsClosedAtItsBound() {
    WriteBudget budget = new WriteBudget(KIB * KIB, 64L * KIB * KIB);
    Stall stall = new Stall();
    EmbeddedChannel ch = channel(budget, stall);
    List<ChannelFuture> writes = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      writes.add(write(ch, 64 * KIB));
    }
    ch.runPendingTasks();

    // 16 x 64 KiB fill the 1 MiB; the 17th would pass it and closes the connection
    assertThat(ch.isOpen()).isFalse();
    assertThat(writes.get(16).isSuccess()).isFalse();
    assertThat(writes.get(16).cause()).hasMessageContaining("connection write buffer limit");
    assertThat(budget.maxSocketQueuedBytes()).isEqualTo(KIB * KIB);
    assertThat(budget.maxQueuedBytes()).isLessThanOrEqualTo(KIB * KIB);
    assertThat(budget.hits()).containsEntry(new WriteBudget.Hit(WriteBudget.Scope.CONNECTION, "none"), 1L);
    assertThat(budget.queuedBytes()).as("a closed connection gives everything back").isZero();
    assertThat(budget.accounts()).isZero();
  }

  @Test
  void whatThePeerReadsIsGivenBack() {
    WriteBudget budget = new WriteBudget(KIB * KIB, 64L * KIB * KIB);
    Stall stall = new Stall();
    EmbeddedChannel ch = channel(budget, stall);
    for (int i = 0; i < 10; i++) {
      write(ch, 64 * KIB);
    }
    assertThat(budget.queuedBytes()).isEqualTo(640L * KIB);
    assertThat(WriteBudget.accountOf(ch).held()).isEqualTo(640L * KIB);

    stall.stalled = false;
    ch.flush(); // the peer reads
    assertThat(budget.queuedBytes()).isZero();
    // the whole budget is available again: another 1 MiB fits
    for (int i = 0; i < 16; i++) {
      write(ch, 64 * KIB);
    }
    assertThat(ch.isOpen()).isTrue();
    assertThat(budget.hits()).isEmpty();
  }

  @Test
  void overTheNodeBoundTheConnectionHoldingTheMostIsClosed() {
    WriteBudget budget = new WriteBudget(KIB * KIB, KIB * KIB);
    EmbeddedChannel hog = channel(budget, new Stall());
    EmbeddedChannel small = channel(budget, new Stall());
    for (int i = 0; i < 11; i++) {
      write(hog, 64 * KIB); // 704 KiB
    }
    write(small, 200 * KIB);
    assertThat(hog.isOpen()).isTrue();
    assertThat(budget.queuedBytes()).isEqualTo(904L * KIB);

    // 904 + 200 KiB passes 1 MiB: the hog (704 KiB) goes, the small connection's write stands
    ChannelFuture w = write(small, 200 * KIB);
    small.runPendingTasks();
    hog.runPendingTasks();

    assertThat(hog.isOpen()).isFalse();
    assertThat(small.isOpen()).isTrue();
    assertThat(w.isDone()).as("still queued for the peer").isFalse();
    assertThat(budget.queuedBytes()).isEqualTo(400L * KIB);
    assertThat(budget.maxQueuedBytes()).isLessThanOrEqualTo(KIB * KIB);
    assertThat(budget.hits(WriteBudget.Scope.NODE)).isEqualTo(1);
  }

  @Test
  void theConnectionAskingIsClosedWhenItHoldsTheMost() {
    WriteBudget budget = new WriteBudget(KIB * KIB, KIB * KIB);
    EmbeddedChannel other = channel(budget, new Stall());
    EmbeddedChannel hog = channel(budget, new Stall());
    write(other, 100 * KIB);
    for (int i = 0; i < 14; i++) {
      write(hog, 64 * KIB); // 896 KiB
    }
    ChannelFuture w = write(hog, 64 * KIB);
    hog.runPendingTasks();

    assertThat(w.isSuccess()).isFalse();
    assertThat(hog.isOpen()).isFalse();
    assertThat(other.isOpen()).isTrue();
    assertThat(budget.queuedBytes()).isEqualTo(100L * KIB);
    assertThat(budget.hits(WriteBudget.Scope.NODE)).isEqualTo(1);
  }

  @Test
  void aChannelIsAttachedOnce() {
    WriteBudget budget = WriteBudget.defaults();
    EmbeddedChannel ch = channel(budget, new Stall());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> budget.attach(ch))
        .isInstanceOf(IllegalStateException.class);
  }
}
