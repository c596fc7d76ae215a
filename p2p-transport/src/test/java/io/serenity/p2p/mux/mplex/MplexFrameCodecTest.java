package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.mux.LeakRecorder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MplexFrameCodecTest {
  static {
    LeakRecorder.install();
  }

  @AfterAll
  static void noNettyLeaks() {
    LeakRecorder.assertNoLeaks();
  }


  private static final int MAX = MplexConfig.DEFAULT_MAX_MESSAGE_SIZE;

  /** One frame of every type and flag, small and large payloads, the largest stream id. */
  private static List<MplexFrame> everyFrame() {
    byte[] big = new byte[700]; // above the copy threshold: encoded as a composite
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    return List.of(
        new MplexFrame.NewStream(0, "0"),
        new MplexFrame.NewStream(17, "a stream name ✓"),
        new MplexFrame.NewStream(3, ""),
        new MplexFrame.Message(5, true, text("hi")),
        new MplexFrame.Message(5, false, text("there")),
        new MplexFrame.Message(6, true, Unpooled.wrappedBuffer(big)),
        new MplexFrame.Message(7, false, Unpooled.EMPTY_BUFFER),
        new MplexFrame.Close(17, true),
        new MplexFrame.Close(17, false),
        new MplexFrame.Reset(17, true),
        new MplexFrame.Reset(17, false),
        new MplexFrame.Message(MplexFrame.MAX_STREAM_ID, true, text("edge")),
        new MplexFrame.Reset(MplexFrame.MAX_STREAM_ID, false));
  }

  @Test
  void roundTripsEveryFrameTypeAndFlag() {
    List<MplexFrame> frames = everyFrame();
    EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(MAX));
    for (MplexFrame frame : frames) {
      ch.writeInbound(encodeKeeping(frame));
      MplexFrame decoded = ch.readInbound();
      assertSameFrame(decoded, frame);
      ReferenceCountUtil.release(decoded);
    }
    releaseAll(frames);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encodesTheSpecVectors() {
    assertThat(hex(new MplexFrame.NewStream(0, "0"))).isEqualTo("000130");
    assertThat(hex(new MplexFrame.Message(0, true, text("hi")))).isEqualTo("02026869");
    assertThat(hex(new MplexFrame.Message(0, false, text("hi")))).isEqualTo("01026869");
    assertThat(hex(new MplexFrame.Close(17, true))).isEqualTo("8c0100");
    assertThat(hex(new MplexFrame.Reset(17, false))).isEqualTo("8d0100");
  }

  @Test
  void decodesWhenInputIsSplitAtEveryByteOffset() {
    List<MplexFrame> frames = everyFrame();
    ByteBuf all = Unpooled.buffer();
    for (MplexFrame frame : frames) {
      ByteBuf encoded = encodeKeeping(frame);
      all.writeBytes(encoded);
      encoded.release();
    }
    for (int split = 0; split <= all.readableBytes(); split++) {
      EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(MAX));
      ch.writeInbound(all.retainedSlice(0, split));
      ch.writeInbound(all.retainedSlice(split, all.readableBytes() - split));
      assertDecodedInOrder(ch, frames);
      assertThat(ch.finish()).isFalse();
    }
    all.release();
    releaseAll(frames);
  }

  @Test
  void decodesWhenInputArrivesOneByteAtATime() {
    List<MplexFrame> frames = everyFrame();
    EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(MAX));
    for (MplexFrame frame : frames) {
      ByteBuf encoded = encodeKeeping(frame);
      while (encoded.isReadable()) {
        ch.writeInbound(encoded.readRetainedSlice(1));
      }
      encoded.release();
    }
    assertDecodedInOrder(ch, frames);
    releaseAll(frames);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void rejectsOversizeLengthBeforeAllocating() {
    ByteBuf in = Unpooled.buffer();
    MplexFrameCodec.writeUvarint(in, 5L << 3 | MplexFrame.FLAG_MESSAGE_INITIATOR);
    MplexFrameCodec.writeUvarint(in, MAX + 1L);
    // Only the header is there; an allocator that refuses everything proves no buffer is reserved.
    assertThatThrownBy(() -> MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator()))
        .isInstanceOf(MplexException.class)
        .hasMessageContaining("exceeds the limit of " + MAX);
    in.release();
  }

  @Test
  void acceptsExactlyTheMaximumLength() {
    ByteBuf data = Unpooled.wrappedBuffer(new byte[MAX]);
    EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(MAX));
    ch.writeInbound(MplexFrameCodec.encode(
        new MplexFrame.Message(1, true, data), MAX, ByteBufAllocator.DEFAULT));
    MplexFrame.Message decoded = ch.readInbound();
    assertThat(decoded.data().readableBytes()).isEqualTo(MAX);
    decoded.release();
    assertThat(data.refCnt()).isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void oversizeFrameFailsThePipelineAndLaterInputIsDiscarded() {
    EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(16));
    ByteBuf in = Unpooled.buffer();
    MplexFrameCodec.writeUvarint(in, 1L << 3 | MplexFrame.FLAG_MESSAGE_RECEIVER);
    MplexFrameCodec.writeUvarint(in, 17);
    in.writeBytes(new byte[17]);
    assertThatThrownBy(() -> ch.writeInbound(in))
        .isInstanceOf(DecoderException.class)
        .hasCauseInstanceOf(MplexException.class);
    assertThat(in.refCnt()).isZero();
    // A well-formed frame after the violation cannot be trusted to start on a frame boundary.
    ch.writeInbound(MplexFrameCodec.encode(
        new MplexFrame.Close(1, true), 16, ByteBufAllocator.DEFAULT));
    Object afterViolation = ch.readInbound();
    assertThat(afterViolation).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void rejectsVarintLongerThanNineBytes() {
    ByteBuf in = Unpooled.buffer();
    in.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x00});
    assertThatThrownBy(() -> MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator()))
        .isInstanceOf(MplexException.class)
        .hasMessageContaining("header varint is longer than 9 bytes");
    in.release();
  }

  @Test
  void rejectsNonMinimalHeaderVarint() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 0x00, 0x00});
    assertThatThrownBy(() -> MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator()))
        .isInstanceOf(MplexException.class)
        .hasMessageContaining("header varint is not minimally encoded");
    in.release();
  }

  @Test
  void rejectsNonMinimalLengthVarint() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {0x0c, (byte) 0x80, 0x00});
    assertThatThrownBy(() -> MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator()))
        .isInstanceOf(MplexException.class)
        .hasMessageContaining("length varint is not minimally encoded");
    in.release();
  }

  @Test
  void rejectsUndefinedFlagSeven() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) (2 << 3 | 7), 0x00});
    assertThatThrownBy(() -> MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator()))
        .isInstanceOf(MplexException.class)
        .hasMessageContaining("undefined flag 7");
    in.release();
  }

  @Test
  void waitsForTruncatedVarintsWithoutConsumingInput() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x8a, (byte) 0x81});
    assertThat(MplexFrameCodec.decodeFrame(in, MAX, new RefusingAllocator())).isNull();
    assertThat(in.readerIndex()).isZero();
    in.release();
    EmbeddedChannel ch = new EmbeddedChannel(new MplexFrameCodec(MAX));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x02, 0x05, 'a', 'b'}));
    Object partial = ch.readInbound();
    assertThat(partial).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void encodeRejectsOutOfRangeIdAndOversizePayloadAndReleasesIt() {
    ByteBuf data = text("x");
    assertThatThrownBy(() -> MplexFrameCodec.encode(
            new MplexFrame.Message(MplexFrame.MAX_STREAM_ID + 1, true, data), MAX,
            ByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(data.refCnt()).isZero();
    ByteBuf big = Unpooled.wrappedBuffer(new byte[17]);
    assertThatThrownBy(() -> MplexFrameCodec.encode(
            new MplexFrame.Message(1, true, big), 16, ByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(big.refCnt()).isZero();
  }

  // ---- helpers ----

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  /** Encodes without giving up the caller's reference to a message's data. */
  private static ByteBuf encodeKeeping(MplexFrame frame) {
    if (frame instanceof MplexFrame.Message m) {
      frame = new MplexFrame.Message(m.streamId(), m.fromInitiator(), m.data().retainedDuplicate());
    }
    return MplexFrameCodec.encode(frame, MAX, ByteBufAllocator.DEFAULT);
  }

  private static String hex(MplexFrame frame) {
    ByteBuf encoded = MplexFrameCodec.encode(frame, MAX, ByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.hexDump(encoded);
    } finally {
      encoded.release();
    }
  }

  private static void assertDecodedInOrder(EmbeddedChannel ch, List<MplexFrame> expected) {
    List<MplexFrame> decoded = new ArrayList<>();
    for (int i = 0; i <= expected.size(); i++) {
      MplexFrame frame = ch.readInbound();
      if (frame == null) {
        break;
      }
      decoded.add(frame);
    }
    assertThat(decoded).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertSameFrame(decoded.get(i), expected.get(i));
    }
    decoded.forEach(ReferenceCountUtil::release);
  }

  private static void assertSameFrame(MplexFrame actual, MplexFrame expected) {
    assertThat(actual).isNotNull();
    assertThat(actual.getClass()).isEqualTo(expected.getClass());
    assertThat(actual.streamId()).isEqualTo(expected.streamId());
    assertThat(actual.fromInitiator()).isEqualTo(expected.fromInitiator());
    assertThat(actual.flag()).isEqualTo(expected.flag());
    if (expected instanceof MplexFrame.Message m) {
      assertThat(ByteBufUtil.equals(((MplexFrame.Message) actual).data(), m.data())).isTrue();
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  private static void releaseAll(List<MplexFrame> frames) {
    frames.forEach(ReferenceCountUtil::release);
  }

  /** Fails any allocation: proves a decode path reserves no memory. */
  private static final class RefusingAllocator extends AbstractByteBufAllocator {
    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      throw new AssertionError("allocated " + initialCapacity + " bytes");
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      throw new AssertionError("allocated " + initialCapacity + " bytes");
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }
}
