package io.serenity.p2p.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler that keeps decrypted bytes behind the TLS handler until the peer is checked. */
class HoldInboundTest {

  private static final class Collect extends ChannelInboundHandlerAdapter {
    final List<String> got = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      got.add(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void holdsUntilReleasedThenPassesOnInOrderAndLeaves() {
    HoldInbound hold = new HoldInbound(1024);
    EmbeddedChannel ch = new EmbeddedChannel(hold);
    ch.writeInbound(text("one"), text("two"));
    Object passed = ch.readInbound();
    assertThat(passed).as("nothing passes while held").isNull();
    Collect next = new Collect();
    ch.pipeline().addLast(next);
    hold.release();
    ch.writeInbound(text("three"));
    assertThat(next.got).containsExactly("one", "two", "three");
    assertThat(ch.pipeline().get(HoldInbound.class)).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void holdingMoreThanTheLimitClosesAndReleasesEverything() {
    HoldInbound hold = new HoldInbound(10);
    EmbeddedChannel ch = new EmbeddedChannel(hold);
    ByteBuf a = text("123456");
    ByteBuf b = text("7890ab");
    ch.writeInbound(a.retain(), b.retain());
    assertThat(ch.isOpen()).isFalse();
    assertThat(a.refCnt()).isEqualTo(1);
    assertThat(b.refCnt()).isEqualTo(1);
    a.release();
    b.release();
  }

  @Test
  void closingWhileHeldReleasesEverything() {
    HoldInbound hold = new HoldInbound(1024);
    EmbeddedChannel ch = new EmbeddedChannel(hold);
    ByteBuf a = text("kept");
    ch.writeInbound(a.retain());
    ch.close();
    assertThat(a.refCnt()).isEqualTo(1);
    a.release();
  }

  @Test
  void aFailureWhileHeldClosesWithoutReachingTheEnd() {
    HoldInbound hold = new HoldInbound(1024);
    EmbeddedChannel ch = new EmbeddedChannel(hold);
    ch.pipeline().fireExceptionCaught(new IllegalStateException("handshake failed"));
    ch.checkException(); // an exception at the pipeline's end would be rethrown here
    assertThat(ch.isOpen()).isFalse();
  }
}
