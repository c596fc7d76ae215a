package io.serenity.p2p.interop;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.reqresp.ReqResp;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.reqresp.ReqRespEvent;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.reqresp.Eth2Methods;
import io.serenity.p2p.eth2.reqresp.ReqRespException;
import io.serenity.p2p.eth2.reqresp.RequestHandler;
import io.serenity.p2p.eth2.reqresp.ResponseChunk;
import io.serenity.p2p.eth2.reqresp.ResultCode;
import io.serenity.p2p.eth2.types.BlobIdentifier;
import io.serenity.p2p.eth2.types.BlobSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.BlocksByHeadRequest;
import io.serenity.p2p.eth2.types.BlocksByRangeRequest;
import io.serenity.p2p.eth2.types.ByRootRequests;
import io.serenity.p2p.eth2.types.DataColumnSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnsByRootIdentifier;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.TestHosts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * eth2 req/resp against a js implementation written from the spec ({@code js/reqresp-peer.mjs},
 * js-libp2p 3 streams, its own snappy framing over snappyjs blocks): Status, Ping and GetMetaData v2
 * answered both ways, and Goodbye for a peer on another fork; with {@code --fulu}, Status v2 and
 * MetaData v3 (offered first, v1 fallback), and the multi-chunk BeaconBlocksByRange v2 and
 * BeaconBlocksByHead v1 with fork-digest context bytes and an InvalidRequest for too many blocks;
 * BeaconBlocksByRoot v2, BlobSidecarsByRange/ByRoot v1 and DataColumnSidecarsByRange/ByRoot v1 both
 * ways over a synthetic chain both sides compute, payloads and context bytes compared byte for byte
 * (js reports a SHA-256 of each payload it received).
 */
class ReqRespInteropTest {

    private static final String DIGEST = "6a95a1a9";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestHosts hosts = new TestHosts();
    private final List<JsReqRespPeer> peers = new ArrayList<>();
    private ReqResp java;

    @AfterEach
    void close() {
        peers.forEach(JsReqRespPeer::close);
        if (java != null) {
            java.close();
        }
        hosts.close();
    }

    private ReqResp javaNode(String digest, long headSlot, MetaData md) {
        return javaNode(digest, headSlot, md, HostConfig.defaults());
    }

    private ReqResp javaNode(String digest, long headSlot, MetaData md, HostConfig hostConfig) {
        java = ReqResp.create(hosts.start(KeyType.SECP256K1, hostConfig), ReqRespConfig.defaults());
        byte[] head = new byte[32];
        Arrays.fill(head, (byte) headSlot);
        java.setStatus(new StatusMessage(Bytes4.fromHex(digest), Bytes32.ZERO, 3, new Bytes32(head), headSlot));
        java.setMetaData(md);
        return java;
    }

