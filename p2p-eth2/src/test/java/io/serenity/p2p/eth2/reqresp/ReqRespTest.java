package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import io.serenity.p2p.host.TestHosts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class ReqRespTest {

  private static final Bytes4 DIGEST = Bytes4.fromHex("6a95a1a9");
  private static final Bytes4 OTHER_DIGEST = Bytes4.fromHex("bba4da96");

  private final TestHosts hosts = new TestHosts();
  private final List<ReqResp> rrs = new ArrayList<>();

  @AfterEach
  void close() {
    rrs.forEach(ReqResp::close);
    hosts.close();
  }

  private ReqResp node(ReqRespConfig config) {
    ReqResp rr = ReqResp.create(hosts.start(), config);
    rrs.add(rr);
    return rr;
  }

  private static StatusMessage status(Bytes4 digest, long slot) {
    byte[] root = new byte[32];
    root[0] = (byte) slot;
    return new StatusMessage(digest, Bytes32.ZERO, 0, new Bytes32(root), slot);
  }

  private static void connect(ReqResp from, ReqResp to) {
    await(from.host().connect(TestHosts.dialAddr(to.host())));
  }

  private static PeerId id(ReqResp rr) {
    return rr.host().peerId();
  }

  private static ReqRespException failure(CompletableFuture<?> f) {
    try {
      f.get(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      assertThat(c).isInstanceOf(ReqRespException.class);
      return (ReqRespException) c;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  private static CompletableFuture<StatusMessage> nextStatus(ReqResp rr) {
    CompletableFuture<StatusMessage> f = new CompletableFuture<>();
    rr.addListener(e -> {
      if (e instanceof ReqRespEvent.StatusReceived s) {
        f.complete(s.status());
      }
    });
    return f;
  }

  private static CompletableFuture<Void> disconnected(Host h) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    h.addListener(e -> {
      if (e instanceof HostEvent.PeerDisconnected) {
        f.complete(null);
      }
    });
    return f;
  }

  @Test
  void dialerSendsStatusOnConnectAndBothSidesKeepThePeersStatus() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    a.setStatus(status(DIGEST, 10));
    b.setStatus(status(DIGEST, 20));
    CompletableFuture<StatusMessage> aSaw = nextStatus(a);
    CompletableFuture<StatusMessage> bSaw = nextStatus(b);
    connect(a, b);
    assertThat(await(aSaw)).isEqualTo(status(DIGEST, 20));
    assertThat(await(bSaw)).isEqualTo(status(DIGEST, 10));
    assertThat(a.status(id(b))).contains(status(DIGEST, 20));
    assertThat(b.status(id(a))).contains(status(DIGEST, 10));
    assertThat(a.host().connection(id(b))).isPresent();
  }

  @Test
  void pingAndMetaDataAnswerWithTheValuesTheClientSet() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    MetaData md = new MetaData(7, Bitvector.of(64, 0, 5, 63), Bitvector.of(4, 2));
    b.setMetaData(md);
    a.setMetaData(MetaData.empty(3));
    List<Long> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    a.addListener(e -> {
      if (e instanceof ReqRespEvent.MetaDataChanged c) {
        changes.add(c.seqNumber());
      }
    });
    connect(a, b);
    assertThat(await(a.ping(id(b)))).isEqualTo(7L);
    assertThat(b.peerSeqNumber(id(a))).contains(3L);
    assertThat(await(a.metaData(id(b)))).isEqualTo(md);
    assertThat(await(a.ping(id(b)))).isEqualTo(7L);
    b.setMetaData(MetaData.empty(8));
    assertThat(await(a.ping(id(b)))).isEqualTo(8L);
    assertThat(changes).as("reported when the seq number moves, not on every ping").containsExactly(7L, 8L);
  }

  @Test
  void goodbyeIsReportedToThePeerAndDisconnects() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    CompletableFuture<Long> reason = new CompletableFuture<>();
    b.addListener(e -> {
      if (e instanceof ReqRespEvent.GoodbyeReceived g) {
        reason.complete(g.reason());
      }
    });
    connect(a, b);
    CompletableFuture<Void> gone = disconnected(b.host());
    await(a.goodbye(id(b), Goodbye.CLIENT_SHUTDOWN));
    assertThat(await(reason)).isEqualTo(Goodbye.CLIENT_SHUTDOWN);
    await(gone);
    assertThat(a.host().connection(id(b))).isEmpty();
  }

  @Test
  void peerOnAnotherForkDigestGetsGoodbyeIrrelevantNetworkAndIsDisconnected() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    a.setStatus(status(DIGEST, 1));
    b.setStatus(status(OTHER_DIGEST, 1));
    CompletableFuture<Long> sent = new CompletableFuture<>();
    a.addListener(e -> {
      if (e instanceof ReqRespEvent.GoodbyeSent g && g.peer().equals(id(b))) {
        sent.complete(g.reason());
      }
    });
    CompletableFuture<Long> received = new CompletableFuture<>();
    b.addListener(e -> {
      if (e instanceof ReqRespEvent.GoodbyeReceived g) {
        received.complete(g.reason());
      }
    });
    CompletableFuture<Void> aGone = disconnected(a.host());
    CompletableFuture<Void> bGone = disconnected(b.host());
    connect(a, b);
    assertThat(await(sent)).isEqualTo(Goodbye.IRRELEVANT_NETWORK);
    await(aGone);
    await(bGone);
    assertThat(a.host().connection(id(b))).isEmpty();
    assertThat(a.status(id(b))).as("status dropped with the connection").isEmpty();
    // the responder reached the same verdict, so B may have said goodbye first; when A's
    // goodbye arrived in time, it carried reason 2
    if (received.isDone()) {
      assertThat(received.join()).isEqualTo(Goodbye.IRRELEVANT_NETWORK);
    }
  }

  @Test
  void chunkedMethodStreamsEveryChunkToTheRequester() {
    Method<Long, Long> countUp = Method.chunked("count_up", 1, Ssz.UINT64, Ssz.UINT64, 100);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    b.register(countUp, (RequestHandler<Long, Long>) (peer, n, sink) -> {
      for (long i = 0; i < n; i++) {
        sink.next(i);
      }
      sink.complete();
    });
    connect(a, b);
    assertThat(await(a.requestChunks(id(b), countUp, 50L))).hasSize(50).startsWith(0L, 1L).endsWith(49L);
    assertThat(await(a.requestChunks(id(b), countUp, 0L))).isEmpty();
  }

  @Test
  void aBlockingHandlerDoesNotStallOtherRequestsOnTheSameConnection() throws Exception {
    Method<Long, Long> m = Method.single("blocking", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Boolean> ranOnVirtualThread = new CompletableFuture<>();
    b.register(m, (RequestHandler<Long, Long>) (peer, x, sink) -> {
      if (x == 1L) {
        ranOnVirtualThread.complete(Thread.currentThread().isVirtual());
        try {
          release.await(); // blocks like a slow database read would
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      sink.next(x * 10);
      sink.complete();
    });
    connect(a, b);
    CompletableFuture<Long> blocked = a.request(id(b), m, 1L);
    assertThat(await(ranOnVirtualThread)).isTrue();
    // the connection's event loop is free: a second request is answered while the first handler blocks
    assertThat(await(a.request(id(b), m, 2L))).isEqualTo(20L);
    assertThat(blocked).isNotDone();
    release.countDown();
    assertThat(await(blocked)).isEqualTo(10L);
  }

  @Test
  void errorResponseReachesTheRequesterWithItsCodeAndMessage() {
    Method<Long, Long> m = Method.single("fails", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    b.register(m, (SingleHandler<Long, Long>) (peer, x) ->
        CompletableFuture.failedFuture(ReqResp.errorResponse(ResultCode.RESOURCE_UNAVAILABLE, "no such block")));
    connect(a, b);
    ReqRespException e = failure(a.request(id(b), m, 1L));
    assertThat(e.kind()).isEqualTo(Kind.ERROR_RESPONSE);
    assertThat(e.code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
    assertThat(e.getMessage()).contains("no such block");
  }

  @Test
  void requesterTimesOutWhenNoFirstByteArrivesWithinTtfb() {
    Method<Long, Long> m = Method.single("silent", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
    ReqResp b = node(ReqRespConfig.defaults());
    b.register(m, (RequestHandler<Long, Long>) (peer, x, sink) -> {});
    connect(a, b);
    long start = System.nanoTime();
    ReqRespException e = failure(a.request(id(b), m, 1L));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("no first byte");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void responderResetsAHandlerThatNeverAnswers() {
    Method<Long, Long> m = Method.single("silent", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
    b.register(m, (RequestHandler<Long, Long>) (peer, x, sink) -> {});
    connect(a, b);
    assertThat(failure(a.request(id(b), m, 1L)).kind()).isEqualTo(Kind.STREAM_FAILED);
  }

  @Test
  void requestsBeyondTheRateLimitGetResourceUnavailable() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withRateLimits(
        new ReqRespConfig.RateLimit(100, Duration.ofMillis(1)),
        Map.of(Eth2Methods.PING.protocolId(), new ReqRespConfig.RateLimit(2, Duration.ofHours(1)))));
    connect(a, b);
    await(a.ping(id(b)));
    await(a.ping(id(b)));
    ReqRespException e = failure(a.ping(id(b)));
    assertThat(e.code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
    assertThat(e.getMessage()).contains("rate limited");
    assertThat(await(a.metaData(id(b)))).as("other methods unaffected").isNotNull();
  }

  @Test
  void streamsBeyondTheConcurrencyLimitAreReset() {
    Method<Long, Long> m = Method.single("slow", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withMaxInboundStreamsPerPeer(1));
    CompletableFuture<ResponseSink<Long>> held = new CompletableFuture<>();
    b.register(m, (RequestHandler<Long, Long>) (peer, x, sink) -> held.complete(sink));
    connect(a, b);
    CompletableFuture<Long> first = a.request(id(b), m, 1L);
    ResponseSink<Long> sink = await(held);
    assertThat(failure(a.request(id(b), m, 2L)).kind()).isEqualTo(Kind.STREAM_FAILED);
    sink.next(42L);
    sink.complete();
    assertThat(await(first)).isEqualTo(42L);
  }

  private static byte[] readAll(Stream s) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    s.receive(new StreamReceiver() {
      @Override
      public void onData(Stream stream, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        got.writeBytes(b);
      }

      @Override
      public void onEnd(Stream stream) {
        done.complete(got.toByteArray());
      }

      @Override
      public void onReset(Stream stream) {
        done.complete(got.toByteArray());
      }
    });
    return await(done);
  }

  @Test
  void malformedRequestsAreAnsweredWithInvalidRequest() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    connect(a, b);
    byte[] notSnappy = {8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    byte[] shortPing = ChunkCodec.request(new byte[7]);
    for (byte[] bad : List.of(notSnappy, shortPing)) {
      Stream s = await(a.host().newStream(id(b), Eth2Methods.PING.protocolId()));
      s.write(bad);
      s.closeWrite();
      List<Chunk> chunks = new ArrayList<>();
      ChunkDecoder d = new ChunkDecoder(true, 0, 8, 8, 1, "test");
      d.feed(ByteBuffer.wrap(readAll(s)), chunks::add);
      d.end();
      assertThat(chunks).hasSize(1);
      assertThat(chunks.get(0).code()).isEqualTo(ResultCode.INVALID_REQUEST);
    }
  }

  @Test
  void requesterRejectsAResponseWithAReservedResultCode() {
    Method<Long, Long> m = Method.single("bad_server", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    b.host().setStreamHandler(m.protocolId(), s -> {
      byte[] chunk = ChunkCodec.success(new byte[0], new byte[8]);
      chunk[0] = 7;
      s.write(chunk);
      s.closeWrite();
    });
    connect(a, b);
    assertThat(failure(a.request(id(b), m, 1L)).kind()).isEqualTo(Kind.BAD_RESULT_CODE);
  }

  @Test
  void requesterRejectsAResponseOfTheWrongSszSize() {
    Method<Long, Long> m = Method.single("bad_size", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    b.host().setStreamHandler(m.protocolId(), s -> {
      s.write(ChunkCodec.success(new byte[0], new byte[9]));
      s.closeWrite();
    });
    connect(a, b);
    assertThat(failure(a.request(id(b), m, 1L)).kind()).isEqualTo(Kind.TOO_LARGE);
  }

  @Test
  void inboundStreamSlotsAreReleasedAfterEachRequest() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withMaxInboundStreamsPerPeer(2));
    b.setMetaData(MetaData.empty(6));
    connect(a, b);
    for (int i = 0; i < 20; i++) {
      assertThat(await(a.ping(id(b)))).isEqualTo(6L);
      assertThat(await(a.metaData(id(b))).seqNumber()).isEqualTo(6L);
    }
  }

  @Test
  void responderResetsAStreamWhoseRequestNeverCompletes() {
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)));
    connect(a, b);
    Stream s = await(a.host().newStream(id(b), Eth2Methods.PING.protocolId()));
    s.write(new byte[] {8}); // the length prefix only, then silence
    CompletableFuture<Boolean> reset = new CompletableFuture<>();
    s.receive(new StreamReceiver() {
      @Override
      public void onData(Stream stream, ByteBuffer data) {
        reset.complete(false);
      }

      @Override
      public void onEnd(Stream stream) {
        reset.complete(false);
      }

      @Override
      public void onReset(Stream stream) {
        reset.complete(true);
      }
    });
    assertThat(await(reset)).as("reset, not answered").isTrue();
  }

  @Test
  void requesterTimesOutWhenTheNextChunkNeverArrives() {
    Method<Long, Long> m = Method.chunked("stalls", 1, Ssz.UINT64, Ssz.UINT64, 10);
    ReqResp a = node(ReqRespConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
    ReqResp b = node(ReqRespConfig.defaults());
    b.host().setStreamHandler(m.protocolId(), s -> s.write(ChunkCodec.success(new byte[0], new byte[8])));
    connect(a, b);
    ReqRespException e = failure(a.requestChunks(id(b), m, 1L));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("no complete chunk");
  }

  @Test
  void responseWrittenOneByteAtATimeIsDecoded() {
    Method<Long, Long> m = Method.chunked("trickle", 1, Ssz.UINT64, Ssz.UINT64, 10);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    for (long i = 0; i < 3; i++) {
      w.writeBytes(ChunkCodec.success(new byte[0], Ssz.UINT64.encode(i * 1000)));
    }
    byte[] wire = w.toByteArray();
    b.host().setStreamHandler(m.protocolId(), s -> {
      for (byte x : wire) {
        s.write(new byte[] {x});
      }
      s.closeWrite();
    });
    connect(a, b);
    assertThat(await(a.requestChunks(id(b), m, 1L))).containsExactly(0L, 1000L, 2000L);
  }

  @Test
  void requesterKeepsAtMostMaxConcurrentRequestsInFlightPerProtocol() {
    Method<Long, Long> m = Method.single("held", 1, Ssz.UINT64, Ssz.UINT64);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    java.util.concurrent.BlockingQueue<ResponseSink<Long>> held = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    b.register(m, (RequestHandler<Long, Long>) (peer, x, sink) -> {
      seen.incrementAndGet();
      held.add(sink);
    });
    connect(a, b);
    List<CompletableFuture<Long>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(a.request(id(b), m, (long) i));
    }
    java.util.ArrayDeque<ResponseSink<Long>> open = new java.util.ArrayDeque<>();
    open.add(take(held));
    open.add(take(held));
    for (int answered = 0; answered < 5; answered++) {
      // the spec's MAX_CONCURRENT_REQUESTS (2): a third request waits until one of two finishes
      assertThat(poll(held, Duration.ofMillis(300))).as("a third concurrent request").isNull();
      assertThat(seen.get()).isEqualTo(Math.min(5, answered + 2));
      ResponseSink<Long> sink = open.poll();
      sink.next((long) answered);
      sink.complete();
      if (answered + 2 < 5) {
        open.add(take(held));
      }
    }
    for (CompletableFuture<Long> c : calls) {
      await(c);
    }
    assertThat(seen.get()).isEqualTo(5);
  }

  private static <T> T poll(java.util.concurrent.BlockingQueue<T> q, Duration d) {
    try {
      return q.poll(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T take(java.util.concurrent.BlockingQueue<T> q) {
    try {
      T t = q.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(t).as("handler call").isNotNull();
      return t;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void forkDigestContextBytesTravelWithEachChunk() {
    Method<Long, Long> m = Method.chunked("by_range_ctx", 2, Ssz.UINT64, Ssz.UINT64, 10).withForkDigestContext();
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults());
    b.setStatus(status(DIGEST, 5));
    b.register(m, (RequestHandler<Long, Long>) (peer, n, sink) -> {
      sink.next(1L);                          // current fork: the Status digest
      sink.next(2L, OTHER_DIGEST.bytes());    // an older fork's block
      sink.complete();
    });
    connect(a, b);
    List<ResponseChunk<Long>> got = await(a.requestChunksWithContext(id(b), m, 0L));
    assertThat(got).extracting(ResponseChunk::value).containsExactly(1L, 2L);
    assertThat(got.get(0).context()).isEqualTo(DIGEST.bytes());
    assertThat(got.get(1).context()).isEqualTo(OTHER_DIGEST.bytes());
  }

  @Test
  void rateLimitRefillsOnTheInjectedClock() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      ReqResp a = node(ReqRespConfig.defaults());
      ReqResp b = ReqResp.create(hosts.start(), ReqRespConfig.defaults().withRateLimits(
          new ReqRespConfig.RateLimit(1, Duration.ofSeconds(1)), Map.of()), timer, now::get);
      rrs.add(b);
      connect(a, b);
      await(a.ping(id(b)));
      assertThat(failure(a.ping(id(b))).code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
      now.addAndGet(Duration.ofMillis(999).toNanos());
      assertThat(failure(a.ping(id(b))).code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
      now.addAndGet(Duration.ofMillis(1).toNanos());
      assertThat(await(a.ping(id(b)))).isZero();
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void aHandlerWaitsForAPeerThatDoesNotReadAndItsStreamIsResetAfterTheResponseTimeout() throws Exception {
    int chunk = 256 * 1024;
    byte[] blob = new byte[chunk];
    new java.util.Random(1).nextBytes(blob); // incompressible: snappy keeps its size
    Method<Long, byte[]> m = Method.chunked("firehose", 1, Ssz.UINT64,
        Ssz.vector("blob", chunk, b -> b, b -> b), 400);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2)));
    java.util.concurrent.atomic.AtomicInteger returned = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Throwable> handlerStopped = new CompletableFuture<>();
    b.register(m, (RequestHandler<Long, byte[]>) (peer, n, sink) -> {
      try {
        for (long i = 0; i < n; i++) {
          sink.next(blob);
          returned.incrementAndGet();
        }
        sink.complete();
        handlerStopped.complete(null);
      } catch (RuntimeException e) {
        handlerStopped.complete(e);
      }
    });
    connect(a, b);
    // a opens the stream, sends its request and then reads nothing: 400 x 256 KiB would be 100 MiB
    Stream s = await(a.host().newStream(id(b), m.protocolId()));
    TestHosts.stopReading(s.connection());
    await(s.write(ChunkCodec.request(Ssz.UINT64.encode(400L))).thenCompose(v -> s.closeWrite()));

    Throwable stopped = await(handlerStopped);
    assertThat(stopped).isInstanceOf(IllegalStateException.class).hasMessageContaining("did not read");
    assertThat(b.slowReaderResets()).isEqualTo(1);
    // the handler got no further ahead of the peer than its window, the back-pressure window and a chunk
    long window = io.serenity.p2p.mux.yamux.YamuxConfig.defaults().initialStreamWindow();
    assertThat((long) returned.get() * chunk)
        .isLessThanOrEqualTo(window + ReqRespEngine.RESPONSE_WRITE_WINDOW + 2L * chunk);
    assertThat(b.host().writeBudget().hits(io.serenity.p2p.transport.WriteBudget.Scope.STREAM)).isEqualTo(1);
    // the connection itself is fine for others
    assertThat(await(b.host().connect(TestHosts.dialAddr(a.host()))).isOpen()).isTrue();
  }

  private static void eventually(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }

  private static boolean waiting(Thread t) {
    Thread.State st = t.getState();
    return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
  }

  /** A handler writing {@code n} incompressible chunks whose first byte is their index. */
  private static RequestHandler<Long, byte[]> firehose(int chunk, java.util.concurrent.atomic.AtomicInteger written,
      CompletableFuture<Thread> thread, CompletableFuture<Throwable> stopped) {
    return (peer, n, sink) -> {
      thread.complete(Thread.currentThread());
      java.util.Random rnd = new java.util.Random(7);
      try {
        for (int i = 0; i < n; i++) {
          byte[] blob = new byte[chunk];
          rnd.nextBytes(blob);
          blob[0] = (byte) i;
          sink.next(blob);
          written.incrementAndGet();
        }
        sink.complete();
        stopped.complete(null);
      } catch (RuntimeException e) {
        stopped.complete(e);
      }
    };
  }

  @Test
  void aSlowStreamConsumerPausesReadingSoTheResponderStopsInsteadOfItsChunksPilingUp() {
    int chunk = 64 * 1024;
    int total = 200; // 12.5 MiB, were nothing to stop the responder
    Method<Long, byte[]> m = Method.chunked("firehose_stream", 1, Ssz.UINT64,
        Ssz.vector("blob", chunk, b -> b, b -> b), total);
    ReqResp a = node(ReqRespConfig.defaults());
    // the responder gives a slow reader a minute before it resets the stream
    ReqResp b = node(ReqRespConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60)));
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Thread> handler = new CompletableFuture<>();
    CompletableFuture<Throwable> handlerDone = new CompletableFuture<>();
    b.register(m, firehose(chunk, written, handler, handlerDone));
    connect(a, b);

    java.util.concurrent.Semaphore go = new java.util.concurrent.Semaphore(0);
    CompletableFuture<Void> holding = new CompletableFuture<>();
    List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger maxAhead = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Integer> done = a.requestStream(id(b), m, (long) total, c -> {
      holding.complete(null);
      go.acquireUninterruptibly();
      // how far the responder got ahead of this consumer: what sits in queues and windows between them
      maxAhead.accumulateAndGet(written.get() - seen.size(), Math::max);
      seen.add(c.value()[0] & 0xff);
    });
    await(holding);
    // the consumer holds the first chunk: the responder writes until back-pressure stops it
    eventually("the responder waits (or is done)", () -> handlerDone.isDone() || waiting(await(handler)));
    assertThat(handlerDone).as("the responder cannot finish while the consumer holds a chunk").isNotDone();
    long window = io.serenity.p2p.mux.yamux.YamuxConfig.defaults().initialStreamWindow();
    long bound = 1 + OutboundRequest.STREAM_BUFFER + 1 + (window + ReqRespEngine.RESPONSE_WRITE_WINDOW) / chunk + 2;
    assertThat((long) written.get()).as("chunks the responder got out: held, queued, kept, one window and its "
        + "write window").isLessThanOrEqualTo(bound);
    assertThat(a.engine().streamQueueHighWater()).isLessThanOrEqualTo(OutboundRequest.STREAM_BUFFER);
    // the consumer does not block the connection: other requests go through meanwhile
    assertThat(await(a.ping(id(b)))).isZero();

    go.release(total);
    assertThat(await(done)).isEqualTo(total);
    assertThat(seen).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(seen.get(i)).isEqualTo(i & 0xff);
    }
    assertThat(await(handlerDone)).isNull();
    assertThat(a.engine().streamQueueHighWater()).as("never more than the bound waited")
        .isLessThanOrEqualTo(OutboundRequest.STREAM_BUFFER);
    assertThat((long) maxAhead.get()).as("the responder was never further ahead than the bound")
        .isLessThanOrEqualTo(bound);
  }

  @Test
  void aStreamConsumerThatThrowsWhileTheStreamIsPausedStopsTheResponderAndFailsTheRequest() {
    int chunk = 64 * 1024;
    Method<Long, byte[]> m = Method.chunked("firehose_stream", 1, Ssz.UINT64,
        Ssz.vector("blob", chunk, b -> b, b -> b), 200);
    ReqResp a = node(ReqRespConfig.defaults());
    ReqResp b = node(ReqRespConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60)));
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Thread> handler = new CompletableFuture<>();
    CompletableFuture<Throwable> handlerDone = new CompletableFuture<>();
    b.register(m, firehose(chunk, written, handler, handlerDone));
    connect(a, b);

    java.util.concurrent.CountDownLatch fail = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Void> holding = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Integer> done = a.requestStream(id(b), m, 200L, c -> {
      taken.incrementAndGet();
      holding.complete(null);
      try {
        fail.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("disk full");
    });
    await(holding);
    eventually("the responder waits", () -> handlerDone.isDone() || waiting(await(handler)));
    fail.countDown();

    assertThat(done).failsWithin(TestHosts.TIMEOUT).withThrowableThat().withMessageContaining("disk full");
    // the stream was reset: the responder's handler stops instead of waiting out its minute
    assertThat(await(handlerDone)).isInstanceOf(IllegalStateException.class);
    assertThat(written.get()).isLessThan(200);
    assertThat(taken).as("no chunk after the one that threw").hasValue(1);
    assertThat(await(a.ping(id(b)))).as("the connection is fine").isZero();
  }
}
