package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.BlocksByHeadRequest;
import io.serenity.p2p.eth2.types.BlocksByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnsByRootIdentifier;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.TestHosts;
import java.util.ArrayList;
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
    ReqResp rr = ReqResp.create(hosts.start(), ReqRespConfig.defaults());
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
    List<byte[]> got = await(a.requestChunks(id(b), Eth2Methods.BLOCKS_BY_RANGE_V2, new BlocksByRangeRequest(0, 200, 1)));
    assertThat(got).hasSize(128);
    assertThat(await(overflow)).isInstanceOf(IllegalStateException.class);
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
  void statusV2AndMetaDataV3RoundTrip() {
    ReqResp a = node();
    ReqResp b = node();
    StatusMessageV2 bStatus = new StatusMessageV2(FULU, Bytes32.ZERO, 3, Bytes32.ZERO, 100, 64);
    MetaDataV3 bMeta = new MetaDataV3(7, Bitvector.of(64, 2), Bitvector.empty(4), 4);
    b.register(Eth2Methods.STATUS_V2, (SingleHandler<StatusMessageV2, StatusMessageV2>) (peer, theirs) ->
        CompletableFuture.completedFuture(bStatus));
    b.register(Eth2Methods.METADATA_V3, (SingleHandler<Void, MetaDataV3>) (peer, none) ->
        CompletableFuture.completedFuture(bMeta));
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    assertThat(await(a.request(id(b), Eth2Methods.STATUS_V2,
        new StatusMessageV2(FULU, Bytes32.ZERO, 0, Bytes32.ZERO, 0, 0)))).isEqualTo(bStatus);
    assertThat(await(a.request(id(b), Eth2Methods.METADATA_V3, null))).isEqualTo(bMeta);
  }
}
