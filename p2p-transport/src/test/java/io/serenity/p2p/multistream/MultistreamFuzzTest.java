package io.serenity.p2p.multistream;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.pieces;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Fuzz target of multistream-select on a connection ({@link MultistreamHandler} on an {@link
 * EmbeddedChannel}): the remote's bytes, cut into reads. Input: byte 0 picks the role (listener,
 * dialer or {@code ls} asker), byte 1 seeds the read boundaries, the rest is what the remote sends.
 * Invariant: nothing reaches the end of the pipeline as an exception; the negotiation either agrees on
 * a protocol we offered, or fails with {@link MultistreamException} and closes the channel, or waits
 * for more bytes; allocation stays proportional to the input (a length prefix is checked against the
 * 1 KiB limit before the message is buffered).
 */
class MultistreamFuzzTest {

  static final List<String> SUPPORTED = List.of("/noise", "/yamux/1.0.0", "/mplex/6.7.0");
  static final List<String> PROPOSALS = List.of("/yamux/1.0.0", "/mplex/6.7.0", "/noise");

  /** Takes the application bytes that follow a successful negotiation. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    long bytes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      bytes += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void negotiate(byte[] data) throws Exception {
    int role = u8(data, 0) % 3;
    MultistreamConfig config = MultistreamConfig.defaults();
    Negotiation negotiation = switch (role) {
      case 0 -> Negotiation.listener(SUPPORTED, config);
      case 1 -> Negotiation.dialer(PROPOSALS, config);
      default -> Negotiation.lister(config);
    };
    MultistreamHandler handler = new MultistreamHandler(negotiation);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(new UnpooledByteBufAllocator(false));
    Sink sink = new Sink();
    handler.selected().thenAccept(id -> ch.pipeline().addLast(sink));
    try {
      ch.pipeline().addLast(handler);
      allocationAtMost(64L * data.length, () -> "negotiation of " + data.length + " bytes", () -> {
        for (byte[] piece : pieces(data, 2, u8(data, 1))) {
          if (!ch.isOpen()) {
            break;
          }
          // an exception that reached the pipeline's end is rethrown here and fails the target
          ch.writeInbound(Unpooled.wrappedBuffer(piece));
          ch.runPendingTasks();
        }
      });
      check(handler.selected(), ch, role, data);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static void check(CompletableFuture<String> selected, EmbeddedChannel ch, int role, byte[] data) {
    if (!selected.isDone()) {
      assertThat(ch.isOpen()).as("an undecided negotiation keeps the channel").isTrue();
      return;
    }
    String id;
    try {
      id = selected.join();
    } catch (CompletionException e) {
      expectOnly(e.getCause(), data, MultistreamException.class);
      assertThat(ch.isOpen()).as("a failed negotiation closes the channel").isFalse();
      return;
    }
    switch (role) {
      case 0 -> assertThat(SUPPORTED).contains(id);
      case 1 -> assertThat(PROPOSALS).contains(id);
      default -> assertThat(id).isNull();
    }
    assertThat(ch.pipeline().get(MultistreamHandler.class)).isNull();
  }
}
