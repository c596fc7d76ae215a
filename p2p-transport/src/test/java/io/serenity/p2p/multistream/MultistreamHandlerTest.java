package io.serenity.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class MultistreamHandlerTest {

  /** Collects and releases every inbound buffer it gets. */
  static final class Capture extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        bytes.writeBytes(ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    }
  }

  static byte[] wire(MultistreamMessage... messages) {
    ByteBuf b = MultistreamCodec.encode(List.of(messages));
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] readAllOutbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  static MultistreamMessage.Protocol p(String id) {
    return new MultistreamMessage.Protocol(id);
  }

  /** Installs {@code handler} and, once it selects, a Capture after it. */
  static Capture install(EmbeddedChannel ch, MultistreamHandler handler) {
    Capture capture = new Capture();
    handler.selected().thenAccept(id -> ch.pipeline().addLast(capture));
    ch.pipeline().addLast(handler);
    return capture;
  }

  static Throwable failure(CompletableFuture<String> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void dialerSelectsAndForwardsLeftoverBytesAtEverySplit() {
    byte[] answer =
        concat(
            wire(MultistreamMessage.HEADER, p("/noise")), "hello".getBytes(StandardCharsets.UTF_8));
    for (int split = 0; split <= answer.length; split++) {
      EmbeddedChannel ch = new EmbeddedChannel();
      MultistreamHandler handler = MultistreamSelect.dialerHandler(List.of("/noise"));
      Capture capture = install(ch, handler);
      // header and first proposal leave together
      assertThat(readAllOutbound(ch)).isEqualTo(wire(MultistreamMessage.HEADER, p("/noise")));
      ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(answer, 0, split)));
      ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(answer, split, answer.length)));
      assertThat(handler.selected()).isCompletedWithValue("/noise");
      assertThat(capture.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(ch.pipeline().get(MultistreamHandler.class)).isNull();
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void dialerFallsBackToNextProposalOnNa() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.dialerHandler(List.of("/tls/1.0.0", "/noise"));
    install(ch, handler);
    assertThat(readAllOutbound(ch)).isEqualTo(wire(MultistreamMessage.HEADER, p("/tls/1.0.0")));
    ch.writeInbound(Unpooled.wrappedBuffer(wire(MultistreamMessage.HEADER, MultistreamMessage.NA)));
    assertThat(readAllOutbound(ch)).isEqualTo(wire(p("/noise")));
    assertThat(handler.selected()).isNotDone();
    ch.writeInbound(Unpooled.wrappedBuffer(wire(p("/noise"))));
    assertThat(handler.selected()).isCompletedWithValue("/noise");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void dialerFailsNamingEveryRefusedProposalAndClosesTheConnection() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.dialerHandler(List.of("/tls/1.0.0", "/noise"));
    install(ch, handler);
    readAllOutbound(ch);
    ch.writeInbound(
        Unpooled.wrappedBuffer(
            wire(MultistreamMessage.HEADER, MultistreamMessage.NA, MultistreamMessage.NA)));
    assertThat(failure(handler.selected()))
        .isInstanceOf(MultistreamException.class)
        .hasMessageContaining("[/tls/1.0.0, /noise]");
    assertThat(ch.isOpen()).isFalse();
    readAllOutbound(ch);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void dialerFailsOnAnUnexpectedEcho() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.dialerHandler(List.of("/noise"));
    install(ch, handler);
    readAllOutbound(ch);
    ch.writeInbound(Unpooled.wrappedBuffer(wire(MultistreamMessage.HEADER, p("/other"))));
    assertThat(failure(handler.selected())).hasMessageContaining("/other");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void listenerEchoesSupportedProtocolAtEverySplitAndKeepsLazyData() {
    byte[] request =
        concat(
            wire(MultistreamMessage.HEADER, p("/unknown"), p("/noise")),
            new byte[] {0, 32, 1, 2, 3});
    for (int split = 0; split <= request.length; split++) {
      EmbeddedChannel ch = new EmbeddedChannel();
      MultistreamHandler handler = MultistreamSelect.listenerHandler(Set.of("/noise"));
      Capture capture = install(ch, handler);
      ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(request, 0, split)));
      ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(request, split, request.length)));
      assertThat(handler.selected()).isCompletedWithValue("/noise");
      assertThat(readAllOutbound(ch))
          .isEqualTo(wire(MultistreamMessage.HEADER, MultistreamMessage.NA, p("/noise")));
      assertThat(capture.bytes.toByteArray()).containsExactly(0, 32, 1, 2, 3);
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void listenerAnswersLsWithItsProtocols() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler =
        MultistreamSelect.listenerHandler(List.of("/yamux/1.0.0", "/mplex/6.7.0"));
    install(ch, handler);
    ch.writeInbound(Unpooled.wrappedBuffer(wire(MultistreamMessage.HEADER, MultistreamMessage.LS)));
    assertThat(readAllOutbound(ch))
        .isEqualTo(
            wire(
                MultistreamMessage.HEADER,
                new MultistreamMessage.ProtocolList(List.of("/yamux/1.0.0", "/mplex/6.7.0"))));
    ch.writeInbound(Unpooled.wrappedBuffer(wire(p("/mplex/6.7.0"))));
    assertThat(handler.selected()).isCompletedWithValue("/mplex/6.7.0");
    assertThat(readAllOutbound(ch)).isEqualTo(wire(p("/mplex/6.7.0")));
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void listenerFailsAfterTooManyProposals() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler =
        MultistreamSelect.listenerHandler(Set.of("/noise"), new MultistreamConfig(1024, 2));
    install(ch, handler);
    ch.writeInbound(
        Unpooled.wrappedBuffer(wire(MultistreamMessage.HEADER, p("/a"), p("/b"), p("/c"))));
    assertThat(failure(handler.selected()))
        .isInstanceOf(MultistreamException.class)
        .hasMessageContaining("more than 2 proposals");
    assertThat(ch.isOpen()).isFalse();
    readAllOutbound(ch);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void listenerRejectsOverlongMessage() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.listenerHandler(Set.of("/noise"));
    install(ch, handler);
    byte[] header = wire(MultistreamMessage.HEADER);
    ch.writeInbound(Unpooled.wrappedBuffer(concat(header, new byte[] {(byte) 0x81, 0x08})));
    assertThat(failure(handler.selected())).hasMessageContaining("exceeds limit of 1024");
    assertThat(ch.isOpen()).isFalse();
    readAllOutbound(ch);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void rejectsWrongFirstMessage() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.listenerHandler(Set.of("/noise"));
    install(ch, handler);
    ch.writeInbound(Unpooled.wrappedBuffer(wire(p("/multistream/2.0.0"))));
    assertThat(failure(handler.selected())).hasMessageContaining("expected /multistream/1.0.0");
    readAllOutbound(ch);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void failsWhenTheConnectionClosesMidNegotiation() {
    EmbeddedChannel ch = new EmbeddedChannel();
    MultistreamHandler handler = MultistreamSelect.dialerHandler(List.of("/noise"));
    install(ch, handler);
    ch.writeInbound(Unpooled.wrappedBuffer(wire(MultistreamMessage.HEADER)));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {7, '/', 'n'}));
    ch.close();
    assertThat(failure(handler.selected())).hasMessageContaining("closed");
    readAllOutbound(ch);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
