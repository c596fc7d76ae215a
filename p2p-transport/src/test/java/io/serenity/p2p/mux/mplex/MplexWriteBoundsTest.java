package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.transport.WriteBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mplex has no flow control: a peer that does not read TCP leaves everything we write in the
 * socket's outbound buffer. A stream's writes and the connection's buffer are bounded all the same.
 * The channel is an {@link EmbeddedChannel} whose flushes are held back once the streams are open.
 */
class MplexWriteBoundsTest {

  private static final int MIB = 1 << 20;
  private EmbeddedChannel channel;
  private final Stall stall = new Stall();

  /** Holds flushes back while {@code stalled}: nothing reaches the peer. */
  static final class Stall extends ChannelOutboundHandlerAdapter {
    boolean stalled;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!stalled) {
        ctx.flush();
      }
    }
  }

  private MuxedConnection install(WriteBudget budget) {
    channel = new EmbeddedChannel();
    budget.attach(channel);
    channel.pipeline().addFirst("stall", stall);
    return new Mplex(MplexConfig.defaults()).install(channel, true);
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private MuxedStream open(MuxedConnection c) {
    CompletableFuture<MuxedStream> f = c.openStream();
    channel.runPendingTasks();
    assertThat(f).isCompleted();
    return f.join();
  }

  @Test
  void aWriterThatDoesNotAwaitIsRefusedOnceItsUnreadBytesPassTheBound() {
    WriteBudget budget = new WriteBudget(64L * MIB, 256L * MIB);
    MuxedConnection c = install(budget);
    MuxedStream s = open(c);
    stall.stalled = true;

    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      writes.add(s.write(Unpooled.wrappedBuffer(new byte[MIB])));
    }
    channel.runPendingTasks();

    // 4 x 1 MiB wait for the peer; a fifth would make 5 MiB
    assertThat(writes.subList(0, 4)).allSatisfy(w -> assertThat(w).isNotDone());
    assertThat(writes.subList(4, 8)).allSatisfy(w -> assertThat(w).isCompletedExceptionally());
    assertThat(writes.get(7)).failsWithin(java.time.Duration.ZERO)
        .withThrowableThat().withMessageContaining("write queue of");
    assertThat(budget.queuedBytes()).isLessThanOrEqualTo(MplexStream.MAX_PENDING_WRITE_BYTES + 64 * 1024);
    assertThat(budget.hits()).containsEntry(new WriteBudget.Hit(WriteBudget.Scope.STREAM, "mplex"), 4L);
    assertThat(s.closeFuture()).as("the stream lives on").isNotDone();
    assertThat(channel.isOpen()).isTrue();

    stall.stalled = false;
    channel.flush(); // the peer reads: the waiting writes complete, the next is taken
    assertThat(writes.subList(0, 4)).allSatisfy(w -> assertThat(w).isCompleted());
    assertThat(budget.queuedBytes()).isZero();
    CompletableFuture<Void> again = s.write(Unpooled.wrappedBuffer(new byte[MIB]));
    channel.runPendingTasks();
    assertThat(again).isCompleted();
  }

  @Test
  void theStreamWhoseWriteWouldPassTheConnectionBoundIsReset() {
    WriteBudget budget = new WriteBudget(2L * MIB, 256L * MIB);
    MuxedConnection c = install(budget);
    List<MuxedStream> streams = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      streams.add(open(c));
    }
    stall.stalled = true;

    // one 512 KiB write each (what an awaiting producer has in flight): 3 MiB would wait
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (MuxedStream s : streams) {
      writes.add(s.write(Unpooled.wrappedBuffer(new byte[MIB / 2])));
    }
    channel.runPendingTasks();

    assertThat(budget.maxSocketQueuedBytes()).isLessThanOrEqualTo(2L * MIB);
    assertThat(writes.get(0)).isNotDone();
    assertThat(streams.get(0).closeFuture()).isNotDone();
    long reset = streams.stream().filter(s -> s.closeFuture().isDone()).count();
    assertThat(reset).as("streams reset at the connection bound").isPositive();
    assertThat(writes.get(5)).failsWithin(java.time.Duration.ZERO)
        .withThrowableThat().withMessageContaining("connection write buffer limit");
    assertThat(budget.hits(WriteBudget.Scope.CONNECTION)).isEqualTo(reset);
    assertThat(channel.isOpen()).as("the connection itself lives on").isTrue();
  }
}