    private JsReqRespPeer js(String... args) {
        JsReqRespPeer p = JsReqRespPeer.start(List.of(args));
        peers.add(p);
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(JsEvent e, String key) {
        return (Map<String, Object>) e.fields().get(key);
    }

    @Test
    void jsDialsJavaAndGetsStatusPingAndMetaDataAnswered() {
        MetaData md = new MetaData(5, Bitvector.of(64, 1, 62), Bitvector.of(4, 3));
        ReqResp j = javaNode(DIGEST, 77, md);
        CompletableFuture<StatusMessage> jsStatus = new CompletableFuture<>();
        j.addListener(e -> {
            if (e instanceof ReqRespEvent.StatusReceived s) {
                jsStatus.complete(s.status());
            }
        });
        String addr = TestHosts.dialAddr(j.host()).toString();
        JsReqRespPeer js = js("--dial", addr, "--fork-digest", DIGEST, "--head-slot", "12", "--seq", "9");

        Map<String, Object> st = obj(js.await(e -> e.name().equals("response") && "status".equals(e.fields().get("method")), "status response"), "status");
        assertThat(st.get("forkDigest")).isEqualTo(DIGEST);
        assertThat(st.get("headSlot")).isEqualTo("77");
        assertThat(st.get("finalizedEpoch")).isEqualTo("3");
        assertThat(st.get("headRoot")).isEqualTo("4d".repeat(32));
        JsEvent ping = js.await(e -> e.name().equals("response") && "ping".equals(e.fields().get("method")), "ping response");
        assertThat(ping.str("seq")).isEqualTo("5");
        Map<String, Object> got = obj(js.await(e -> e.name().equals("response") && "metadata".equals(e.fields().get("method")), "metadata response"), "metaData");
        assertThat(got.get("seq")).isEqualTo("5");
        assertThat(got.get("attnets")).isEqualTo(HexFormat.of().formatHex(md.attnets().bytes()));
        assertThat(got.get("syncnets")).isEqualTo("08");
        JsEvent bad = js.await(e -> e.name().equals("response") && "bad-ping".equals(e.fields().get("method")), "bad ping");
        assertThat(bad.str("error")).startsWith("error response 1:");
        assertThat(js.await(e -> e.name().equals("done"), "done").fields().get("ok")).isEqualTo(true);

        StatusMessage fromJs = awaitFuture(jsStatus);
        assertThat(fromJs.headSlot()).isEqualTo(12);
        assertThat(fromJs.forkDigest()).isEqualTo(Bytes4.fromHex(DIGEST));
        PeerId jsId = PeerId.parse(js.peerId());
        assertThat(j.status(jsId)).contains(fromJs);
        assertThat(j.peerSeqNumber(jsId)).contains(9L);
    }

    @Test
    void javaDialsJsSendsStatusOnConnectAndPingsAndAsksMetaData() {
        ReqResp j = javaNode(DIGEST, 20, MetaData.empty(4));
        JsReqRespPeer js = js("--fork-digest", DIGEST, "--head-slot", "33", "--seq", "11",
                "--attnets", "ff00000000000081", "--syncnets", "05");
        PeerId jsId = PeerId.parse(js.peerId());
        CompletableFuture<StatusMessage> jsStatus = new CompletableFuture<>();
        j.addListener(e -> {
            if (e instanceof ReqRespEvent.StatusReceived s) {
                jsStatus.complete(s.status());
            }
        });
        await(j.host().connect(Multiaddr.parse(js.listenAddr())));

        StatusMessage st = awaitFuture(jsStatus);
        assertThat(st.headSlot()).isEqualTo(33);
        assertThat(st.headRoot().bytes()).containsOnly((byte) 33);
        Map<String, Object> ours = obj(js.await(e -> e.name().equals("request") && "status".equals(e.fields().get("method")), "status request"), "status");
        assertThat(ours.get("headSlot")).isEqualTo("20");
        assertThat(ours.get("forkDigest")).isEqualTo(DIGEST);

        assertThat(await(j.ping(jsId))).isEqualTo(11L);
        assertThat(js.await(e -> e.name().equals("request") && "ping".equals(e.fields().get("method")), "ping request").str("seq")).isEqualTo("4");
        MetaData md = await(j.metaData(jsId));
        assertThat(md.seqNumber()).isEqualTo(11);
        assertThat(md.attnets().bytes()).isEqualTo(HexFormat.of().parseHex("ff00000000000081"));
        assertThat(md.syncnets()).isEqualTo(Bitvector.of(4, 0, 2));
        assertThat(js.events().stream().filter(e -> e.name().equals("error")).toList()).isEmpty();
    }

    @Test
    void statusPingAndMetaDataOverMplexAsManyConsensusClientsOfferOnlyMplex() {
        ReqResp j = javaNode(DIGEST, 50, MetaData.empty(2), HostConfig.builder().muxers(HostConfig.MPLEX).build());
        JsReqRespPeer js = js("--fork-digest", DIGEST, "--head-slot", "60", "--seq", "13");
        PeerId jsId = PeerId.parse(js.peerId());
        assertThat(await(j.host().connect(Multiaddr.parse(js.listenAddr()))).muxer()).isEqualTo(HostConfig.MPLEX);
        assertThat(await(j.exchangeStatus(jsId)).headSlot()).isEqualTo(60);
        assertThat(await(j.ping(jsId))).isEqualTo(13L);
        assertThat(await(j.metaData(jsId)).seqNumber()).isEqualTo(13L);
    }

    @Test
    void jsOnAnotherForkGetsGoodbyeIrrelevantNetworkAndIsDisconnected() {
        ReqResp j = javaNode(DIGEST, 1, MetaData.empty(0));
        JsReqRespPeer js = js("--fork-digest", "bba4da96");
        CompletableFuture<Void> gone = new CompletableFuture<>();
        j.host().addListener(e -> {
            if (e instanceof HostEvent.PeerDisconnected) {
                gone.complete(null);
            }
        });
        await(j.host().connect(Multiaddr.parse(js.listenAddr())));
        JsEvent bye = js.await(e -> e.name().equals("request") && "goodbye".equals(e.fields().get("method")), "goodbye request");
        assertThat(bye.str("reason")).isEqualTo("2");
        awaitFuture(gone);
        assertThat(j.host().connection(PeerId.parse(js.peerId()))).isEmpty();
    }

    private static final String PREV_DIGEST = "01020304";

    /**
     * Serves BeaconBlocksByRange v2 with synthetic blocks and their context; a count over
     * MAX_REQUEST_BLOCKS_DENEB never reaches this handler (ReqResp answers InvalidRequest).
     */
    private static void serveBlocksByRange(ReqResp j, long forkSlot) {
        j.register(Eth2Methods.BLOCKS_BY_RANGE_V2, (RequestHandler<BlocksByRangeRequest, byte[]>) (peer, req, sink) -> {
            assertThat(req.count()).isLessThanOrEqualTo(ByRootRequests.MAX_REQUEST_BLOCKS_DENEB);
            for (long s = req.startSlot(); s < req.startSlot() + req.count(); s++) {
                byte[] b = new byte[100 + (int) (s % 50)];
                b[0] = (byte) s;
                if (s < forkSlot) {
                    sink.next(b, Bytes4.fromHex(PREV_DIGEST).bytes());
                } else {
                    sink.next(b);
                }
            }
            sink.complete();
        });
    }

    // ---- the synthetic chain of reqresp-peer.mjs: the same bytes on both sides ----

    /** {@code fill(tag, a, b, length)} of reqresp-peer.mjs. */
    private static byte[] fill(int tag, long a, long b, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (tag * 97L + a * 31 + b * 17 + i * 131L + (i >>> 7));
        }
        return out;
    }

