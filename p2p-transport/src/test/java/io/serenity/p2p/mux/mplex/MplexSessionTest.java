package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.mux.InboundStreams;
import io.serenity.p2p.mux.LeakRecorder;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.MuxerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two mplex sessions joined back to back over {@link EmbeddedChannel}s. Everything runs on the
 * test thread: {@link Pair#pump()} carries the bytes each side wrote to the other until both are
 * quiet, so every assertion after a pump sees the settled state.
 */
class MplexSessionTest {
  static {
    LeakRecorder.install();
  }

  @AfterAll
  static void noNettyLeaks() {
    LeakRecorder.assertNoLeaks();
  }


  private final List<ByteBuf> allocated = new ArrayList<>();
  private final List<Recorder> recorders = new ArrayList<>();
  private Pair pair;

  @AfterEach
  void noLeaks() {
    if (pair != null) {
      pair.close();
    }
    recorders.forEach(Recorder::release);
    for (ByteBuf buf : allocated) {
      assertThat(buf.refCnt()).as("test buffer released").isZero();
    }
  }

  @Test
  void openedStreamEchoesDataBack() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    pair.b.setInboundStreamAcceptor(stream -> stream.setHandler(new Echo()));
    MuxedStream stream = open(pair.a);
    Recorder replies = recorder(stream);

    CompletableFuture<Void> written = stream.write(buf("hello mplex"));
    pair.pump();

    assertThat(written).isCompleted();
    assertThat(replies.text()).isEqualTo("hello mplex");
    assertThat(stream.isInitiator()).isTrue();
    assertThat(pair.a.streamCount()).isEqualTo(1);
    assertThat(pair.b.streamCount()).isEqualTo(1);
  }

  @Test
  void newStreamCarriesItsIdAsDecimalNameAndDataCarriesTheRightFlag() {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    pair.a.openStream();
    pair.a.openStream().thenAccept(s -> s.write(buf("x")));

    List<MplexFrame> sent = pair.decodeOutbound(pair.chA);

    assertThat(sent).hasSize(3);
    assertThat(sent.get(0)).isEqualTo(new MplexFrame.NewStream(0, "0"));
    assertThat(sent.get(1)).isEqualTo(new MplexFrame.NewStream(1, "1"));
    assertThat(sent.get(2)).isInstanceOf(MplexFrame.Message.class);
    assertThat(sent.get(2).streamId()).isEqualTo(1);
    assertThat(sent.get(2).flag()).isEqualTo(MplexFrame.FLAG_MESSAGE_INITIATOR);
    sent.forEach(ReferenceCountUtil::release);
  }

  @Test
  void bothSidesMayUseTheSameIdForDifferentStreams() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> acceptedByA = new ArrayList<>();
    List<MuxedStream> acceptedByB = new ArrayList<>();
    pair.a.setInboundStreamAcceptor(s -> {
      acceptedByA.add(s);
      recorder(s);
    });
    pair.b.setInboundStreamAcceptor(s -> {
      acceptedByB.add(s);
      recorder(s);
    });
    MuxedStream fromA = open(pair.a);
    MuxedStream fromB = open(pair.b);
    assertThat(fromA.id()).isEqualTo(fromB.id()).isZero();

    fromA.write(buf("from a"));
    fromB.write(buf("from b"));
    pair.pump();

    assertThat(recorderOf(acceptedByB.get(0)).text()).isEqualTo("from a");
    assertThat(recorderOf(acceptedByA.get(0)).text()).isEqualTo("from b");
    assertThat(pair.a.streamCount()).isEqualTo(2);
  }

  @Test
  void halfCloseLetsTheOtherDirectionContinue() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    MuxedStream a = open(pair.a);
    Recorder atA = recorder(a);

    a.write(buf("request"));
    CompletableFuture<Void> closed = a.closeWrite();
    pair.pump();
    MuxedStream b = accepted.get(0);
    Recorder atB = recorderOf(b);

    assertThat(closed).isCompleted();
    assertThat(atB.text()).isEqualTo("request");
    assertThat(atB.remoteClosed).isTrue();
    assertThatThrownBy(() -> a.write(buf("more")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MuxerException.class);

    b.write(buf("response"));
    b.closeWrite();
    pair.pump();

    assertThat(atA.text()).isEqualTo("response");
    assertThat(atA.remoteClosed).isTrue();
    assertThat(a.closeFuture()).isCompleted();
    assertThat(b.closeFuture()).isCompleted();
    assertThat(atA.reset || atB.reset).isFalse();
    assertThat(pair.a.streamCount()).isZero();
    assertThat(pair.b.streamCount()).isZero();
  }

  @Test
  void resetAbortsBothDirectionsOnBothSides() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    MuxedStream a = open(pair.a);
    Recorder atA = recorder(a);
    pair.pump();
    MuxedStream b = accepted.get(0);

    b.reset();
    pair.pump();

    assertThat(recorderOf(b).reset).isTrue();
    assertThat(atA.reset).isTrue();
    assertThat(a.closeFuture()).isCompleted();
    assertThat(b.closeFuture()).isCompleted();
    assertThatThrownBy(() -> a.write(buf("late")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MuxerException.class);
    assertThatThrownBy(() -> b.write(buf("late")).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MuxerException.class);
    assertThat(pair.a.streamCount()).isZero();
    assertThat(pair.b.streamCount()).isZero();
    a.reset(); // idempotent
    assertThat(pair.decodeOutbound(pair.chA)).isEmpty();
  }

  @Test
  void framesForUnknownStreamsAreDroppedAndReleased() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    pair.b.setInboundStreamAcceptor(s -> s.setHandler(new Echo()));
    ByteBuf stray = buf("nobody listens");

    // Frames go straight to the session: the codec passes non-ByteBuf messages through.
    pair.chB.writeInbound(new MplexFrame.Message(42, true, stray));
    pair.chB.writeInbound(new MplexFrame.Message(42, false, Unpooled.EMPTY_BUFFER));
    pair.chB.writeInbound(new MplexFrame.Close(42, true));
    pair.chB.writeInbound(new MplexFrame.Reset(43, false));

    assertThat(stray.refCnt()).isZero();
    assertThat(pair.chB.isActive()).isTrue();
    assertThat(pair.decodeOutbound(pair.chB)).isEmpty();
    MuxedStream a = open(pair.a);
    Recorder atA = recorder(a);
    a.write(buf("still works"));
    pair.pump();
    assertThat(atA.text()).isEqualTo("still works");
  }

  @Test
  void dataAfterTheRemoteClosedResetsTheStream() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    open(pair.a);
    ByteBuf late = buf("after close");

    // A misbehaving opener: Close, then more data on stream 0.
    pair.chB.writeInbound(new MplexFrame.Close(0, true));
    pair.chB.writeInbound(new MplexFrame.Message(0, true, late));

    Recorder atB = recorderOf(accepted.get(0));
    assertThat(atB.events).containsExactly("close", "reset");
    assertThat(late.refCnt()).isZero();
    assertThat(pair.decodeOutbound(pair.chB)).containsExactly(new MplexFrame.Reset(0, false));
  }

  @Test
  void newStreamForAnIdAlreadyOpenClosesTheConnection() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    pair.b.setInboundStreamAcceptor(this::recorder);
    open(pair.a);

    pair.chB.writeInbound(new MplexFrame.NewStream(0, "again"));

    assertThat(pair.chB.isActive()).isFalse();
    assertThat(pair.b.closeFuture()).isCompleted();
  }

  @Test
  void inboundStreamIsHeldUntilAnAcceptorIsSetAndResetWhenTheAcceptorThrows() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    MuxedStream early = open(pair.a);
    Recorder atA = recorder(early);
    early.write(buf("early"));
    early.closeWrite();
    pair.pump();
    assertThat(atA.reset).isFalse();
    assertThat(pair.b.streamCount()).isEqualTo(1);

    List<MuxedStream> accepted = new ArrayList<>();
    CompletableFuture<Void> inForce = pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    assertThat(inForce).isCompleted();
    assertThat(accepted).hasSize(1);
    assertThat(recorderOf(accepted.get(0)).text()).isEqualTo("early");
    assertThat(recorderOf(accepted.get(0)).events).containsExactly("data", "close");

    pair.b.setInboundStreamAcceptor(s -> {
      throw new IllegalStateException("acceptor bug");
    });
    Recorder rejected = recorder(open(pair.a));
    assertThat(rejected.reset).isTrue();
    assertThat(pair.b.streamCount()).isEqualTo(1);
    assertThat(pair.chB.isActive()).isTrue();
  }

  @Test
  void streamsBeyondTheHoldingLimitAreResetWhileNoAcceptorIsSet() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<Recorder> atA = new ArrayList<>();
    for (int i = 0; i < InboundStreams.MAX_HELD + 2; i++) {
      atA.add(recorder(open(pair.a)));
    }
    pair.pump();
    for (int i = 0; i < atA.size(); i++) {
      assertThat(atA.get(i).reset).as("stream %d reset", i).isEqualTo(i >= InboundStreams.MAX_HELD);
    }
    assertThat(pair.b.refusedEarlyStreams()).isEqualTo(2);
    assertThat(pair.b.streamCount()).isEqualTo(InboundStreams.MAX_HELD);

    List<Long> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> accepted.add(s.id()));
    assertThat(accepted).hasSize(InboundStreams.MAX_HELD);
    assertThat(accepted).isSorted();
  }

  @Test
  void inboundStreamsBeyondTheLimitAreReset() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults().withMaxInboundStreams(2));
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    Recorder first = recorder(open(pair.a));
    Recorder second = recorder(open(pair.a));
    Recorder third = recorder(open(pair.a));
    pair.pump();

    assertThat(accepted).hasSize(2);
    assertThat(first.reset || second.reset).isFalse();
    assertThat(third.reset).isTrue();
    assertThat(pair.a.streamCount()).isEqualTo(2);
    assertThat(pair.b.streamCount()).isEqualTo(2);
  }

  @Test
  void openStreamFailsBeyondTheOutboundLimit() throws Exception {
    pair = new Pair(MplexConfig.defaults().withMaxOutboundStreams(1), MplexConfig.defaults());
    pair.b.setInboundStreamAcceptor(s -> s.setHandler(new Echo()));
    MuxedStream only = open(pair.a);

    assertThatThrownBy(() -> pair.a.openStream().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MuxerException.class)
        .hasMessageContaining("limit of 1 outbound streams");

    only.reset();
    pair.pump();
    assertThat(open(pair.a).id()).isEqualTo(1);
  }

  @Test
  void largeWritesAreSplitIntoMessagesOfAtMostTheMaximumSize() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    int size = 3 * MplexConfig.DEFAULT_MAX_MESSAGE_SIZE + 5;
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31);
    }
    pair.b.setInboundStreamAcceptor(this::recorder);
    MuxedStream a = open(pair.a);
    pair.decodeOutbound(pair.chA).forEach(ReferenceCountUtil::release);
    a.write(Unpooled.wrappedBuffer(bytes));

    List<MplexFrame> sent = pair.decodeOutbound(pair.chA);

    assertThat(sent).hasSize(4).allMatch(f -> f instanceof MplexFrame.Message);
    ByteBuf joined = Unpooled.buffer(size);
    for (MplexFrame frame : sent) {
      ByteBuf data = ((MplexFrame.Message) frame).data();
      assertThat(data.readableBytes()).isLessThanOrEqualTo(MplexConfig.DEFAULT_MAX_MESSAGE_SIZE);
      joined.writeBytes(data);
      data.release();
    }
    assertThat(joined.array()).isEqualTo(bytes);
    joined.release();
  }

  @Test
  void frameAboveOneMebibyteClosesTheConnectionAndResetsItsStreams() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    open(pair.a);
    pair.pump();
    ByteBuf header = Unpooled.buffer();
    MplexFrameCodec.writeUvarint(header, 0L << 3 | MplexFrame.FLAG_MESSAGE_INITIATOR);
    MplexFrameCodec.writeUvarint(header, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE + 1L);

    pair.chB.writeInbound(header);

    assertThat(header.refCnt()).isZero();
    assertThat(pair.chB.isActive()).isFalse();
    assertThat(pair.b.closeFuture()).isCompleted();
    assertThat(recorderOf(accepted.get(0)).reset).isTrue();
    assertThat(pair.b.streamCount()).isZero();
  }

  @Test
  void slowReaderIsResetWhenItsBufferLimitIsExceeded() throws Exception {
    int limit = 10_000;
    pair = new Pair(MplexConfig.defaults(),
        MplexConfig.defaults().withMaxBufferedBytesPerStream(limit));
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add); // never installs a handler: a slow reader
    MuxedStream a = open(pair.a);
    Recorder atA = recorder(a);

    ByteBuf withinLimit = Unpooled.wrappedBuffer(new byte[limit]);
    allocated.add(withinLimit);
    a.write(withinLimit);
    pair.pump();
    assertThat(atA.reset).isFalse();

    ByteBuf overLimit = Unpooled.wrappedBuffer(new byte[1]);
    allocated.add(overLimit);
    a.write(overLimit);
    pair.pump();

    assertThat(atA.reset).isTrue();
    assertThat(accepted.get(0).closeFuture()).isCompleted();
    assertThat(pair.b.streamCount()).isZero();
    Recorder late = recorder(accepted.get(0));
    assertThat(late.reset).as("a handler installed later learns of the reset").isTrue();
    assertThat(late.text()).isEmpty();
  }

  @Test
  void dataHeldForALateHandlerIsDeliveredInOrderBeforeTheRemoteClose() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add);
    MuxedStream a = open(pair.a);
    a.write(buf("one "));
    a.write(buf("two"));
    a.closeWrite();
    pair.pump();

    Recorder atB = recorder(accepted.get(0));

    assertThat(atB.text()).isEqualTo("one two");
    assertThat(atB.remoteClosed).isTrue();
    assertThat(atB.events).containsExactly("data", "data", "close");
  }

  @Test
  void aPausedReaderGetsNothingUntilItResumesThenAllInOrderAndIsResetPastTheBufferLimit() throws Exception {
    int limit = 10_000;
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults().withMaxBufferedBytesPerStream(limit));
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add);
    MuxedStream a = open(pair.a);
    Recorder atB = recorder(accepted.get(0));
    accepted.get(0).setReadPaused(true);
    a.write(buf("one "));
    a.write(buf("two"));
    a.closeWrite();
    pair.pump();
    assertThat(atB.events).as("held while paused, the close behind the data").isEmpty();

    accepted.get(0).setReadPaused(false);
    pair.pump();
    assertThat(atB.text()).isEqualTo("one two");
    assertThat(atB.events).containsExactly("data", "data", "close");

    // mplex has no flow control: a paused reader holds up to the buffer limit, then the stream is reset
    MuxedStream second = open(pair.a);
    Recorder atA = recorder(second);
    pair.pump();
    accepted.get(1).setReadPaused(true);
    recorder(accepted.get(1));
    ByteBuf over = Unpooled.wrappedBuffer(new byte[limit + 1]);
    allocated.add(over);
    second.write(over);
    pair.pump();
    assertThat(atA.reset).isTrue();
  }

  @Test
  void aReaderBehindHoldsTheConnectionsReadsUntilItIsDownToHalf() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add);
    MuxedStream a = open(pair.a);
    MuxedStream atB = accepted.get(0);
    Recorder seen = recorder(atB);
    assertThat(atB.creditOnConsume(1000)).as("mplex holds the sender back for the reader").isTrue();

    a.write(buf("x".repeat(999)));
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).as("999 unconsumed bytes: still reading").isTrue();
    a.write(buf("y"));
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).as("1000 unconsumed bytes: reads held").isFalse();
    assertThat(seen.received.readableBytes()).isEqualTo(1000);

    atB.consumed(499); // 501 left: more than half
    assertThat(pair.chB.config().isAutoRead()).isFalse();
    atB.consumed(1); // 500 left: half
    assertThat(pair.chB.config().isAutoRead()).as("down to half: reading again").isTrue();
    assertThat(MplexConfig.defaults().readHoldTimeout()).isEqualTo(MplexConfig.DEFAULT_READ_HOLD_TIMEOUT);
  }

  @Test
  void aStreamThatHoldsTheReadsPastTheTimeoutIsResetAndTheConnectionReadsAgain() throws Exception {
    java.time.Duration timeout = java.time.Duration.ofSeconds(3);
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults().withReadHoldTimeout(timeout));
    // the clock moves only when the test moves it: a millisecond of real time must not fire the timeout
    pair.chB.freezeTime();
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add);
    MuxedStream a = open(pair.a);
    Recorder atA = recorder(a);
    MuxedStream other = open(pair.a);
    Recorder otherAtB = recorder(accepted.get(1));
    recorder(accepted.get(0));
    accepted.get(0).creditOnConsume(100);
    long resetsBefore = Mplex.readHoldResets();

    a.write(buf("z".repeat(100)));
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).isFalse();
    pair.chB.advanceTimeBy(timeout.toMillis() - 1, TimeUnit.MILLISECONDS);
    pair.chB.runScheduledPendingTasks();
    assertThat(pair.chB.config().isAutoRead()).as("still within the timeout").isFalse();
    pair.chB.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    pair.chB.runScheduledPendingTasks();
    pair.pump();

    assertThat(atA.reset).as("the stuck stream is reset").isTrue();
    assertThat(Mplex.readHoldResets()).isEqualTo(resetsBefore + 1);
    assertThat(pair.chB.config().isAutoRead()).as("the connection reads again").isTrue();
    other.write(buf("still here"));
    pair.pump();
    assertThat(otherAtB.text()).isEqualTo("still here");
  }

  @Test
  void aResetOrARemoteCloseReleasesTheReads() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(accepted::add);
    MuxedStream first = open(pair.a);
    MuxedStream second = open(pair.a);
    recorder(accepted.get(0));
    recorder(accepted.get(1));
    accepted.get(0).creditOnConsume(10);
    accepted.get(1).creditOnConsume(10);

    first.write(buf("0123456789"));
    second.write(buf("0123456789"));
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).isFalse();
    first.reset();
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).as("the second stream still holds the reads").isFalse();
    second.closeWrite();
    pair.pump();
    assertThat(pair.chB.config().isAutoRead()).as("nothing more can come on a closed stream").isTrue();
  }

  @Test
  void writeCompletesOnlyWhenTheChannelWriteCompletes() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    pair.b.setInboundStreamAcceptor(s -> s.setHandler(new Echo()));
    MuxedStream a = open(pair.a);
    Gate gate = new Gate();
    pair.chA.pipeline().addFirst(gate);

    CompletableFuture<Void> written = a.write(buf("held"));
    assertThat(written).isNotDone();

    gate.open();
    assertThat(written).isCompleted();
  }

  @Test
  void closingTheConnectionResetsEveryStream() throws Exception {
    pair = new Pair(MplexConfig.defaults(), MplexConfig.defaults());
    List<MuxedStream> accepted = new ArrayList<>();
    pair.b.setInboundStreamAcceptor(s -> {
      accepted.add(s);
      recorder(s);
    });
    Recorder one = recorder(open(pair.a));
    Recorder two = recorder(open(pair.a));
    pair.pump();

    pair.a.close();
    pair.chB.close(); // the socket closing under B

    assertThat(one.reset && two.reset).isTrue();
    assertThat(accepted).allMatch(s -> recorderOf(s).reset);
    assertThat(pair.a.closeFuture()).isCompleted();
    assertThat(pair.a.streamCount()).isZero();
    assertThatThrownBy(() -> pair.a.openStream().get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MuxerException.class);
  }

  // ---- helpers ----

  private ByteBuf buf(String s) {
    ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    allocated.add(buf);
    return buf;
  }

  private MuxedStream open(MuxedConnection connection) throws Exception {
    CompletableFuture<MuxedStream> opened = connection.openStream();
    pair.pump();
    return opened.get(5, TimeUnit.SECONDS);
  }

  private Recorder recorder(MuxedStream stream) {
    Recorder recorder = new Recorder();
    recorders.add(recorder);
    stream.setHandler(recorder);
    recorder.stream = stream;
    return recorder;
  }

  private Recorder recorderOf(MuxedStream stream) {
    return recorders.stream().filter(r -> r.stream == stream).findFirst().orElseThrow();
  }

  /** Two sessions and the channels under them. */
  static final class Pair {
    final EmbeddedChannel chA = new EmbeddedChannel();
    final EmbeddedChannel chB = new EmbeddedChannel();
    final MuxedConnection a;
    final MuxedConnection b;

    Pair(MplexConfig configA, MplexConfig configB) {
      a = new Mplex(configA).install(chA, true);
      b = new Mplex(configB).install(chB, false);
    }

    /** Moves bytes both ways until neither side has anything left to send. */
    void pump() {
      for (int round = 0; round < 10_000; round++) {
        boolean moved = transfer(chA, chB) | transfer(chB, chA);
        if (!moved) {
          return;
        }
      }
      throw new AssertionError("sessions did not go quiet");
    }

    /** Takes what {@code ch} wrote and decodes it into frames, for wire-level assertions. */
    List<MplexFrame> decodeOutbound(EmbeddedChannel ch) {
      EmbeddedChannel decoder = new EmbeddedChannel(
          new MplexFrameCodec(MplexConfig.DEFAULT_MAX_MESSAGE_SIZE));
      ch.runPendingTasks(); // the session flushes once per event-loop turn
      for (Object msg; (msg = ch.readOutbound()) != null; ) {
        decoder.writeInbound(msg);
      }
      List<MplexFrame> frames = new ArrayList<>();
      for (Object frame; (frame = decoder.readInbound()) != null; ) {
        frames.add((MplexFrame) frame);
      }
      assertThat(decoder.finish()).isFalse();
      return frames;
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
      boolean moved = false;
      from.runPendingTasks(); // the session flushes once per event-loop turn
      for (Object msg; (msg = from.readOutbound()) != null; ) {
        moved = true;
        if (to.isActive()) {
          to.writeInbound(msg);
        } else {
          ReferenceCountUtil.release(msg);
        }
      }
      return moved;
    }

    void close() {
      chA.finishAndReleaseAll();
      chB.finishAndReleaseAll();
    }
  }

  /** Records what a stream's handler saw. */
  static final class Recorder implements MuxedStreamHandler {
    final ByteBuf received = Unpooled.buffer();
    final List<String> events = new ArrayList<>();
    MuxedStream stream;
    boolean remoteClosed;
    boolean reset;

    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      events.add("data");
      received.writeBytes(data);
      data.release();
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      events.add("close");
      remoteClosed = true;
    }

    @Override
    public void onReset(MuxedStream stream) {
      events.add("reset");
      reset = true;
    }

    String text() {
      return received.toString(StandardCharsets.UTF_8);
    }

    void release() {
      received.release();
    }
  }

  /** Writes every chunk back on the same stream. */
  static final class Echo implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      stream.write(data);
    }
  }

  /** Holds writes (and their promises) until opened: a socket that is not draining. */
  static final class Gate extends ChannelOutboundHandlerAdapter {
    private final List<Object> held = new ArrayList<>();
    private final List<ChannelPromise> promises = new ArrayList<>();
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(msg);
      promises.add(promise);
    }

    void open() {
      for (int i = 0; i < held.size(); i++) {
        ctx.write(held.get(i), promises.get(i));
      }
      ctx.flush();
      held.clear();
      promises.clear();
    }
  }
}
