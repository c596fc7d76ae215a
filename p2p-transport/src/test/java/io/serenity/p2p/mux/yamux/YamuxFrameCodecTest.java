package io.serenity.p2p.mux.yamux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.serenity.p2p.mux.LeakRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class YamuxFrameCodecTest {
  static {
    LeakRecorder.install();
  }

  private static final long MAX = YamuxConfig.SPEC_INITIAL_WINDOW;
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @AfterAll
  static void noLeaks() {
    LeakRecorder.assertNoLeaks();
  }

  /** One of each frame type and flag, including the largest unsigned 32-bit field values. */
  private static List<YamuxFrame> sampleFrames() {
    List<YamuxFrame> frames = new ArrayList<>();
    frames.add(new YamuxFrame.Data(1, YamuxFlag.SYN.bit(), Unpooled.copiedBuffer("hello", UTF_8)));
    frames.add(new YamuxFrame.Data(3, 0, Unpooled.EMPTY_BUFFER));
    frames.add(
        new YamuxFrame.Data(
            0xFFFF_FFFFL, YamuxFlag.FIN.bit(), Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    frames.add(new YamuxFrame.WindowUpdate(2, YamuxFlag.ACK.bit(), 0));
    frames.add(
        new YamuxFrame.WindowUpdate(5, YamuxFlag.RST.bit() | YamuxFlag.FIN.bit(), 0xFFFF_FFFFL));
    frames.add(new YamuxFrame.WindowUpdate(7, 0, 131072));
    frames.add(new YamuxFrame.Ping(YamuxFlag.SYN.bit(), 7));
    frames.add(new YamuxFrame.Ping(YamuxFlag.ACK.bit(), 0xFFFF_FFFFL));
    frames.add(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_NORMAL));
    frames.add(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
    frames.add(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_INTERNAL_ERROR));
    return frames;
  }

  /** A comparable view of a frame: header fields plus the body as hex. */
  private static String describe(YamuxFrame f) {
    String body = f instanceof YamuxFrame.Data d ? ByteBufUtil.hexDump(d.data()) : "";
    return f.type() + "/" + f.flags() + "/" + f.streamId() + "/" + f.length() + "/" + body;
  }

  private static void release(YamuxFrame f) {
    if (f instanceof YamuxFrame.Data d) {
      d.data().release();
    }
  }

  @Test
  void everyFrameTypeRoundTrips() {
    for (YamuxFrame frame : sampleFrames()) {
      String expected = describe(frame);
      ByteBuf wire = YamuxFrameCodec.encode(ALLOC, frame);
      assertThat(wire.readableBytes())
          .isEqualTo(12 + (frame instanceof YamuxFrame.Data ? (int) frame.length() : 0));
      YamuxFrame decoded = YamuxFrameCodec.decode(wire, MAX);
      assertThat(decoded).isNotNull();
      assertThat(describe(decoded)).isEqualTo(expected);
      assertThat(decoded.getClass()).isEqualTo(frame.getClass());
      assertThat(wire.isReadable()).isFalse();
      release(decoded);
      wire.release();
    }
  }

  @Test
  void encodingMatchesTheSpecVectors() {
    assertEncodes(
        new YamuxFrame.WindowUpdate(1, YamuxFlag.SYN.bit(), 0), "000100010000000100000000");
    assertEncodes(
        new YamuxFrame.WindowUpdate(1, YamuxFlag.ACK.bit(), 0), "000100020000000100000000");
    assertEncodes(
        new YamuxFrame.Data(1, 0, Unpooled.copiedBuffer("hello", UTF_8)),
        "00000000000000010000000568656c6c6f");
    assertEncodes(
        new YamuxFrame.Data(1, YamuxFlag.FIN.bit(), Unpooled.EMPTY_BUFFER),
        "000000040000000100000000");
    assertEncodes(
        new YamuxFrame.WindowUpdate(2, YamuxFlag.RST.bit(), 0), "000100080000000200000000");
    assertEncodes(new YamuxFrame.Ping(YamuxFlag.SYN.bit(), 7), "000200010000000000000007");
    assertEncodes(new YamuxFrame.Ping(YamuxFlag.ACK.bit(), 7), "000200020000000000000007");
    assertEncodes(new YamuxFrame.GoAway(0), "000300000000000000000000");
  }

  private static void assertEncodes(YamuxFrame frame, String hex) {
    ByteBuf wire = YamuxFrameCodec.encode(ALLOC, frame);
    assertThat(ByteBufUtil.hexDump(wire)).isEqualTo(hex);
    wire.release();
  }

  @Test
  void decoderHandlesInputSplitAtEveryByteOffset() {
    ByteBuf all = Unpooled.buffer();
    List<String> expected = new ArrayList<>();
    for (YamuxFrame f : sampleFrames()) {
      expected.add(describe(f));
      ByteBuf wire = YamuxFrameCodec.encode(ALLOC, f);
      all.writeBytes(wire);
      wire.release();
    }
    for (int split = 0; split <= all.readableBytes(); split++) {
      EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameDecoder(MAX));
      ch.writeInbound(all.retainedSlice(0, split));
      ch.writeInbound(all.retainedSlice(split, all.readableBytes() - split));
      assertThat(readAll(ch)).as("split at %d", split).isEqualTo(expected);
      assertThat(ch.finish()).isFalse();
    }
    // And one byte at a time.
    EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameDecoder(MAX));
    for (int i = 0; i < all.readableBytes(); i++) {
      ch.writeInbound(all.retainedSlice(i, 1));
    }
    assertThat(readAll(ch)).isEqualTo(expected);
    assertThat(ch.finish()).isFalse();
    all.release();
  }

  private static List<String> readAll(EmbeddedChannel ch) {
    List<String> out = new ArrayList<>();
    YamuxFrame f;
    while ((f = ch.readInbound()) != null) {
      out.add(describe(f));
      release(f);
    }
    return out;
  }

  @Test
  void incompleteInputIsLeftUntouched() {
    ByteBuf wire =
        YamuxFrameCodec.encode(
            ALLOC, new YamuxFrame.Data(1, 0, Unpooled.copiedBuffer("hello", UTF_8)));
    for (int len = 0; len < wire.readableBytes(); len++) {
      ByteBuf partial = wire.retainedSlice(0, len);
      assertThat(YamuxFrameCodec.decode(partial, MAX)).isNull();
      assertThat(partial.readerIndex()).isZero();
      partial.release();
    }
    wire.release();
  }

  @Test
  void badVersionIsRejected() {
    ByteBuf wire = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("010100010000000100000000"));
    assertThatThrownBy(() -> YamuxFrameCodec.decode(wire, MAX))
        .isInstanceOf(YamuxException.class)
        .hasMessageContaining("version 1");
    wire.release();
  }

  @Test
  void unknownTypeIsRejected() {
    ByteBuf wire = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("000400000000000000000000"));
    assertThatThrownBy(() -> YamuxFrameCodec.decode(wire, MAX))
        .isInstanceOf(YamuxException.class)
        .hasMessageContaining("type 4");
    wire.release();
  }

  @Test
  void dataLongerThanTheReceiveWindowIsRejectedFromTheHeaderAlone() {
    ByteBuf header = Unpooled.buffer(12);
    header.writeByte(0).writeByte(0).writeShort(0).writeInt(1).writeInt((int) MAX + 1);
    assertThatThrownBy(() -> YamuxFrameCodec.decode(header, MAX))
        .isInstanceOf(YamuxException.class)
        .hasMessageContaining("exceeds the receive window");
    header.release();

    ByteBuf maxHeader = Unpooled.buffer(12);
    maxHeader.writeByte(0).writeByte(0).writeShort(0).writeInt(1).writeInt(-1);
    assertThatThrownBy(() -> YamuxFrameCodec.decode(maxHeader, MAX))
        .isInstanceOf(YamuxException.class);
    maxHeader.release();
  }

  @Test
  void decoderFailsOnceWithTheTypedExceptionThenDiscardsInput() {
    EmbeddedChannel ch = new EmbeddedChannel(new YamuxFrameDecoder(MAX));
    ByteBuf good = YamuxFrameCodec.encode(ALLOC, new YamuxFrame.Ping(YamuxFlag.SYN.bit(), 1));
    ByteBuf bad = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("000900000000000000000000"));
    ByteBuf both = Unpooled.wrappedBuffer(good, bad);
    assertThatThrownBy(() -> ch.writeInbound(both))
        .isInstanceOf(DecoderException.class)
        .hasCauseInstanceOf(YamuxException.class);
    // The good frame ahead of the bad one was still delivered.
    YamuxFrame first = ch.readInbound();
    assertThat(first).isEqualTo(new YamuxFrame.Ping(YamuxFlag.SYN.bit(), 1));
    ByteBuf more = YamuxFrameCodec.encode(ALLOC, new YamuxFrame.Ping(YamuxFlag.SYN.bit(), 2));
    ch.writeInbound(more);
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }
}