    /** A known block root: 32 bytes of the slot's low byte. */
    private static Bytes32 rootOf(int slot) {
        byte[] r = new byte[32];
        Arrays.fill(r, (byte) slot);
        return new Bytes32(r);
    }

    /** A root no side knows. */
    private static final Bytes32 UNKNOWN_ROOT = Bytes32.fromHex("ff".repeat(31) + "00");

    private static int slotOfRoot(Bytes32 root) {
        byte[] r = root.bytes();
        for (byte x : r) {
            if (x != r[0]) {
                return -1;
            }
        }
        return r[0] & 0xff;
    }

    private static byte[] byRootBlock(long slot) {
        return fill(1, slot, 0, 100 + (int) (slot % 50));
    }

    private static byte[] blobSidecar(long slot, long index) {
        return fill(2, slot, index, Eth2Methods.BLOB_SIDECAR_SIZE);
    }

    private static byte[] columnSidecar(long slot, long column) {
        return fill(3, slot, column, 200 + (int) column);
    }

    private static byte[] contextOf(long slot, long forkSlot) {
        return Bytes4.fromHex(slot < forkSlot ? PREV_DIGEST : DIGEST).bytes();
    }

    /** One expected chunk: its context and payload. */
    private record Expected(String context, byte[] payload) {
        static Expected of(long slot, long forkSlot, byte[] payload) {
            return new Expected(HexFormat.of().formatHex(contextOf(slot, forkSlot)), payload);
        }
    }

