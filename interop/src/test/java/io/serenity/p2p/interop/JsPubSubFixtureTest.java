package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@link JsPubSubPeer} fixture and the pubsub-peer.mjs event contract, checked js against js (two
 * processes over TCP + Noise + yamux) so that a failing Java-against-js pubsub test can be blamed on Java.
 */
class JsPubSubFixtureTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "router={0}, sign={1}, muxer={2}")
    @CsvSource({
        "gossipsub, none, yamux",
        "gossipsub, strict, yamux",
        "gossipsub, none, mplex",
        // Not "floodsub, none": js floodsub 11.0.28 drops every received message without a from field,
        // so it cannot receive StrictNoSign messages at all (docs/interop.md, pubsub pitfalls).
        "floodsub, strict, yamux",
        "floodsub, strict, mplex"
    })
    void everyPublishedMessageIsDeliveredExactlyOnce(String router, String sign, String muxer) {
        int count = 20;
        String topic = "fixture-" + router + "-" + sign;
        // Small-mesh degrees too, as Java tests with two or three peers will use them.
        try (JsPubSubPeer receiver = JsPubSubPeer.start("--router", router, "--sign", sign, "--topic", topic,
                "--muxers", muxer, "--D", "2", "--Dlo", "1", "--Dhi", "3")) {
            String addr = receiver.listenAddr();
            assertThat(receiver.first("listening").str("router")).isEqualTo(router);
            try (JsPubSubPeer sender = JsPubSubPeer.start("--router", router, "--sign", sign, "--topic", topic,
                    "--muxers", muxer, "--D", "2", "--Dlo", "1", "--Dhi", "3",
                    "--dial", addr, "--publish", Integer.toString(count), "--size", "300", "--rate", "50")) {
                JsEvent connected = sender.await("connected");
                assertThat(connected.str("peerId")).isEqualTo(receiver.peerId());
                assertThat(connected.str("muxer")).isEqualTo(muxer.equals("yamux") ? "/yamux/1.0.0" : "/mplex/6.7.0");
                JsEvent done = sender.await("publish-done", WAIT);
                assertThat(done.num("ok")).as("%s", done).isEqualTo(count);

                List<JsEvent> got = receiver.awaitMessages(topic, count, WAIT);
                List<Long> indexes = new ArrayList<>();
                for (JsEvent m : got) {
                    byte[] data = Base64.getDecoder().decode(m.str("data"));
                    assertThat(data).hasSize(300);
                    assertThat(m.num("size")).isEqualTo(300);
                    assertThat(m.str("sha256")).isEqualTo(HEX.formatHex(sha256(data)));
                    indexes.add(ByteBuffer.wrap(data).getLong(0));
                    if (sign.equals("strict")) {
                        assertThat(m.str("from")).isEqualTo(sender.peerId());
                        assertThat(m.str("seqno")).isNotEmpty();
                    } else {
                        assertThat(m.has("from")).isFalse();
                        assertThat(m.has("seqno")).isFalse();
                        // js's StrictNoSign default id: SHA-256 of the data.
                        assertThat(m.str("id")).isEqualTo(m.str("sha256"));
                    }
                }
                assertThat(indexes).containsExactlyInAnyOrderElementsOf(
                        java.util.stream.LongStream.range(0, count).boxed().toList());

                // An end marker published through stdin, after everything else on the same connection: any
                // duplicate of the earlier messages would have arrived before it.
                byte[] end = "end-of-run".getBytes(StandardCharsets.UTF_8);
                sender.publish(topic, end);
                sender.await(e -> e.name().equals("published") && "stdin".equals(e.fields().get("source")),
                        "published event of the stdin command", WAIT);
                JsEvent last = receiver.awaitMessages(topic, 1, WAIT).get(0);
                assertThat(Base64.getDecoder().decode(last.str("data"))).isEqualTo(end);
                assertThat(receiver.events("message")).hasSize(count + 1);
                assertThat(receiver.events("error")).isEmpty();
                assertThat(sender.events("error")).isEmpty();
            }
        }
    }

    @Test
    void gossipsubFormsAMeshAndReportsItWithScores() {
        String topic = "mesh";
        try (JsPubSubPeer a = JsPubSubPeer.start("--topic", topic, "--report-mesh-ms", "300", "--sign", "none");
                JsPubSubPeer b = JsPubSubPeer.start("--topic", topic, "--report-mesh-ms", "300", "--sign", "none",
                        "--dial", a.listenAddr())) {
            assertThat(a.awaitMesh(topic, WAIT).strings("peers")).containsExactly(b.peerId());
            assertThat(b.awaitMesh(topic, WAIT).strings("peers")).containsExactly(a.peerId());
            JsEvent score = b.await(e -> e.name().equals("score") && a.peerId().equals(e.fields().get("peer")),
                    "score of the other peer", WAIT);
            assertThat(score.decimal("score")).isGreaterThanOrEqualTo(0);
            assertThat(a.await("peer-subscription").str("topic")).isEqualTo(topic);
            b.quit();
            assertThat(b.awaitExit(Duration.ofSeconds(10))).isZero();
            assertThat(b.events("stopped")).hasSize(1);
        }
    }

    @Test
    void fromSeqnoMessageIdIsThePeerIdBytesFollowedByTheBigEndianSeqno() {
        String topic = "ids";
        try (JsPubSubPeer receiver = JsPubSubPeer.start("--topic", topic, "--msg-id", "from-seqno");
                JsPubSubPeer sender = JsPubSubPeer.start("--topic", topic, "--msg-id", "from-seqno",
                        "--key-type", "secp256k1", "--dial", receiver.listenAddr(), "--publish", "3", "--size", "64")) {
            byte[] from = PeerId.parse(sender.peerId()).toBytes();
            for (JsEvent m : receiver.awaitMessages(topic, 3, WAIT)) {
                String seqnoHex = String.format("%016x", new java.math.BigInteger(m.str("seqno")));
                assertThat(m.str("id")).isEqualTo(HEX.formatHex(from) + seqnoHex);
            }
        }
    }

    @Test
    void defaultStrictSignMessageIdIsTheProtobufPublicKeyNotThePeerId() {
        String topic = "ids-default";
        try (JsPubSubPeer receiver = JsPubSubPeer.start("--topic", topic);
                JsPubSubPeer sender = JsPubSubPeer.start("--topic", topic, "--dial", receiver.listenAddr(),
                        "--publish", "1", "--size", "64")) {
            JsEvent m = receiver.awaitMessages(topic, 1, WAIT).get(0);
            // ed25519 PeerId = identity multihash (0x00, length 0x24) of the protobuf public key: js's default
            // id drops those two bytes, so it differs from go's from || seqno.
            byte[] from = PeerId.parse(sender.peerId()).toBytes();
            String protobufKey = HEX.formatHex(Arrays.copyOfRange(from, 2, from.length));
            String seqnoHex = String.format("%016x", new java.math.BigInteger(m.str("seqno")));
            assertThat(m.str("id")).isEqualTo(protobufKey + seqnoHex).isNotEqualTo(HEX.formatHex(from) + seqnoHex);
        }
    }

    @Test
    void eth2MessageIdHashesTheSnappyDecompressedDataOrTheRawDataWhenInvalid() {
        String topic = "/eth2/00000000/beacon_block/ssz_snappy";
        try (JsPubSubPeer receiver = JsPubSubPeer.start("--sign", "none", "--msg-id", "eth2", "--topic", topic);
                JsPubSubPeer sender = JsPubSubPeer.start("--sign", "none", "--msg-id", "eth2", "--topic", topic,
                        "--dial", receiver.listenAddr(), "--report-mesh-ms", "200")) {
            sender.awaitMesh(topic, WAIT);
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            // Snappy block format: varint uncompressed length, then one literal of 5 bytes (tag (5-1)<<2).
            byte[] snappyHello = {5, 4 << 2, 'h', 'e', 'l', 'l', 'o'};
            byte[] notSnappy = {(byte) 0xff, (byte) 0xff, 1, 2, 3};
            sender.publish(topic, snappyHello);
            sender.publish(topic, notSnappy);
            List<JsEvent> got = receiver.awaitMessages(topic, 2, WAIT);
            assertThat(got.stream().map(e -> e.str("id")).collect(Collectors.toSet())).containsExactlyInAnyOrder(
                    HEX.formatHex(eth2Id(new byte[] {1, 0, 0, 0}, topic, hello)),
                    HEX.formatHex(eth2Id(new byte[] {0, 0, 0, 0}, topic, notSnappy)));
        }
    }

    @Test
    void rejectedMessagesAreNotDeliveredButLaterValidOnesAre() {
        String topic = "validated";
        try (JsPubSubPeer receiver = JsPubSubPeer.start("--sign", "none", "--topic", topic, "--reject-invalid");
                JsPubSubPeer sender = JsPubSubPeer.start("--sign", "none", "--topic", topic,
                        "--dial", receiver.listenAddr(), "--publish", "5", "--size", "32", "--publish-invalid")) {
            assertThat(sender.await("publish-done", WAIT).num("ok")).isEqualTo(5);
            byte[] valid = "valid".getBytes(StandardCharsets.UTF_8);
            sender.publish(topic, valid);
            JsEvent m = receiver.awaitMessages(topic, 1, WAIT).get(0);
            assertThat(Base64.getDecoder().decode(m.str("data"))).isEqualTo(valid);
            assertThat(receiver.events("message")).hasSize(1);
        }
    }

    private static byte[] eth2Id(byte[] domain, String topic, byte[] payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + t.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(domain).putLong(t.length).put(t).put(payload);
        return Arrays.copyOf(sha256(b.array()), 20);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
