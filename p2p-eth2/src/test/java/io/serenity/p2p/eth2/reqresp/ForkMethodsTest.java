package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.BlocksByHeadRequest;
import io.serenity.p2p.eth2.types.BlocksByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnsByRootIdentifier;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.TestHosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deneb/electra/fulu methods of {@link Eth2Methods} between two Java nodes on loopback. */
@ExtendWith(NettyLeakCheck.class)
class ForkMethodsTest {

  private static final Bytes4 FULU = Bytes4.fromHex("6a95a1a9");
  private static final Bytes4 ELECTRA = Bytes4.fromHex("bba4da96");

  private final TestHosts hosts = new TestHosts();
  private final List<ReqResp> rrs = new ArrayList<>();

  @AfterEach
  void close() {
    rrs.forEach(ReqResp::close);
    hosts.close();
  }

  private ReqResp node() {
    return node(ReqRespConfig.defaults());
  }

  private ReqResp node(ReqRespConfig config) {
    ReqResp rr = ReqResp.create(hosts.start(), config);
    rr.setStatus(new StatusMessage(FULU, Bytes32.ZERO, 0, Bytes32.ZERO, 0));
    rrs.add(rr);
    return rr;
  }

  private static PeerId id(ReqResp rr) {
    return rr.host().peerId();
  }

  private static byte[] block(long slot, int size) {
    byte[] b = new byte[size];
    b[0] = (byte) slot;
    return b;
  }

  @Test
  void blocksByRangeV2StreamsOpaqueBlocksEachWithItsForkDigest() {
    ReqResp a = node();
    ReqResp b = node();
    b.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
      for (long s = req.startSlot(); s < req.startSlot() + req.count(); s++) {
        // the first half is from the previous fork: explicit context; the rest takes our Status' digest
        if (s < req.startSlot() + req.count() / 2) {
          sink.next(block(s, 1000 + (int) s), ELECTRA.bytes());
        } else {
          sink.next(block(s, 1000 + (int) s));
        }
      }
      sink.complete();
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    List<ResponseChunk<byte[]>> got =
        await(a.requestChunksWithContext(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(10, 4, 1)));
    assertThat(got).hasSize(4);
    assertThat(got.get(0).context()).isEqualTo(ELECTRA.bytes());
    assertThat(got.get(3).context()).isEqualTo(FULU.bytes());
    assertThat(got.get(2).value()).hasSize(1012).startsWith((byte) 12);
    assertThat(Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId()).isEqualTo("/eth2/beacon_chain/req/beacon_blocks_by_range/2/ssz_snappy");
  }

  @Test
  void blocksByHeadV1CarriesTheRootAndCountAndAnswersDescending() {
    ReqResp a = node();
    ReqResp b = node();
    CompletableFuture<BlocksByHeadRequest> seen = new CompletableFuture<>();
    b.register(Eth2Methods.BLOCKS_BY_HEAD_V1, (RequestHandler<BlocksByHeadRequest, byte[]>) (peer, req, sink) -> {
      seen.complete(req);
      for (long s = 20; s > 20 - req.count(); s--) {
        sink.next(block(s, 64));
      }
      sink.complete();
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    Bytes32 head = new Bytes32(block(0x55, 32));
    List<byte[]> got = await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_HEAD_V1, new BlocksByHeadRequest(head, 3)));
    assertThat(await(seen)).isEqualTo(new BlocksByHeadRequest(head, 3));
    assertThat(got).extracting(x -> x[0]).containsExactly((byte) 20, (byte) 19, (byte) 18);
  }