    /**
     * Serves BeaconBlocksByRoot v2 and the blob and data column sidecar methods from the synthetic
     * chain, as reqresp-peer.mjs does: unknown roots skipped, slot s holding s % 3 blobs, columns by
     * range in (slot, column) order.
     */
    private static void serveSidecars(ReqResp j, long forkSlot) {
        j.register(Eth2Methods.BLOCKS_BY_ROOT_V2, (RequestHandler<List<Bytes32>, byte[]>) (peer, roots, sink) -> {
            for (Bytes32 r : roots) {
                int s = slotOfRoot(r);
                if (s >= 0) {
                    sink.next(byRootBlock(s), contextOf(s, forkSlot));
                }
            }
            sink.complete();
        });
        j.register(Eth2Methods.BLOB_SIDECARS_BY_RANGE_V1,
                (RequestHandler<BlobSidecarsByRangeRequest, byte[]>) (peer, req, sink) -> {
                    long end = req.startSlot() + Math.min(req.count(), ByRootRequests.MAX_REQUEST_BLOCKS_DENEB);
                    for (long s = req.startSlot(); s < end; s++) {
                        for (long i = 0; i < s % 3; i++) {
                            sink.next(blobSidecar(s, i), contextOf(s, forkSlot));
                        }
                    }
                    sink.complete();
                });
        j.register(Eth2Methods.BLOB_SIDECARS_BY_ROOT_V1, (RequestHandler<List<BlobIdentifier>, byte[]>) (peer, ids, sink) -> {
            for (BlobIdentifier id : ids) {
                int s = slotOfRoot(id.blockRoot());
                if (s >= 0 && id.index() < s % 3) {
                    sink.next(blobSidecar(s, id.index()), contextOf(s, forkSlot));
                }
            }
            sink.complete();
        });
        j.register(Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1,
                (RequestHandler<DataColumnSidecarsByRangeRequest, byte[]>) (peer, req, sink) -> {
                    List<Long> columns = req.columns().stream().sorted().toList();
                    for (long s = req.startSlot(); s < req.startSlot() + req.count(); s++) {
                        for (long c : columns) {
                            sink.next(columnSidecar(s, c), contextOf(s, forkSlot));
                        }
                    }
                    sink.complete();
                });
        j.register(Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1,
                (RequestHandler<List<DataColumnsByRootIdentifier>, byte[]>) (peer, ids, sink) -> {
                    for (DataColumnsByRootIdentifier id : ids) {
                        int s = slotOfRoot(id.blockRoot());
                        if (s >= 0) {
                            for (long c : id.columns()) {
                                sink.next(columnSidecar(s, c), contextOf(s, forkSlot));
                            }
                        }
                    }
                    sink.complete();
                });
    }

