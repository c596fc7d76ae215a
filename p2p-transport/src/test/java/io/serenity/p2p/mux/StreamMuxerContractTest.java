package io.serenity.p2p.mux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every stream muxer (yamux, mplex) must share, run over a real asynchronous channel
 * pair. A muxer's test subclasses this and supplies {@link #muxer()}.
 */
public abstract class StreamMuxerContractTest {
  static {
    LeakRecorder.install();
  }

  private static final long AWAIT_SECONDS = 10;

  private final List<MuxerPair> pairs = new ArrayList<>();

  /** The muxer under test; a fresh or shared instance, both ends use it. */
  protected abstract StreamMuxer muxer();

  /**
   * Bytes the muxer holds for this connection (unread inbound plus queued outbound), preferably the
   * peak since the connection opened, or -1 when the muxer does not expose it. Sampled during the
   * large transfer to prove bounded memory.
   */
  protected long bufferedBytes(MuxedConnection connection) {
    return -1;
  }

  /**
   * Upper bound on bytes written (write future completed) but not yet consumed by the remote
   * handler during the large transfer: a few flow-control windows, far below the transfer size.
   */
  protected long inFlightBound() {
    return 4L << 20;
  }

  protected MuxerPair pair(
      Consumer<MuxedStream> dialerAcceptor, Consumer<MuxedStream> listenerAcceptor)
      throws Exception {
    MuxerPair p = new MuxerPair(muxer(), dialerAcceptor, listenerAcceptor);
    pairs.add(p);
    return p;
  }

  protected static Consumer<MuxedStream> echoAcceptor() {
    return s -> s.setHandler(new EchoHandler());
  }