  @Test
  void aResponderCannotWriteMoreThanMaxRequestBlocksDeneb() {
    ReqResp a = node();
    ReqResp b = node();
    CompletableFuture<Throwable> overflow = new CompletableFuture<>();
    b.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
      try {
        for (int i = 0; i < 129; i++) {
          sink.next(block(i, 8));
        }
        overflow.complete(null);
      } catch (IllegalStateException e) {
        overflow.complete(e);
      }
      sink.complete();
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    List<byte[]> got = await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 128, 1)));
    assertThat(got).hasSize(128);
    assertThat(await(overflow)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRequestForMoreThanMaxRequestBlocksDenebIsAnsweredInvalidRequestBeforeTheHandler() {
    ReqResp a = node();
    ReqResp b = node();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    RequestHandler<BlocksByHeadRequest, byte[]> h = (peer, req, sink) -> {
      calls.incrementAndGet();
      sink.complete();
    };
    b.register(Eth2Methods.BLOCKS_BY_HEAD_V1, h);
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    CompletableFuture<List<byte[]>> f =
        a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_HEAD_V1, new BlocksByHeadRequest(Bytes32.ZERO, 129));
    assertThat(f).failsWithin(TestHosts.TIMEOUT).withThrowableThat().havingRootCause()
        .isInstanceOfSatisfying(ReqRespException.class, x -> {
          assertThat(x.code()).isEqualTo(ResultCode.INVALID_REQUEST);
          assertThat(x.getMessage()).contains("MAX_REQUEST_BLOCKS_DENEB");
        });
    assertThat(await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_HEAD_V1, new BlocksByHeadRequest(Bytes32.ZERO, 128))))
        .isEmpty();
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void theRequesterReadsNoMoreChunksThanItsRequestAskedFor() {
    ReqResp a = node();
    ReqResp b = node();
    // a responder that ignores count and sends 10 blocks
    b.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
      try {
        for (int i = 0; i < 10; i++) {
          sink.next(block(i, 16));
        }
        sink.complete();
      } catch (IllegalStateException closed) {
        // the requester stopped reading after its 3
      }
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    List<byte[]> got = await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 3, 1)));
    assertThat(got).extracting(x -> x[0]).containsExactly((byte) 0, (byte) 1, (byte) 2);
  }

  @Test
  void dataColumnsByRootRequestArrivesDecoded() {
    ReqResp a = node();
    ReqResp b = node();
    List<DataColumnsByRootIdentifier> ids = List.of(
        new DataColumnsByRootIdentifier(new Bytes32(block(1, 32)), List.of(0L, 5L)),
        new DataColumnsByRootIdentifier(new Bytes32(block(2, 32)), List.of(127L)));
    b.register(Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1,
        (RequestHandler<List<DataColumnsByRootIdentifier>, byte[]>) (peer, req, sink) -> {
          for (DataColumnsByRootIdentifier id : req) {
            for (long c : id.columns()) {
              sink.next(block(c, 100));
            }
          }
          sink.complete();
        });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    List<byte[]> got = await(a.requestChunks(id(b), Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1, ids));
    assertThat(got).extracting(x -> x[0]).containsExactly((byte) 0, (byte) 5, (byte) 127);
  }

  @Test
  void clientRegisteredStatusV2AndMetaDataV3RoundTrip() {
    ReqResp a = node();
    ReqResp b = node();
    StatusMessageV2 bStatus = new StatusMessageV2(FULU, Bytes32.ZERO, 3, Bytes32.ZERO, 100, 64);
    MetaDataV3 bMeta = new MetaDataV3(7, Bitvector.of(64, 2), Bitvector.empty(4), 4);
    b.setStatusV2(bStatus);
    b.setMetaDataV3(bMeta);
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    assertThat(await(a.request(id(b), Eth2Methods.STATUS_V2,
        new StatusMessageV2(FULU, Bytes32.ZERO, 0, Bytes32.ZERO, 0, 0)))).isEqualTo(bStatus);
    assertThat(await(a.metaDataV3(id(b)))).isEqualTo(bMeta);
    assertThat(a.peerMetaDataV3(id(b))).contains(bMeta);
    // v2 stays answered with the first three fields
    assertThat(await(a.metaData(id(b)))).isEqualTo(bMeta.toV2());
  }

  @Test
  void statusV2IsOfferedFirstAndBothSidesKeepIt() {
    ReqResp a = node();
    ReqResp b = node();
    StatusMessageV2 aStatus = new StatusMessageV2(FULU, Bytes32.ZERO, 1, Bytes32.ZERO, 40, 8);
    StatusMessageV2 bStatus = new StatusMessageV2(FULU, Bytes32.ZERO, 2, Bytes32.ZERO, 70, 16);
    a.setStatusV2(aStatus);
    b.setStatusV2(bStatus);
    CompletableFuture<StatusMessage> bSaw = new CompletableFuture<>();
    b.addListener(e -> {
      if (e instanceof ReqRespEvent.StatusReceived s) {
        bSaw.complete(s.status());
      }
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    assertThat(await(bSaw)).isEqualTo(aStatus.toV1());
    assertThat(b.statusV2(id(a))).contains(aStatus);
    assertThat(await(a.exchangeStatus(id(b)))).isEqualTo(bStatus.toV1());
    assertThat(a.statusV2(id(b))).contains(bStatus);
  }

  @Test
  void aPeerWithoutStatusV2IsAskedWithV1() {
    ReqResp a = node();
    ReqResp b = node(); // v1 only
    a.setStatusV2(new StatusMessageV2(FULU, Bytes32.ZERO, 1, Bytes32.ZERO, 40, 8));
    StatusMessage bStatus = new StatusMessage(FULU, Bytes32.ZERO, 2, Bytes32.ZERO, 70);
    b.setStatus(bStatus);
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    assertThat(await(a.exchangeStatus(id(b)))).isEqualTo(bStatus);
    assertThat(a.status(id(b))).contains(bStatus);
    assertThat(a.statusV2(id(b))).isEmpty();
  }

  @Test
  void statusIsSentAgainEveryInterval() {
    ReqResp a = ReqResp.create(hosts.start(), ReqRespConfig.defaults().withStatusInterval(Duration.ofMillis(200)));
    rrs.add(a);
    a.setStatus(new StatusMessage(FULU, Bytes32.ZERO, 0, Bytes32.ZERO, 5));
    ReqResp b = node();
    CountDownLatch three = new CountDownLatch(3);
    b.addListener(e -> {
      if (e instanceof ReqRespEvent.StatusReceived) {
        three.countDown();
      }
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    // one on connect, then one per interval
    assertThat(awaitLatch(three)).isTrue();
  }

  @Test
  void aPingShowingAHigherSeqMakesThePingerFetchTheMetaData() {
    ReqResp a = node();
    ReqResp b = node();
    a.setMetaDataV3(new MetaDataV3(0, Bitvector.empty(64), Bitvector.empty(4), 4));
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    // b answers GetMetaData v3 itself here, so the test sees each fetch a makes
    java.util.concurrent.BlockingQueue<Long> served = new java.util.concurrent.LinkedBlockingQueue<>();
    MetaDataV3[] current = {new MetaDataV3(1, Bitvector.empty(64), Bitvector.empty(4), 4)};
    b.setMetaDataV3(current[0]);
    b.register(Eth2Methods.METADATA_V3, (SingleHandler<Void, MetaDataV3>) (peer, none) -> {
      MetaDataV3 m = current[0];
      served.add(m.seqNumber());
      return CompletableFuture.completedFuture(m);
    });
    assertThat(await(a.ping(id(b)))).isEqualTo(1L);
    assertThat(poll(served)).isEqualTo(1L);
    current[0] = new MetaDataV3(2, Bitvector.of(64, 9), Bitvector.empty(4), 8);
    b.setMetaData(current[0].toV2()); // seq 2 for Ping (and v2)
    b.register(Eth2Methods.METADATA_V3, (SingleHandler<Void, MetaDataV3>) (peer, none) -> {
      MetaDataV3 m = current[0];
      served.add(m.seqNumber());
      return CompletableFuture.completedFuture(m);
    });
    assertThat(await(a.ping(id(b)))).isEqualTo(2L);
    assertThat(poll(served)).isEqualTo(2L);
    assertThat(await(a.metaDataV3(id(b)))).isEqualTo(current[0]);
  }

  @Test
  void aHigherSeqPingedWhileAFetchRunsIsFetchedOnceThatFetchBringsAnOlderOne() {
    ReqResp a = node();
    ReqResp b = node();
    a.setMetaDataV3(new MetaDataV3(0, Bitvector.empty(64), Bitvector.empty(4), 4));
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    MetaDataV3 one = new MetaDataV3(1, Bitvector.empty(64), Bitvector.empty(4), 4);
    MetaDataV3 two = new MetaDataV3(2, Bitvector.of(64, 3), Bitvector.empty(4), 8);
    b.setMetaDataV3(one);
    // b holds its answer to the first fetch until the test lets it go
    CompletableFuture<MetaDataV3> firstAnswer = new CompletableFuture<>();
    java.util.concurrent.BlockingQueue<Long> asked = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
    SingleHandler<Void, MetaDataV3> serve = (peer, none) -> {
      asked.add((long) fetches.incrementAndGet());
      return fetches.get() == 1 ? firstAnswer : CompletableFuture.completedFuture(two);
    };
    b.register(Eth2Methods.METADATA_V3, serve);
    assertThat(await(a.ping(id(b)))).isEqualTo(1L);
    assertThat(poll(asked)).isEqualTo(1L); // the first fetch is running, unanswered
    b.setMetaData(two.toV2()); // seq 2 for Ping (it installs the default MetaData handlers again)
    b.register(Eth2Methods.METADATA_V3, serve);
    assertThat(await(a.ping(id(b)))).isEqualTo(2L); // seen while that fetch runs
    firstAnswer.complete(one); // answered with what b had when asked: seq 1
    assertThat(poll(asked)).as("a second fetch").isEqualTo(2L);
    assertThat(await(a.metaDataV3(id(b)))).isEqualTo(two);
  }

  private static Long poll(java.util.concurrent.BlockingQueue<Long> q) {
    try {
      return q.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Test
  void aPingShowingANewerSeqWhileAFetchIsUnderWayFetchesAgainOnceThatFetchEnds() {
    ReqResp a = node();
    ReqResp b = node();
    a.setMetaDataV3(new MetaDataV3(0, Bitvector.empty(64), Bitvector.empty(4), 4));
    MetaDataV3[] current = {new MetaDataV3(1, Bitvector.empty(64), Bitvector.empty(4), 4)};
    b.setMetaDataV3(current[0]);
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    java.util.concurrent.BlockingQueue<Long> served = new java.util.concurrent.LinkedBlockingQueue<>();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> firstFetch = new CompletableFuture<>();
    b.register(Eth2Methods.METADATA_V3, (SingleHandler<Void, MetaDataV3>) (peer, none) -> {
      MetaDataV3 m = current[0];
      if (firstFetch.complete(null)) {
        awaitLatch(release); // b holds the first fetch (handlers run on virtual threads of their own)
      }
      served.add(m.seqNumber());
      return CompletableFuture.completedFuture(m);
    });
    assertThat(await(a.ping(id(b)))).isEqualTo(1L);
    await(firstFetch);
    // b's MetaData changes while a's fetch of seq 1 is under way; a's next Ping sees seq 2
    current[0] = new MetaDataV3(2, Bitvector.of(64, 3), Bitvector.empty(4), 8);
    b.setMetaDataV3(current[0]);
    assertThat(await(a.ping(id(b)))).isEqualTo(2L);
    release.countDown();
    assertThat(poll(served)).as("the fetch under way brings seq 1").isEqualTo(1L);
    assertThat(poll(served)).as("then a fetches again").isEqualTo(2L);
  }

  @Test
  void requestStreamDeliversEachChunkAsItArrivesAndCountsThem() {
    ReqResp a = node();
    ReqResp b = node();
    b.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
      for (int i = 0; i < req.count(); i++) {
        sink.next(block(i, 2000));
      }
      sink.complete();
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    List<Byte> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    int n = await(a.requestStream(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 100, 1),
        c -> seen.add(c.value()[0])));
    assertThat(n).isEqualTo(100);
    assertThat(seen).hasSize(100).startsWith((byte) 0, (byte) 1).endsWith((byte) 99);
    // a consumer that throws stops the response and fails the request with its exception
    CompletableFuture<Integer> stopped = a.requestStream(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2,
        new BlocksByRangeRequest(0, 100, 1), c -> {
          throw new IllegalStateException("store full");
        });
    assertThat(stopped).failsWithin(TestHosts.TIMEOUT).withThrowableThat().withMessageContaining("store full");
  }

  private static boolean awaitLatch(CountDownLatch l) {
    try {
      return l.await(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }


  private static ReqRespException failure(CompletableFuture<?> f) {
    assertThat(f).failsWithin(TestHosts.TIMEOUT);
    Throwable c = f.handle((v, e) -> e).join();
    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    assertThat(c).isInstanceOf(ReqRespException.class);
    return (ReqRespException) c;
  }

  @Test
  void syncRequestsAreChargedTheChunksTheyAskForPerPeerAndGloballyAndRefusedWithResourceUnavailable() {
    ReqRespConfig.RateLimit ten = new ReqRespConfig.RateLimit(10, Duration.ofHours(1));
    ReqResp a = node();
    ReqResp c = node();
    ReqResp b = node(ReqRespConfig.defaults().withChunkQuotas(
        java.util.Map.of(Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId(), ten,
            Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1.protocolId(), new ReqRespConfig.RateLimit(12, Duration.ofHours(1))),
        java.util.Map.of(Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId(), new ReqRespConfig.RateLimit(14, Duration.ofHours(1)))));
    java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    b.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
      for (int i = 0; i < req.count(); i++) {
        sink.next(block(i, 100));
        served.incrementAndGet();
      }
      sink.complete();
    });
    b.register(Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1,
        (RequestHandler<DataColumnSidecarsByRangeRequest, byte[]>) (peer, req, sink) -> {
          for (long slot = req.startSlot(); slot < req.startSlot() + req.count(); slot++) {
            for (long column : req.columns()) {
              sink.next(block(column, 64));
              served.incrementAndGet();
            }
          }
          sink.complete();
        });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    await(c.host().connect(TestHosts.dialAddr(b.host())));

    assertThat(await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 6, 1))))
        .hasSize(6);
    // a second request of six finds four chunks left: refused, although a's request bucket is nearly full
    ReqRespException refused = failure(
        a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 6, 1)));
    assertThat(refused.code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
    assertThat(refused.getMessage()).contains("rate limited");
    assertThat(await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 4, 1))))
        .as("exactly what was left").hasSize(4);
    // the node's budget for the method (14) has 4 left for every other peer, whose own bucket is full
    assertThat(failure(c.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 5, 1)))
        .code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
    assertThat(await(c.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 4, 1))))
        .hasSize(4);
    // data column sidecars by range cost slots times columns: 3 x 4 = 12, then nothing is left
    assertThat(await(a.requestChunks(id(b), Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1,
        new DataColumnSidecarsByRangeRequest(0, 3, List.of(1L, 2L, 3L, 4L))))).hasSize(12);
    assertThat(failure(a.requestChunks(id(b), Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1,
        new DataColumnSidecarsByRangeRequest(0, 1, List.of(5L)))).code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);

    assertThat(b.rateLimitedRequests()).isEqualTo(3);
    assertThat(served).as("refused requests never reach the handler").hasValue(6 + 4 + 4 + 12);
  }
}
