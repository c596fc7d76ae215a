package io.serenity.p2p.mux.yamux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.serenity.p2p.mux.LeakRecorder;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxerException;
import io.serenity.p2p.mux.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Session rules checked frame by frame: the session runs on an {@link EmbeddedChannel} and the test
 * plays the remote by writing encoded frames in and decoding what comes out.
 */
class YamuxSessionTest {
  static {
    LeakRecorder.install();
  }

  private static final int WINDOW = YamuxConfig.SPEC_INITIAL_WINDOW;
  private static final int SYN = YamuxFlag.SYN.bit();
  private static final int ACK = YamuxFlag.ACK.bit();
  private static final int FIN = YamuxFlag.FIN.bit();
  private static final int RST = YamuxFlag.RST.bit();

  /** What the session sent, with Data bodies reduced to their length. */
  record Out(int type, int flags, long streamId, long length) {}

  private final AtomicLong clock = new AtomicLong();
  private final ByteBuf outboundBytes = Unpooled.buffer();
  private EmbeddedChannel channel;
  private YamuxSession session;
  private final List<MuxedStream> accepted = new ArrayList<>();

  private YamuxSession install(YamuxConfig config, boolean initiator) {
    channel = new EmbeddedChannel();
    session = Yamux.create(config, clock::get).install(channel, initiator);
    session.setInboundStreamAcceptor(accepted::add);
    return session;
  }

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    outboundBytes.release();
  }

  @AfterAll
  static void noLeaks() {
    LeakRecorder.assertNoLeaks();
  }

  private void inbound(YamuxFrame frame) {
    channel.writeInbound(YamuxFrameCodec.encode(ByteBufAllocator.DEFAULT, frame));
    channel.runPendingTasks();
  }

  private void inboundData(long streamId, int flags, int length) {
    inbound(new YamuxFrame.Data(streamId, flags, Unpooled.wrappedBuffer(new byte[length])));
  }

  /** Every frame written since the last call. */
  private List<Out> outbound() {
    channel.runPendingTasks();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      outboundBytes.writeBytes(b);
      b.release();
    }
    List<Out> frames = new ArrayList<>();
    YamuxFrame f;
    while ((f = YamuxFrameCodec.decode(outboundBytes, Long.MAX_VALUE)) != null) {
      frames.add(new Out(f.type(), f.flags(), f.streamId(), f.length()));
      if (f instanceof YamuxFrame.Data d) {
        d.data().release();
      }
    }
    outboundBytes.discardReadBytes();
    return frames;
  }

  private static long dataBytes(List<Out> frames, long streamId) {
    return frames.stream()
        .filter(o -> o.type() == YamuxFrame.TYPE_DATA && o.streamId() == streamId)
        .mapToLong(Out::length)
        .sum();
  }

  private MuxedStream open() throws Exception {
    return session.openStream().get(1, TimeUnit.SECONDS);
  }

  @Test
  void dialerUsesOddIdsAndAnnouncesEachStreamWithSyn() throws Exception {
    install(YamuxConfig.defaults(), true);
    assertThat(List.of(open().id(), open().id(), open().id())).containsExactly(1L, 3L, 5L);
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, SYN, 1, 0),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, SYN, 3, 0),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, SYN, 5, 0));
  }

  @Test
  void listenerUsesEvenIdsAndAcksInboundStreams() throws Exception {
    install(YamuxConfig.defaults(), false);
    assertThat(open().id()).isEqualTo(2);
    assertThat(open().id()).isEqualTo(4);
    outbound();
    inbound(new YamuxFrame.WindowUpdate(1, SYN, 0));
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 1, 0));
    assertThat(accepted).hasSize(1);
    assertThat(accepted.get(0).id()).isEqualTo(1);
    assertThat(accepted.get(0).isInitiator()).isFalse();
  }

  @Test
  void dataHeldForAStreamWithoutHandlerDoesNotKeepTheReadThatCarriedIt() throws Exception {
    // found by YamuxFuzzTest (seed small-hold-in-large-read): a held frame was a slice of the read,
    // so one accounted byte kept a whole read (up to a Noise message) alive
    install(YamuxConfig.defaults(), false);
    ByteBuf read = Unpooled.buffer();
    for (YamuxFrame f : List.of(
        new YamuxFrame.WindowUpdate(1, SYN, 0),
        new YamuxFrame.Data(1, 0, Unpooled.wrappedBuffer(new byte[] {42})),
        // a large frame for a stream that does not exist: dropped
        new YamuxFrame.Data(7, 0, Unpooled.wrappedBuffer(new byte[60_000])))) {
      ByteBuf b = YamuxFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
      read.writeBytes(b);
      b.release();
    }
    channel.writeInbound(read);
    channel.runPendingTasks();
    assertThat(accepted).hasSize(1);
    assertThat(read.refCnt()).as("the read is released though one of its bytes is held").isZero();
    RecordingHandler handler = new RecordingHandler().awaitBytes(1);
    accepted.get(0).setHandler(handler);
    channel.runPendingTasks();
    handler.gotAwaitedBytes.get(1, TimeUnit.SECONDS);
    assertThat(handler.bytes()).containsExactly(42);
  }

  @Test
  void windowExhaustionBlocksTheWriterUntilAWindowUpdate() throws Exception {
    install(YamuxConfig.defaults(), true);
    MuxedStream s = open();
    outbound();
    CompletableFuture<Void> first = s.write(Unpooled.wrappedBuffer(new byte[WINDOW + 44 * 1024]));
    List<Out> sent = outbound();
    assertThat(dataBytes(sent, 1)).isEqualTo(WINDOW);
    assertThat(sent).allMatch(o -> o.length() <= YamuxConfig.defaults().maxFramePayload());
    assertThat(sent).as("a write of more than a window leaves in frames of the largest payload")
        .anyMatch(o -> o.length() == YamuxConfig.defaults().maxFramePayload());
    assertThat(first).isNotDone();
    assertThat(session.bufferedBytes()).isEqualTo(44 * 1024);
    CompletableFuture<Void> second = s.write(Unpooled.wrappedBuffer(new byte[1000]));
    assertThat(outbound()).isEmpty();

    inbound(new YamuxFrame.WindowUpdate(1, ACK, 40 * 1024));
    assertThat(dataBytes(outbound(), 1)).isEqualTo(40 * 1024);
    assertThat(first).isNotDone();

    inbound(new YamuxFrame.WindowUpdate(1, 0, 64 * 1024));
    assertThat(dataBytes(outbound(), 1)).isEqualTo(4 * 1024 + 1000);
    assertThat(first).isCompleted();
    assertThat(second).isCompleted();
    assertThat(session.bufferedBytes()).isZero();
  }

  @Test
  void aWriterThatDoesNotAwaitIsRefusedOnceItsQueueIsFull() throws Exception {
    install(YamuxConfig.defaults(), true);
    MuxedStream s = open();
    outbound();
    // the window takes 256 KiB; the peer never grants more, so the rest waits
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    int chunk = 1 << 20;
    for (int i = 0; i < 8; i++) {
      writes.add(s.write(Unpooled.wrappedBuffer(new byte[chunk])));
    }
    outbound();
    long refused = writes.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    // 768 KiB + 3 x 1 MiB = 3.75 MiB wait; a fifth would make 4.75 MiB
    assertThat(refused).as("writes beyond 4 MiB waiting are refused").isEqualTo(4);
    assertThatThrownBy(() -> writes.get(7).join()).hasMessageContaining("write queue full");
    // what is queued is bounded by the limit plus one write
    assertThat(session.bufferedBytes()).isLessThanOrEqualTo(YamuxStream.MAX_PENDING_WRITE_BYTES + chunk);
    assertThat(s.closeFuture()).as("the stream itself lives on").isNotDone();
    s.reset();
    outbound();
    assertThat(session.bufferedBytes()).isZero();
  }

  @Test
  void aConnectionOverItsBufferLimitResetsTheStreamThatWouldPassIt() throws Exception {
    install(YamuxConfig.defaults(), true);
    List<MuxedStream> streams = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    // 20 streams x 4 MiB each would pass the 64 MiB connection limit: the peer grants no window
    for (int i = 0; i < 20; i++) {
      MuxedStream st = open();
      streams.add(st);
      writes.add(st.write(Unpooled.wrappedBuffer(new byte[4 << 20])));
    }
    outbound();
    assertThat(session.bufferedBytes()).isLessThanOrEqualTo(YamuxStream.MAX_SESSION_BUFFERED_BYTES);
    long reset = streams.stream().filter(st -> st.closeFuture().isDone()).count();
    assertThat(reset).isPositive();
    assertThat(writes.get(19)).isCompletedExceptionally();
    assertThatThrownBy(() -> writes.get(19).join()).hasMessageContaining("connection buffer limit");
    streams.forEach(MuxedStream::reset);
    outbound();
    assertThat(session.bufferedBytes()).isZero();
  }

  @Test
  void windowUpdateIsSentOnceHalfTheWindowIsConsumed() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> s.setHandler(h));
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    inboundData(2, 0, WINDOW / 2 - 1);
    assertThat(outbound()).isEmpty();
    inboundData(2, 0, 1);
    assertThat(outbound())
        .containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2));
    assertThat(h.receivedBytes()).isEqualTo(WINDOW / 2);
  }

  @Test
  void inReaderCreditModeOnlyConsumedBytesAreGrantedBack() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      s.creditOnConsume(4 << 20);
      s.setHandler(h);
    });
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    // The whole window is handed to the handler, which has not consumed any of it: nothing goes back,
    // so the sender is stopped by its window, and one more byte is a protocol error.
    inboundData(2, 0, WINDOW);
    assertThat(h.receivedBytes()).isEqualTo(WINDOW);
    assertThat(outbound()).isEmpty();

    MuxedStream s = accepted.get(0);
    s.consumed(WINDOW / 2 - 1);
    assertThat(outbound()).isEmpty();
    s.consumed(1);
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2));
    inboundData(2, 0, WINDOW / 2);
    assertThat(channel.isActive()).isTrue();
    inboundData(2, 0, 1);
    assertThat(channel.isActive()).as("past the window granted back").isFalse();
  }

  @Test
  void inReaderCreditModeTheWindowGrowsNoFurtherThanTheReadersBuffer() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      s.creditOnConsume(WINDOW + WINDOW / 2);
      s.setHandler(h);
    });
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    // Consumed at once, with no time passing: auto-tuning would double the window each time, but
    // never past what the reader said it will buffer.
    long granted = WINDOW;
    for (int i = 0; i < 4; i++) {
      inboundData(2, 0, (int) granted);
      accepted.get(0).consumed((int) granted);
      long delta = outbound().stream().filter(o -> o.type() == YamuxFrame.TYPE_WINDOW_UPDATE)
          .mapToLong(Out::length).sum();
      granted = delta;
      assertThat(granted).isLessThanOrEqualTo(WINDOW + WINDOW / 2);
    }
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void bytesCreditedOnDeliveryBeforeTheSwitchAreNotCreditedAgain() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      s.setHandler(h);
    });
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    inboundData(2, 0, 1000); // delivered in the default mode: counted as consumed already
    MuxedStream s = accepted.get(0);
    s.creditOnConsume(4 << 20);
    s.consumed(1000); // the reader takes those bytes later: no second credit
    inboundData(2, 0, WINDOW / 2 - 1000);
    s.consumed(WINDOW / 2 - 1001);
    assertThat(outbound()).isEmpty();
    s.consumed(1);
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2));
  }

  @Test
  void unreadDataWithoutHandlerIsHeldAndNotGrantedBack() {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    inboundData(2, 0, WINDOW / 2);
    inboundData(2, 0, WINDOW / 2);
    assertThat(outbound()).isEmpty();
    assertThat(session.bufferedBytes()).isEqualTo(WINDOW);

    RecordingHandler h = new RecordingHandler(false);
    accepted.get(0).setHandler(h);
    assertThat(h.receivedBytes()).isEqualTo(WINDOW);
    assertThat(session.bufferedBytes()).isZero();
    assertThat(dataBytes(outbound(), 2)).isZero();
  }

  @Test
  void aPausedReaderGetsNothingAndGrantsNoWindowUntilItResumes() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      s.setHandler(h);
    });
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    MuxedStream s = accepted.get(0);
    s.setReadPaused(true);
    channel.runPendingTasks();
    inboundData(2, 0, WINDOW / 2);
    inboundData(2, 0, WINDOW / 2);
    inbound(new YamuxFrame.WindowUpdate(2, FIN, 0));
    // held: not delivered, not granted back, the remote's close waits behind the data
    assertThat(h.receivedBytes()).isZero();
    assertThat(h.remoteClosed).isNotDone();
    assertThat(outbound()).isEmpty();
    assertThat(session.bufferedBytes()).isEqualTo(WINDOW);
    assertThat(channel.isActive()).isTrue();

    s.setReadPaused(false);
    channel.runPendingTasks();
    assertThat(h.receivedBytes()).isEqualTo(WINDOW);
    assertThat(h.remoteClosed).isCompletedWithValue((long) WINDOW);
    assertThat(session.bufferedBytes()).isZero();
  }

  @Test
  void aPausedReaderIsStillToldOfAReset() {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      s.setHandler(h);
    });
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    accepted.get(0).setReadPaused(true);
    channel.runPendingTasks();
    inboundData(2, 0, 100);
    inbound(new YamuxFrame.WindowUpdate(2, RST, 0));
    assertThat(h.reset).isDone();
    assertThat(h.receivedBytes()).isZero();
    assertThat(session.bufferedBytes()).isZero();
  }

  @Test
  void exceedingTheReceiveWindowIsAProtocolError() {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    // No handler: nothing is consumed, so none of the window is granted back.
    inboundData(2, 0, WINDOW / 2);
    inboundData(2, 0, WINDOW / 2);
    assertThat(outbound()).isEmpty();
    assertThat(channel.isActive()).isTrue();

    inboundData(2, 0, 1);
    assertThat(outbound())
        .containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
    assertThat(channel.isActive()).isFalse();
    assertThat(accepted.get(0).closeFuture()).isCompleted();
    assertThat(session.bufferedBytes()).isZero();
    assertThat(session.closeFuture()).isCompleted();
  }

  @Test
  void consumedDataIsGrantedBackSoTheRemoteMayKeepSending() {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    inboundData(2, 0, WINDOW / 2);
    inboundData(2, 0, WINDOW / 2);
    RecordingHandler h = new RecordingHandler(false);
    accepted.get(0).setHandler(h);
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2));
    inboundData(2, 0, WINDOW);
    assertThat(channel.isActive()).isTrue();
    assertThat(h.receivedBytes()).isEqualTo(2L * WINDOW);
  }

  @Test
  void oversizeDataFrameIsAProtocolError() {
    install(YamuxConfig.defaults(), true);
    ByteBuf header = Unpooled.buffer(12);
    header.writeByte(0).writeByte(0).writeShort(SYN).writeInt(2).writeInt(WINDOW + 1);
    channel.writeInbound(header);
    assertThat(outbound())
        .containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void synForOurOwnParityOrAnOpenStreamIsAProtocolError() throws Exception {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.WindowUpdate(3, SYN, 0));
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, 1));
    assertThat(channel.isActive()).isFalse();

    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 2, 0),
            new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, 1));
  }

  @Test
  void pingWithSynIsAnsweredWithAckEchoingTheOpaqueValue() {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.Ping(SYN, 0xDEADBEEFL));
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_PING, ACK, 0, 0xDEADBEEFL));
  }

  @Test
  void pingCompletesWithTheRoundTripTime() throws Exception {
    install(YamuxConfig.defaults(), true);
    clock.set(1_000_000);
    CompletableFuture<Duration> rtt = session.ping();
    List<Out> sent = outbound();
    assertThat(sent).hasSize(1);
    Out ping = sent.get(0);
    assertThat(ping.type()).isEqualTo(YamuxFrame.TYPE_PING);
    assertThat(ping.flags()).isEqualTo(SYN);
    clock.addAndGet(Duration.ofMillis(7).toNanos());
    inbound(new YamuxFrame.Ping(ACK, ping.length() + 1)); // not ours: ignored
    assertThat(rtt).isNotDone();
    inbound(new YamuxFrame.Ping(ACK, ping.length()));
    assertThat(rtt.get(1, TimeUnit.SECONDS)).isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void tooManyOutstandingPingsFailFast() {
    install(YamuxConfig.defaults().withMaxOutstandingPings(2), true);
    session.ping();
    session.ping();
    assertThat(session.ping()).isCompletedExceptionally();
  }

  @Test
  void remoteGoAwayFailsOpenStreamButExistingStreamsContinue() throws Exception {
    install(YamuxConfig.defaults(), true);
    MuxedStream s = open();
    outbound();
    inbound(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_NORMAL));
    assertThatThrownBy(() -> open()).hasCauseInstanceOf(MuxerException.class);
    CompletableFuture<Void> written = s.write(Unpooled.copiedBuffer("still", UTF_8));
    assertThat(dataBytes(outbound(), 1)).isEqualTo(5);
    assertThat(written).isCompleted();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void remoteGoAwayWithAnErrorClosesTheSession() throws Exception {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h = new RecordingHandler();
    open().setHandler(h);
    inbound(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_INTERNAL_ERROR));
    assertThat(channel.isActive()).isFalse();
    assertThat(h.resetCount()).isEqualTo(1);
  }

  @Test
  void localGoAwayRefusesNewInboundStreams() throws Exception {
    install(YamuxConfig.defaults(), true);
    session.goAway();
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, 0));
    inbound(new YamuxFrame.Data(2, SYN, Unpooled.copiedBuffer("hi", UTF_8)));
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, RST, 2, 0));
    assertThat(accepted).isEmpty();
    assertThatThrownBy(() -> open()).hasCauseInstanceOf(MuxerException.class);
  }

  @Test
  void inboundStreamsBeyondTheLimitAreReset() {
    install(YamuxConfig.defaults().withMaxInboundStreams(2), true);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    inbound(new YamuxFrame.WindowUpdate(4, SYN, 0));
    inbound(new YamuxFrame.Data(6, SYN, Unpooled.copiedBuffer("over", UTF_8)));
    inbound(new YamuxFrame.Data(6, 0, Unpooled.copiedBuffer("more", UTF_8))); // dropped
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 2, 0),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 4, 0),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, RST, 6, 0));
    assertThat(accepted).hasSize(2);
    assertThat(session.streamCount()).isEqualTo(2);

    // Once one ends, a new stream fits again.
    inbound(new YamuxFrame.WindowUpdate(2, RST, 0));
    inbound(new YamuxFrame.WindowUpdate(8, SYN, 0));
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 8, 0));
    assertThat(accepted).hasSize(3);
  }

  @Test
  void outboundStreamLimitFailsOpenStream() throws Exception {
    install(YamuxConfig.defaults().withMaxOutboundStreams(2), true);
    open();
    open();
    assertThatThrownBy(() -> open()).hasCauseInstanceOf(MuxerException.class);
  }

  @Test
  void opensBeyondTheAckBacklogWaitForAnAck() throws Exception {
    install(YamuxConfig.defaults().withMaxUnackedOutboundStreams(2), true);
    open();
    open();
    CompletableFuture<MuxedStream> third = session.openStream();
    assertThat(third).isNotDone();
    assertThat(outbound()).hasSize(2);
    inbound(new YamuxFrame.WindowUpdate(1, ACK, 0));
    assertThat(third).isCompleted();
    assertThat(third.get().id()).isEqualTo(5);
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, SYN, 5, 0));
  }

  @Test
  void halfCloseSendsFinAfterQueuedDataAndFinishesOnRemoteFin() throws Exception {
    install(YamuxConfig.defaults(), true);
    MuxedStream s = open();
    RecordingHandler h = new RecordingHandler();
    s.setHandler(h);
    outbound();
    CompletableFuture<Void> big = s.write(Unpooled.wrappedBuffer(new byte[WINDOW + 10]));
    CompletableFuture<Void> fin = s.closeWrite();
    List<Out> sent = outbound();
    assertThat(dataBytes(sent, 1)).isEqualTo(WINDOW);
    assertThat(sent).noneMatch(o -> (o.flags() & FIN) != 0);
    assertThat(fin).isNotDone();
    assertThatThrownBy(() -> s.write(Unpooled.wrappedBuffer(new byte[1])).get())
        .hasCauseInstanceOf(MuxerException.class);

    inbound(new YamuxFrame.WindowUpdate(1, ACK, 10));
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_DATA, 0, 1, 10),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, FIN, 1, 0));
    assertThat(big).isCompleted();
    assertThat(fin).isCompleted();
    assertThat(s.closeFuture()).isNotDone();

    inbound(new YamuxFrame.Data(1, FIN, Unpooled.copiedBuffer("bye", UTF_8)));
    assertThat(new String(h.bytes(), UTF_8)).isEqualTo("bye");
    assertThat(h.remoteCloseCount()).isEqualTo(1);
    assertThat(s.closeFuture()).isCompleted();
    assertThat(session.streamCount()).isZero();
  }

  @Test
  void remoteResetFailsPendingWritesAndReleasesTheirBuffers() throws Exception {
    install(YamuxConfig.defaults(), true);
    MuxedStream s = open();
    RecordingHandler h = new RecordingHandler();
    s.setHandler(h);
    CompletableFuture<Void> pending = s.write(Unpooled.wrappedBuffer(new byte[WINDOW + 100]));
    outbound();
    inbound(new YamuxFrame.WindowUpdate(1, RST, 0));
    assertThat(pending).isCompletedExceptionally();
    assertThat(h.resetCount()).isEqualTo(1);
    assertThat(s.closeFuture()).isCompleted();
    assertThat(session.bufferedBytes()).isZero();
    assertThat(session.streamCount()).isZero();
    // A frame already in flight for the dead stream is dropped quietly.
    inboundData(1, 0, 10);
    assertThat(outbound()).isEmpty();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void localResetSendsRstAndDropsHeldData() throws Exception {
    install(YamuxConfig.defaults(), true);
    inbound(new YamuxFrame.Data(2, SYN, Unpooled.copiedBuffer("held", UTF_8)));
    outbound();
    assertThat(session.bufferedBytes()).isEqualTo(4);
    accepted.get(0).reset();
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, RST, 2, 0));
    assertThat(session.bufferedBytes()).isZero();
    RecordingHandler late = new RecordingHandler();
    accepted.get(0).setHandler(late);
    assertThat(late.receivedBytes()).isZero();
    assertThat(late.resetCount()).isEqualTo(1);
  }

  @Test
  void closeSendsGoAwayAndResetsEveryStream() throws Exception {
    install(YamuxConfig.defaults(), true);
    RecordingHandler h1 = new RecordingHandler();
    RecordingHandler h2 = new RecordingHandler();
    open().setHandler(h1);
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    accepted.get(0).setHandler(h2);
    outbound();
    session.close();
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, 0));
    assertThat(channel.isActive()).isFalse();
    assertThat(h1.resetCount()).isEqualTo(1);
    assertThat(h2.resetCount()).isEqualTo(1);
    assertThat(session.closeFuture()).isCompleted();
    assertThat(session.streamCount()).isZero();
    assertThat(session.ping()).isCompletedExceptionally();
  }

  @Test
  void keepAliveClosesTheSessionWhenAPingGoesUnanswered() {
    install(YamuxConfig.defaults().withKeepAliveInterval(Duration.ofSeconds(30)), true);
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    List<Out> sent = outbound();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).type()).isEqualTo(YamuxFrame.TYPE_PING);
    inbound(new YamuxFrame.Ping(ACK, sent.get(0).length()));

    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(outbound()).extracting(Out::type).containsExactly(YamuxFrame.TYPE_PING);
    assertThat(channel.isActive()).isTrue();

    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_GO_AWAY, 0, 0, 0));
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void configValidationRejectsNonsense() {
    assertThat(YamuxConfig.defaults().validate()).isEqualTo(YamuxConfig.defaults());
    assertThatThrownBy(() -> YamuxConfig.defaults().withInitialStreamWindow(1024).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initialStreamWindow");
    assertThatThrownBy(() -> YamuxConfig.defaults().withMaxFramePayload(0).validate())
        .hasMessageContaining("maxFramePayload");
    assertThatThrownBy(
            () -> YamuxConfig.defaults().withKeepAliveInterval(Duration.ofSeconds(-1)).validate())
        .hasMessageContaining("keepAliveInterval");
    assertThatThrownBy(() -> YamuxConfig.defaults().withMaxStreamWindow(1024).validate())
        .hasMessageContaining("maxStreamWindow");
    assertThatThrownBy(() -> Yamux.create(YamuxConfig.defaults().withMaxInboundStreams(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void receiveWindowDoublesWhenUsedUpWithinFourRoundTrips() {
    install(YamuxConfig.defaults().withMaxStreamWindow(1 << 20), true);
    // The session pings once at start to learn the round-trip time.
    List<Out> start = outbound();
    assertThat(start).extracting(Out::type).containsExactly(YamuxFrame.TYPE_PING);
    clock.addAndGet(Duration.ofMillis(10).toNanos());
    inbound(new YamuxFrame.Ping(ACK, start.get(0).length()));

    RecordingHandler h = new RecordingHandler(false);
    session.setInboundStreamAcceptor(st -> st.setHandler(h));
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    outbound();
    // Half the window consumed 5 ms after the stream began (< 4 RTT): grant it back and double.
    clock.addAndGet(Duration.ofMillis(5).toNanos());
    inboundData(2, 0, WINDOW / 2);
    assertThat(outbound())
        .containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW / 2 + WINDOW));
    // Slow consumption (beyond 4 RTT) grants back without growing.
    clock.addAndGet(Duration.ofMillis(100).toNanos());
    inboundData(2, 0, WINDOW);
    assertThat(outbound()).containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW));
    // Fast again: grows to the 1 MiB maximum, and the remote may use all of it.
    clock.addAndGet(Duration.ofMillis(5).toNanos());
    inboundData(2, 0, WINDOW);
    assertThat(outbound())
        .containsExactly(new Out(YamuxFrame.TYPE_WINDOW_UPDATE, 0, 2, WINDOW + 2L * WINDOW));
    inboundData(2, 0, WINDOW / 2);
    inbound(new YamuxFrame.Data(2, 0, Unpooled.wrappedBuffer(new byte[(1 << 20) - WINDOW / 2])));
    assertThat(channel.isActive()).isTrue();
    assertThat(h.receivedBytes()).isEqualTo(WINDOW / 2 + 2L * WINDOW + (1 << 20));
  }

  @Test
  void largerInitialWindowIsAdvertisedWithSynAndAck() throws Exception {
    install(YamuxConfig.defaults().withInitialStreamWindow(1 << 20), true);
    open();
    inbound(new YamuxFrame.WindowUpdate(2, SYN, 0));
    assertThat(outbound())
        .containsExactly(
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, SYN, 1, (1 << 20) - WINDOW),
            new Out(YamuxFrame.TYPE_WINDOW_UPDATE, ACK, 2, (1 << 20) - WINDOW));
  }
}