  protected static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(AWAIT_SECONDS, TimeUnit.SECONDS);
  }

  protected static ByteBuf utf8(String s) {
    return Unpooled.copiedBuffer(s, UTF_8);
  }

  @AfterEach
  void closePairs() throws Exception {
    for (MuxerPair p : pairs) {
      p.close();
    }
    pairs.clear();
  }

  @AfterAll
  static void noLeaks() {
    LeakRecorder.assertNoLeaks();
  }

  @Test
  void openedStreamEchoesAndBothEndsSeeTheRightRoles() throws Exception {
    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              s.setHandler(new EchoHandler());
              accepted.complete(s);
            });
    assertThat(p.dialer().protocolId()).isEqualTo(muxer().protocolId());

    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler h = new RecordingHandler();
    stream.setHandler(h);
    await(stream.write(utf8("hello ")));
    await(stream.write(utf8("muxer")));
    await(stream.closeWrite());

    assertThat(await(h.remoteClosed)).isEqualTo(11);
    assertThat(new String(h.bytes(), UTF_8)).isEqualTo("hello muxer");
    MuxedStream remote = await(accepted);
    assertThat(stream.isInitiator()).isTrue();
    assertThat(remote.isInitiator()).isFalse();
    assertThat(remote.id()).isEqualTo(stream.id());
    assertThat(stream.connection()).isSameAs(p.dialer());
    assertThat(remote.connection()).isSameAs(p.listener());
    await(stream.closeFuture());
    await(remote.closeFuture());
    assertThat(h.resetCount()).isZero();
    assertThat(h.misuse()).isNull();
  }

  @Test
  void streamCountFollowsOpenAndClose() throws Exception {
    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              s.setHandler(new EchoHandler());
              accepted.complete(s);
            });
    assertThat(p.dialer().streamCount()).isZero();
    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler h = new RecordingHandler();
    stream.setHandler(h);
    await(stream.write(utf8("x")));
    MuxedStream remote = await(accepted);
    assertThat(p.dialer().streamCount()).isEqualTo(1);
    assertThat(p.listener().streamCount()).isEqualTo(1);

    await(stream.closeWrite());
    await(h.remoteClosed);
    await(stream.closeFuture());
    await(remote.closeFuture());
    assertThat(p.dialer().streamCount()).isZero();
    assertThat(p.listener().streamCount()).isZero();
  }

  @Test
  void bothSidesOpenStreamsConcurrently() throws Exception {
    MuxerPair p = pair(echoAcceptor(), echoAcceptor());
    int perSide = 50;
    List<CompletableFuture<MuxedStream>> dialerOpens = new ArrayList<>();
    List<CompletableFuture<MuxedStream>> listenerOpens = new ArrayList<>();
    for (int i = 0; i < perSide; i++) {
      dialerOpens.add(p.dialer().openStream());
      listenerOpens.add(p.listener().openStream());
    }
    List<CompletableFuture<Long>> closes = new ArrayList<>();
    List<RecordingHandler> handlers = new ArrayList<>();
    Set<Long> dialerIds = new HashSet<>();
    Set<Long> listenerIds = new HashSet<>();
    for (int i = 0; i < perSide; i++) {
      for (boolean fromDialer : new boolean[] {true, false}) {
        MuxedStream s = await(fromDialer ? dialerOpens.get(i) : listenerOpens.get(i));
        assertThat((fromDialer ? dialerIds : listenerIds).add(s.id())).isTrue();
        RecordingHandler h = new RecordingHandler();
        s.setHandler(h);
        s.write(utf8((fromDialer ? "d" : "l") + i));
        s.closeWrite();
        handlers.add(h);
        closes.add(h.remoteClosed);
      }
    }
    CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
        .get(AWAIT_SECONDS, TimeUnit.SECONDS);
    for (int i = 0; i < handlers.size(); i++) {
      String expected = (i % 2 == 0 ? "d" : "l") + (i / 2);
      assertThat(new String(handlers.get(i).bytes(), UTF_8)).isEqualTo(expected);
    }
  }

  @Test
  void halfCloseLetsTheOtherDirectionContinue() throws Exception {
    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    RecordingHandler listenerHandler = new RecordingHandler();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              s.setHandler(listenerHandler);
              accepted.complete(s);
            });
    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler dialerHandler = new RecordingHandler();
    stream.setHandler(dialerHandler);
    await(stream.write(utf8("request")));
    await(stream.closeWrite());

    // The listener sees the data, then the half-close, and can still answer.
    assertThat(await(listenerHandler.remoteClosed)).isEqualTo(7);
    MuxedStream remote = await(accepted);
    assertThat(remote.closeFuture()).isNotDone();
    await(remote.write(utf8("response part 1, ")));
    await(remote.write(utf8("part 2")));
    assertThatThrownBy(() -> await(stream.write(utf8("late"))))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MuxerException.class);
    await(remote.closeWrite());

    assertThat(await(dialerHandler.remoteClosed)).isEqualTo(23);
    assertThat(new String(dialerHandler.bytes(), UTF_8)).isEqualTo("response part 1, part 2");
    assertThat(new String(listenerHandler.bytes(), UTF_8)).isEqualTo("request");
    await(stream.closeFuture());
    await(remote.closeFuture());
    assertThat(dialerHandler.resetCount()).isZero();
    assertThat(listenerHandler.resetCount()).isZero();
    assertThat(listenerHandler.remoteCloseCount()).isEqualTo(1);
  }

  @Test
  void resetByOpenerReachesTheRemoteAndFailsWrites() throws Exception {
    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    RecordingHandler listenerHandler = new RecordingHandler().awaitBytes(5);
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              s.setHandler(listenerHandler);
              accepted.complete(s);
            });
    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler dialerHandler = new RecordingHandler();
    stream.setHandler(dialerHandler);
    await(stream.write(utf8("first")));
    await(listenerHandler.gotAwaitedBytes);

    stream.reset();
    await(listenerHandler.reset);
    await(dialerHandler.reset);
    MuxedStream remote = await(accepted);
    await(remote.closeFuture());
    await(stream.closeFuture());
    assertThatThrownBy(() -> await(stream.write(utf8("after reset"))))
        .hasCauseInstanceOf(MuxerException.class);
    assertThatThrownBy(() -> await(remote.write(utf8("after reset"))))
        .hasCauseInstanceOf(MuxerException.class);
    stream.reset(); // idempotent
    assertThat(dialerHandler.resetCount()).isEqualTo(1);
    assertThat(listenerHandler.resetCount()).isEqualTo(1);
    assertThat(listenerHandler.remoteCloseCount()).isZero();
  }

  @Test
  void resetByAcceptorReachesTheOpener() throws Exception {
    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    RecordingHandler listenerHandler = new RecordingHandler().awaitBytes(3);
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              s.setHandler(listenerHandler);
              accepted.complete(s);
            });
    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler dialerHandler = new RecordingHandler();
    stream.setHandler(dialerHandler);
    await(stream.write(utf8("abc")));
    await(listenerHandler.gotAwaitedBytes);
    await(accepted).reset();

    await(dialerHandler.reset);
    await(stream.closeFuture());
    assertThatThrownBy(() -> await(stream.write(utf8("after reset"))))
        .hasCauseInstanceOf(MuxerException.class);
    assertThat(dialerHandler.remoteCloseCount()).isZero();
  }

  @Test
  @Timeout(60)
  void thousandConcurrentStreamsEachEcho64KiB() throws Exception {
    MuxerPair p = pair(s -> s.reset(), echoAcceptor());
    int streams = 1000;
    int size = 64 * 1024;
    Random random = new Random(42);
    List<CompletableFuture<Long>> done = new ArrayList<>();
    List<Long> expectedCrcs = new ArrayList<>();
    List<RecordingHandler> handlers = new ArrayList<>();
    List<CompletableFuture<MuxedStream>> opens = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      opens.add(p.dialer().openStream());
    }
    for (int i = 0; i < streams; i++) {
      MuxedStream s = await(opens.get(i));
      RecordingHandler h = new RecordingHandler(false);
      s.setHandler(h);
      byte[] payload = new byte[size];
      random.nextBytes(payload);
      CRC32C crc = new CRC32C();
      crc.update(payload);
      expectedCrcs.add(crc.getValue());
      // Two writes per stream so the echo crosses frame and window boundaries.
      s.write(Unpooled.wrappedBuffer(payload, 0, size / 2));
      s.write(Unpooled.wrappedBuffer(payload, size / 2, size - size / 2));
      s.closeWrite();
      handlers.add(h);
      done.add(h.remoteClosed);
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
    for (int i = 0; i < streams; i++) {
      assertThat(handlers.get(i).receivedBytes()).as("stream %d length", i).isEqualTo(size);
      assertThat(handlers.get(i).crc()).as("stream %d checksum", i).isEqualTo(expectedCrcs.get(i));
      assertThat(handlers.get(i).resetCount()).isZero();
    }
  }

  @Test
  @Timeout(60)
  void largeTransferKeepsMemoryBounded() throws Exception {
    long total = 256L << 20;
    int chunk = 64 * 1024;
    AtomicLong consumed = new AtomicLong();
    CRC32C receiverCrc = new CRC32C();
    CompletableFuture<Long> receiverDone = new CompletableFuture<>();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s ->
                s.setHandler(
                    new MuxedStreamHandler() {
                      @Override
                      public void onData(MuxedStream stream, ByteBuf data) {
                        try {
                          receiverCrc.update(data.nioBuffer());
                          consumed.addAndGet(data.readableBytes());
                        } finally {
                          data.release();
                        }
                      }

                      @Override
                      public void onRemoteClose(MuxedStream stream) {
                        receiverDone.complete(receiverCrc.getValue());
                        stream.closeWrite();
                      }

                      @Override
                      public void onReset(MuxedStream stream) {
                        receiverDone.completeExceptionally(new AssertionError("reset"));
                      }
                    }));
    MuxedStream stream = await(p.dialer().openStream());
    stream.setHandler(new RecordingHandler());
    byte[] pattern = new byte[1 << 20];
    new Random(7).nextBytes(pattern);
    CRC32C senderCrc = new CRC32C();
    long maxInFlight = 0;
    long maxBuffered = 0;
    long start = System.nanoTime();
    for (long sent = 0; sent < total; sent += chunk) {
      int offset = (int) (sent % pattern.length);
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(chunk);
      buf.writeBytes(pattern, offset, chunk);
      senderCrc.update(pattern, offset, chunk);
      stream.write(buf).get(AWAIT_SECONDS, TimeUnit.SECONDS);
      maxInFlight = Math.max(maxInFlight, sent + chunk - consumed.get());
      maxBuffered =
          Math.max(maxBuffered, Math.max(bufferedBytes(p.dialer()), bufferedBytes(p.listener())));
    }
    await(stream.closeWrite());
    long crc = receiverDone.get(30, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "%s: 256 MiB in %d ms (%.1f MiB/s), max in flight %d bytes, max buffered %d bytes%n",
        getClass().getSimpleName(),
        elapsed.toMillis(),
        256.0 / (elapsed.toNanos() / 1e9),
        maxInFlight,
        maxBuffered);
    assertThat(consumed.get()).isEqualTo(total);
    assertThat(crc).isEqualTo(senderCrc.getValue());
    assertThat(maxInFlight).isLessThanOrEqualTo(inFlightBound());
    assertThat(maxBuffered).isLessThanOrEqualTo(inFlightBound());
  }

  @Test
  void closingTheConnectionResetsEveryStreamOnBothSides() throws Exception {
    int n = 10;
    List<RecordingHandler> listenerHandlers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      listenerHandlers.add(new RecordingHandler().awaitBytes(2));
    }
    java.util.concurrent.atomic.AtomicInteger acceptedCount =
        new java.util.concurrent.atomic.AtomicInteger();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> s.setHandler(listenerHandlers.get(acceptedCount.getAndIncrement())));
    List<RecordingHandler> dialerHandlers = new ArrayList<>();
    List<MuxedStream> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MuxedStream s = await(p.dialer().openStream());
      RecordingHandler h = new RecordingHandler();
      s.setHandler(h);
      await(s.write(utf8("s" + i)));
      dialerHandlers.add(h);
      streams.add(s);
    }
    for (RecordingHandler h : listenerHandlers) {
      await(h.gotAwaitedBytes);
    }

    p.dialer().close();

    for (RecordingHandler h : dialerHandlers) {
      await(h.reset);
    }
    for (RecordingHandler h : listenerHandlers) {
      await(h.reset);
    }
    for (MuxedStream s : streams) {
      await(s.closeFuture());
      assertThatThrownBy(() -> await(s.write(utf8("x")))).hasCauseInstanceOf(MuxerException.class);
    }
    await(p.dialer().closeFuture());
    await(p.listener().closeFuture());
    assertThat(p.dialer().streamCount()).isZero();
    assertThat(p.listener().streamCount()).isZero();
    assertThatThrownBy(() -> await(p.dialer().openStream()))
        .hasCauseInstanceOf(MuxerException.class);
    assertThatThrownBy(() -> await(p.listener().openStream()))
        .hasCauseInstanceOf(MuxerException.class);
  }

  @Test
  void handlerSetLateReceivesBufferedDataInOrder() throws Exception {
    CompletableFuture<MuxedStream> first = new CompletableFuture<>();
    RecordingHandler late = new RecordingHandler();
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              if (!first.isDone()) {
                first.complete(s); // no handler yet: its data must be held
              } else {
                // Frames are ordered on the connection: by the time the second stream arrives,
                // everything written on the first one (and its half-close) has been received.
                first.join().setHandler(late);
                s.reset();
              }
            });
    MuxedStream stream = await(p.dialer().openStream());
    stream.setHandler(new RecordingHandler());
    for (int i = 0; i < 5; i++) {
      await(stream.write(utf8("part" + i + ";")));
    }
    await(stream.closeWrite());
    MuxedStream second = await(p.dialer().openStream());
    second.setHandler(new RecordingHandler());

    assertThat(await(late.remoteClosed)).isEqualTo(30);
    assertThat(new String(late.bytes(), UTF_8)).isEqualTo("part0;part1;part2;part3;part4;");
    assertThat(late.misuse()).isNull();
  }

  @Test
  void acceptorSetAfterInstallStillSeesEarlyStreams() throws Exception {
    MuxerPair p = pair(s -> s.reset(), null); // the listener has no acceptor yet
    MuxedStream stream = await(p.dialer().openStream());
    RecordingHandler h = new RecordingHandler();
    stream.setHandler(h);
    await(stream.write(utf8("ok")));
    await(stream.closeWrite());

    // The listener has processed the stream's opening, its data and its half-close: all early.
    await(p.listenerCaughtUp());
    assertThat(p.listener().streamCount()).isEqualTo(1);
    assertThat(h.remoteClosed).isNotDone();
    assertThat(h.reset).isNotDone();

    CompletableFuture<MuxedStream> accepted = new CompletableFuture<>();
    await(
        p.listener()
            .setInboundStreamAcceptor(
                s -> {
                  s.setHandler(new EchoHandler());
                  accepted.complete(s);
                }));
    assertThat(accepted).as("held streams are handed over before the acceptor is in force").isDone();
    assertThat(await(accepted).id()).isEqualTo(stream.id());
    assertThat(await(h.remoteClosed)).isEqualTo(2);
    assertThat(new String(h.bytes(), UTF_8)).isEqualTo("ok");
    assertThat(h.resetCount()).isZero();
    assertThat(p.listener().refusedEarlyStreams()).isZero();
  }

  @Test
  void earlyStreamsAreHandedOverInOrderAndThoseBeyondTheHoldingLimitAreReset() throws Exception {
    int held = InboundStreams.MAX_HELD;
    int extra = 3;
    MuxerPair p = pair(s -> s.reset(), null);
    List<MuxedStream> streams = new ArrayList<>();
    List<RecordingHandler> handlers = new ArrayList<>();
    for (int i = 0; i < held + extra; i++) {
      MuxedStream s = await(p.dialer().openStream());
      RecordingHandler h = new RecordingHandler();
      s.setHandler(h);
      if (i < held) {
        await(s.write(utf8("s" + i)));
        await(s.closeWrite());
      }
      streams.add(s);
      handlers.add(h);
    }
    // Streams reach the listener in the order they were opened: the last ones find it full.
    for (int i = held; i < held + extra; i++) {
      await(handlers.get(i).reset);
    }
    await(p.listenerCaughtUp());
    assertThat(p.listener().refusedEarlyStreams()).isEqualTo(extra);
    assertThat(p.listener().streamCount()).isEqualTo(held);

    List<Long> acceptedIds = Collections.synchronizedList(new ArrayList<>());
    await(
        p.listener()
            .setInboundStreamAcceptor(
                s -> {
                  acceptedIds.add(s.id());
                  s.setHandler(new EchoHandler());
                }));
    assertThat(acceptedIds)
        .containsExactlyElementsOf(streams.subList(0, held).stream().map(MuxedStream::id).toList());
    for (int i = 0; i < held; i++) {
      assertThat(await(handlers.get(i).remoteClosed)).isEqualTo(("s" + i).length());
      assertThat(new String(handlers.get(i).bytes(), UTF_8)).isEqualTo("s" + i);
      assertThat(handlers.get(i).resetCount()).isZero();
    }
  }

  @Test
  void replacedAcceptorTakesEveryStreamOpenedAfterItIsInForce() throws Exception {
    List<Long> byOld = Collections.synchronizedList(new ArrayList<>());
    List<Long> byNew = Collections.synchronizedList(new ArrayList<>());
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              byOld.add(s.id());
              s.setHandler(new EchoHandler());
            });
    MuxedStream before = await(p.dialer().openStream());
    RecordingHandler beforeHandler = new RecordingHandler();
    before.setHandler(beforeHandler);
    await(before.write(utf8("old")));
    await(p.listenerCaughtUp());
    assertThat(byOld).containsExactly(before.id());

    await(
        p.listener()
            .setInboundStreamAcceptor(
                s -> {
                  byNew.add(s.id());
                  s.setHandler(new EchoHandler());
                }));
    MuxedStream after = await(p.dialer().openStream());
    RecordingHandler afterHandler = new RecordingHandler();
    after.setHandler(afterHandler);
    await(after.write(utf8("new")));
    await(after.closeWrite());
    await(before.closeWrite());

    // The stream the old acceptor took stays with it and is served to the end.
    assertThat(await(beforeHandler.remoteClosed)).isEqualTo(3);
    assertThat(await(afterHandler.remoteClosed)).isEqualTo(3);
    assertThat(new String(beforeHandler.bytes(), UTF_8)).isEqualTo("old");
    assertThat(new String(afterHandler.bytes(), UTF_8)).isEqualTo("new");
    assertThat(byOld).containsExactly(before.id());
    assertThat(byNew).containsExactly(after.id());
  }

  @Test
  void acceptorReplacedWhileStreamsArriveTakesOverAtOnePointAndNoStreamIsStranded()
      throws Exception {
    List<Long> byOld = Collections.synchronizedList(new ArrayList<>());
    List<Long> byNew = Collections.synchronizedList(new ArrayList<>());
    MuxerPair p =
        pair(
            s -> s.reset(),
            s -> {
              byOld.add(s.id());
              s.setHandler(new EchoHandler());
            });
    int n = 40;
    List<CompletableFuture<MuxedStream>> opens = new ArrayList<>();
    CompletableFuture<Void> swapped = null;
    for (int i = 0; i < n; i++) {
      if (i == n / 2) {
        // From this (non-event-loop) thread, while the first streams are still on their way.
        swapped =
            p.listener()
                .setInboundStreamAcceptor(
                    s -> {
                      byNew.add(s.id());
                      s.setHandler(new EchoHandler());
                    });
      }
      opens.add(p.dialer().openStream());
    }
    await(swapped);
    MuxedStream last = await(p.dialer().openStream()); // opened once the swap is in force
    opens.add(CompletableFuture.completedFuture(last));
    List<RecordingHandler> handlers = new ArrayList<>();
    for (CompletableFuture<MuxedStream> open : opens) {
      MuxedStream s = await(open);
      RecordingHandler h = new RecordingHandler();
      s.setHandler(h);
      s.write(utf8("x" + s.id()));
      s.closeWrite();
      handlers.add(h);
    }
    for (int i = 0; i < handlers.size(); i++) {
      MuxedStream s = await(opens.get(i));
      assertThat(await(handlers.get(i).remoteClosed)).as("echo on stream %d", s.id()).isPositive();
      assertThat(new String(handlers.get(i).bytes(), UTF_8)).isEqualTo("x" + s.id());
    }
    // Each stream went to exactly one acceptor, and the new one took over from one stream on.
    assertThat(byOld.size() + byNew.size()).isEqualTo(n + 1);
    assertThat(byNew).contains(last.id());
    if (!byOld.isEmpty()) {
      assertThat(Collections.max(byOld)).isLessThan(Collections.min(byNew));
    }
  }
}