    /** Checks js's report of a response ({@code chunks}: context, length, sha256) against {@code expected}. */
    @SuppressWarnings("unchecked")
    private static void assertReported(JsEvent e, List<Expected> expected) {
        List<Map<String, Object>> chunks = (List<Map<String, Object>>) e.fields().get("chunks");
        assertThat(chunks).as(String.valueOf(e.fields().get("method"))).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Expected x = expected.get(i);
            assertThat(chunks.get(i).get("context")).as("context of chunk " + i).isEqualTo(x.context());
            assertThat(((Number) chunks.get(i).get("length")).intValue()).isEqualTo(x.payload().length);
            assertThat(chunks.get(i).get("sha256")).as("payload of chunk " + i).isEqualTo(sha256(x.payload()));
        }
    }

    /** Checks chunks Java received against {@code expected}, byte for byte. */
    private static void assertChunks(List<ResponseChunk<byte[]>> got, List<Expected> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(HexFormat.of().formatHex(got.get(i).context())).as("context of chunk " + i)
                    .isEqualTo(expected.get(i).context());
            assertThat(got.get(i).value()).as("payload of chunk " + i).isEqualTo(expected.get(i).payload());
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static JsEvent response(JsReqRespPeer js, String method) {
        return js.await(e -> e.name().equals("response") && method.equals(e.fields().get("method")), method);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> blocks(JsEvent e) {
        return (List<Map<String, Object>>) e.fields().get("blocks");
    }

    @Test
    void jsDialsJavaAndGetsFuluStatusMetaDataAndMultiChunkBlocksWithContext() {
        ReqResp j = javaNode(DIGEST, 77, MetaData.empty(0));
        StatusMessageV2 ours = StatusMessageV2.of(j.localStatus().orElseThrow(), 32);
        j.setStatusV2(ours);
        j.setMetaDataV3(new MetaDataV3(5, Bitvector.of(64, 1), Bitvector.of(4, 0), 8));
        serveBlocksByRange(j, 13);
        serveSidecars(j, 13);
        j.register(Eth2Methods.BLOCKS_BY_HEAD_V1, (RequestHandler<BlocksByHeadRequest, byte[]>) (peer, req, sink) -> {
            for (long s = 77; s > 77 - req.count(); s--) {
                byte[] b = new byte[100 + (int) (s % 50)];
                b[0] = (byte) s;
                sink.next(b);
            }
            sink.complete();
        });
        CompletableFuture<StatusMessage> jsStatus = new CompletableFuture<>();
        j.addListener(e -> {
            if (e instanceof ReqRespEvent.StatusReceived st) {
                jsStatus.complete(st.status());
            }
        });
        JsReqRespPeer js = js("--dial", TestHosts.dialAddr(j.host()).toString(), "--fork-digest", DIGEST,
                "--head-slot", "12", "--fulu", "--earliest-slot", "7", "--cgc", "16");

        Map<String, Object> st = obj(js.await(e -> e.name().equals("response") && "status-v2".equals(e.fields().get("method")), "status v2 response"), "status");
        assertThat(st.get("headSlot")).isEqualTo("77");
        assertThat(st.get("earliestAvailableSlot")).isEqualTo("32");
        Map<String, Object> md = obj(js.await(e -> e.name().equals("response") && "metadata-v3".equals(e.fields().get("method")), "metadata v3 response"), "metaData");
        assertThat(md.get("seq")).isEqualTo("5");
        assertThat(md.get("custodyGroupCount")).isEqualTo("8");
        List<Map<String, Object>> range = blocks(js.await(e -> e.name().equals("response") && "blocks-by-range".equals(e.fields().get("method")), "blocks by range"));
        assertThat(range).hasSize(6);
        assertThat(range).extracting(b -> ((Number) b.get("slot")).intValue()).containsExactly(10, 11, 12, 13, 14, 15);
        assertThat(range).extracting(b -> b.get("context"))
                .containsExactly(PREV_DIGEST, PREV_DIGEST, PREV_DIGEST, DIGEST, DIGEST, DIGEST);
        assertThat(((Number) range.get(5).get("length")).intValue()).isEqualTo(115);
        List<Map<String, Object>> head = blocks(js.await(e -> e.name().equals("response") && "blocks-by-head".equals(e.fields().get("method")), "blocks by head"));
        assertThat(head).extracting(b -> ((Number) b.get("slot")).intValue()).containsExactly(77, 76, 75);
        // the sidecar methods and blocks by root, against the same synthetic chain (fork at slot 13)
        assertReported(response(js, "blocks-by-root"),
                List.of(Expected.of(10, 13, byRootBlock(10)), Expected.of(14, 13, byRootBlock(14))));
        assertReported(response(js, "blob-sidecars-by-range"), List.of(
                Expected.of(10, 13, blobSidecar(10, 0)), Expected.of(11, 13, blobSidecar(11, 0)),
                Expected.of(11, 13, blobSidecar(11, 1)), Expected.of(13, 13, blobSidecar(13, 0))));
        assertReported(response(js, "blob-sidecars-by-root"),
                List.of(Expected.of(13, 13, blobSidecar(13, 0)), Expected.of(11, 13, blobSidecar(11, 1))));
        List<Expected> byRange = new ArrayList<>();
        for (long s = 11; s < 14; s++) {
            for (long c : List.of(0L, 5L, 127L)) {
                byRange.add(Expected.of(s, 13, columnSidecar(s, c)));
            }
        }
        assertReported(response(js, "data-column-sidecars-by-range"), byRange);
        assertReported(response(js, "data-column-sidecars-by-root"), List.of(Expected.of(12, 13, columnSidecar(12, 1)),
                Expected.of(12, 13, columnSidecar(12, 2)), Expected.of(20, 13, columnSidecar(20, 127))));
        JsEvent tooMany = js.await(e -> e.name().equals("response") && "blocks-by-range-too-many".equals(e.fields().get("method")), "too many");
        assertThat(tooMany.str("error")).startsWith("error response 1:");
        assertThat(js.await(e -> e.name().equals("done"), "done").fields().get("ok")).isEqualTo(true);

        // js dialled with Status v1 first (its runDialer order), then v2: Java kept the v2
        awaitFuture(jsStatus);
        PeerId jsId = PeerId.parse(js.peerId());
        assertThat(j.statusV2(jsId)).hasValueSatisfying(v -> assertThat(v.earliestAvailableSlot()).isEqualTo(7));
    }

    @Test
    void javaDialsJsOffersStatusV2AndStreamsBlocksWithContext() {
        ReqResp j = javaNode(DIGEST, 20, MetaData.empty(4));
        j.setStatusV2(StatusMessageV2.of(j.localStatus().orElseThrow(), 3));
        j.setMetaDataV3(new MetaDataV3(4, Bitvector.empty(64), Bitvector.empty(4), 4));
        JsReqRespPeer js = js("--fork-digest", DIGEST, "--head-slot", "40", "--seq", "11", "--fulu",
                "--earliest-slot", "9", "--cgc", "32", "--fork-slot", "22");
        PeerId jsId = PeerId.parse(js.peerId());
        await(j.host().connect(Multiaddr.parse(js.listenAddr())));

        // Status on connect went out as v2 (offered first) and js answered v2
        Map<String, Object> sent = obj(js.await(e -> e.name().equals("request") && "status-v2".equals(e.fields().get("method")), "status v2 request"), "status");
        assertThat(sent.get("earliestAvailableSlot")).isEqualTo("3");
        assertThat(await(j.exchangeStatus(jsId)).headSlot()).isEqualTo(40);
        assertThat(j.statusV2(jsId)).hasValueSatisfying(v -> assertThat(v.earliestAvailableSlot()).isEqualTo(9));
        MetaDataV3 theirs = await(j.metaDataV3(jsId));
        assertThat(theirs.seqNumber()).isEqualTo(11);
        assertThat(theirs.custodyGroupCount()).isEqualTo(32);

        List<ResponseChunk<byte[]>> range = await(j.requestChunksWithContext(jsId, Eth2Methods.BLOCKS_BY_RANGE_V2,
                new BlocksByRangeRequest(20, 4, 1)));
        assertThat(range).extracting(c -> (int) c.value()[0]).containsExactly(20, 21, 22, 23);
        assertThat(range).extracting(c -> HexFormat.of().formatHex(c.context()))
                .containsExactly(PREV_DIGEST, PREV_DIGEST, DIGEST, DIGEST);
        assertThat(range.get(3).value()).hasSize(123);

        List<Integer> slots = new java.util.concurrent.CopyOnWriteArrayList<>();
        int n = await(j.requestStream(jsId, Eth2Methods.BLOCKS_BY_HEAD_V1,
                new BlocksByHeadRequest(Bytes32.ZERO, 5), c -> slots.add(c.value()[0] & 0xff)));
        assertThat(n).isEqualTo(5);
        assertThat(slots).containsExactly(40, 39, 38, 37, 36);

        // the sidecar methods and blocks by root, against js's synthetic chain (fork at slot 22)
        assertChunks(await(j.requestChunksWithContext(jsId, Eth2Methods.BLOCKS_BY_ROOT_V2,
                List.of(rootOf(21), UNKNOWN_ROOT, rootOf(23)))),
                List.of(Expected.of(21, 22, byRootBlock(21)), Expected.of(23, 22, byRootBlock(23))));
        assertChunks(await(j.requestChunksWithContext(jsId, Eth2Methods.BLOB_SIDECARS_BY_RANGE_V1,
                new BlobSidecarsByRangeRequest(20, 3))), List.of(Expected.of(20, 22, blobSidecar(20, 0)),
                Expected.of(20, 22, blobSidecar(20, 1)), Expected.of(22, 22, blobSidecar(22, 0))));
        assertChunks(await(j.requestChunksWithContext(jsId, Eth2Methods.BLOB_SIDECARS_BY_ROOT_V1,
                List.of(new BlobIdentifier(rootOf(22), 0), new BlobIdentifier(rootOf(23), 5),
                        new BlobIdentifier(rootOf(20), 1)))),
                List.of(Expected.of(22, 22, blobSidecar(22, 0)), Expected.of(20, 22, blobSidecar(20, 1))));
        List<ResponseChunk<byte[]>> columns = new CopyOnWriteArrayList<>();
        int streamed = await(j.requestStream(jsId, Eth2Methods.DATA_COLUMN_SIDECARS_BY_RANGE_V1,
                new DataColumnSidecarsByRangeRequest(21, 2, List.of(127L, 3L)), columns::add));
        assertThat(streamed).isEqualTo(4);
        assertChunks(columns, List.of(Expected.of(21, 22, columnSidecar(21, 3)),
                Expected.of(21, 22, columnSidecar(21, 127)), Expected.of(22, 22, columnSidecar(22, 3)),
                Expected.of(22, 22, columnSidecar(22, 127))));
        assertChunks(await(j.requestChunksWithContext(jsId, Eth2Methods.DATA_COLUMN_SIDECARS_BY_ROOT_V1,
                List.of(new DataColumnsByRootIdentifier(rootOf(22), List.of(0L, 64L)),
                        new DataColumnsByRootIdentifier(UNKNOWN_ROOT, List.of(1L))))),
                List.of(Expected.of(22, 22, columnSidecar(22, 0)), Expected.of(22, 22, columnSidecar(22, 64))));
        // js decoded our requests as we meant them
        JsEvent colReq = js.await(e -> e.name().equals("request")
                && "data-column-sidecars-by-range".equals(e.fields().get("method")), "columns by range request");
        assertThat(colReq.str("startSlot")).isEqualTo("21");
        assertThat((List<?>) colReq.fields().get("columns")).extracting(x -> ((Number) x).intValue())
                .containsExactly(127, 3);

        CompletableFuture<List<byte[]>> tooMany = j.requestChunks(jsId, Eth2Methods.BLOCKS_BY_RANGE_V2,
                new BlocksByRangeRequest(0, 129, 1));
        assertThat(tooMany).failsWithin(WAIT).withThrowableThat().havingRootCause()
                .isInstanceOfSatisfying(ReqRespException.class, x -> assertThat(x.code()).isEqualTo(ResultCode.INVALID_REQUEST));
    }

    @Test
    void javaOnFuluFallsBackToStatusV1WithAPeerWithoutV2() {
        ReqResp j = javaNode(DIGEST, 20, MetaData.empty(4));
        j.setStatusV2(StatusMessageV2.of(j.localStatus().orElseThrow(), 3));
        JsReqRespPeer js = js("--fork-digest", DIGEST, "--head-slot", "41"); // no --fulu: v1 only
        PeerId jsId = PeerId.parse(js.peerId());
        await(j.host().connect(Multiaddr.parse(js.listenAddr())));
        Map<String, Object> sent = obj(js.await(e -> e.name().equals("request") && "status".equals(e.fields().get("method")), "status v1 request"), "status");
        assertThat(sent.get("headSlot")).isEqualTo("20");
        assertThat(await(j.exchangeStatus(jsId)).headSlot()).isEqualTo(41);
        assertThat(j.statusV2(jsId)).isEmpty();
    }

    private static <T> T awaitFuture(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code node reqresp-peer.mjs}: JSON events from stdout; stopped by closing its stdin. */
    static final class JsReqRespPeer implements AutoCloseable {
        private final Process process;
        private final List<JsEvent> events = new ArrayList<>();
        private final List<Boolean> taken = new ArrayList<>();
        private final StringBuilder stderr = new StringBuilder();
        private boolean ended;

        private JsReqRespPeer(Process p) {
            this.process = p;
            Thread out = new Thread(this::readStdout, "js-reqresp-stdout");
            out.setDaemon(true);
            out.start();
            Thread err = new Thread(this::readStderr, "js-reqresp-stderr");
            err.setDaemon(true);
            err.start();
        }

        static JsReqRespPeer start(List<String> args) {
            List<String> cmd = NodeScript.command("reqresp-peer.mjs", args);
            try {
                return new JsReqRespPeer(NodeScript.processBuilder(cmd).start());
            } catch (IOException e) {
                throw new AssertionError("cannot start " + cmd + ": " + e, e);
            }
        }

        String peerId() {
            return await(e -> e.name().equals("listening"), "listening").str("peerId");
        }

        String listenAddr() {
            JsEvent l = await(e -> e.name().equals("listening"), "listening");
            return l.strings("addrs").get(0) + "/p2p/" + l.str("peerId");
        }

        synchronized List<JsEvent> events() {
            return List.copyOf(events);
        }

        /** The first matching event not yet returned (the listening event may be returned again). */
        JsEvent await(Predicate<JsEvent> match, String what) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (this) {
                while (true) {
                    for (int i = 0; i < events.size(); i++) {
                        JsEvent e = events.get(i);
                        if ((!taken.get(i) || e.name().equals("listening")) && match.test(e)) {
                            taken.set(i, true);
                            return e;
                        }
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (ended || left <= 0) {
                        throw new AssertionError("js req/resp peer: no " + what + (ended ? " (it exited)" : " within " + WAIT)
                                + "\nevents:\n" + events.stream().map(JsEvent::line).reduce("", (a, b) -> a + b + "\n")
                                + "stderr:\n" + stderr);
                    }
                    try {
                        wait(left);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(x);
                    }
                }
            }
        }

        private void readStdout() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (this) {
                        events.add(JsEvent.parse(line));
                        taken.add(false);
                        notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        private void readStderr() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (this) {
                        if (stderr.length() < 32_000) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(8, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
