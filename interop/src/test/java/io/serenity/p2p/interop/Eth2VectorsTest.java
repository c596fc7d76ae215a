package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.Eth2MessageId;
import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.gossip.SnappyException;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.pubsub.PubSubMessage;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The eth2 profile agrees with js (interop/js/eth2-vectors.mjs): message ids (phase0 and altair, valid
 * and invalid snappy) computed by js from the spec, snappyjs-compressed payloads, ENRs created and signed
 * by {@code @chainsafe/enr} (Java decodes, verifies, and produces the same text from the same fields),
 * and ENRs created by Java decoded and verified by js.
 */
class Eth2VectorsTest {

    private static final Duration JS_WAIT = Duration.ofSeconds(60);
    private static final HexFormat HEX = HexFormat.of();
    private static Map<String, Object> vectors;

    @BeforeAll
    static void generate() {
        NodeScript.Result r = NodeScript.run(JS_WAIT, null, "eth2-vectors.mjs").assertSuccess("eth2-vectors.mjs");
        vectors = r.jsonLines().get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(String key) {
        return (List<Map<String, Object>>) vectors.get(key);
    }

    @Test
    void messageIdsMatchJs() {
        List<Map<String, Object>> ids = list("messageIds");
        assertThat(ids).hasSizeGreaterThanOrEqualTo(20);
        SoftAssertions soft = new SoftAssertions();
        int invalid = 0;
        for (Map<String, Object> v : ids) {
            String topic = (String) v.get("topic");
            byte[] data = HEX.parseHex((String) v.get("data"));
            PubSubMessage m = new PubSubMessage(null, data, null, topic, null, null);
            soft.assertThat(Eth2MessageId.altair().apply(m).toString()).as("altair %s", v).isEqualTo(v.get("altair"));
            soft.assertThat(Eth2MessageId.phase0().apply(m).toString()).as("phase0 %s", v).isEqualTo(v.get("phase0"));
            boolean valid = (Boolean) v.get("valid");
            if (valid) {
                soft.assertThat(HEX.formatHex(SnappyBlock.decompress(data, Eth2GossipProfile.MAX_PAYLOAD_SIZE)))
                        .isEqualTo(v.get("decompressed"));
            } else {
                invalid++;
                soft.assertThatThrownBy(() -> SnappyBlock.decompress(data, Eth2GossipProfile.MAX_PAYLOAD_SIZE))
                        .isInstanceOf(SnappyException.class);
            }
        }
        soft.assertThat(invalid).as("invalid-snappy vectors").isPositive();
        soft.assertAll();
    }

    @Test
    void snappyBlocksFromJsDecompressAndJavaBlocksRoundTrip() {
        for (Map<String, Object> v : list("snappy")) {
            byte[] input = HEX.parseHex((String) v.get("input"));
            byte[] fromJs = HEX.parseHex((String) v.get("compressed"));
            assertThat(SnappyBlock.decompress(fromJs, input.length)).isEqualTo(input);
            assertThat(SnappyBlock.decompress(SnappyBlock.compress(input), input.length)).isEqualTo(input);
        }
    }

    @Test
    void enrsFromJsDecodeVerifyAndAreReproducedByJava() throws Exception {
        List<Map<String, Object>> enrs = list("enrs");
        assertThat(enrs).isNotEmpty();
        for (Map<String, Object> v : enrs) {
            String text = (String) v.get("text");
            Enr enr = Enr.fromText(text);
            assertThat(Long.toUnsignedString(enr.seq())).isEqualTo(v.get("seq"));
            assertThat(enr.peerId().toBase58()).isEqualTo(v.get("peerId"));
            assertThat(HEX.formatHex(enr.nodeId())).isEqualTo(v.get("nodeId"));
            assertThat(enr.ip().map(InetAddress::getHostAddress).orElse(null)).isEqualTo(v.get("ip"));
            assertThat(enr.toText()).isEqualTo(text);

            Enr.Builder b = Enr.builder().seq(Long.parseUnsignedLong((String) v.get("seq")));
            if (v.get("ip") != null) {
                b.ip(InetAddress.getByName((String) v.get("ip")));
            }
            if (v.get("tcp") != null) {
                b.tcp(((Number) v.get("tcp")).intValue());
                assertThat(enr.tcp()).hasValue(((Number) v.get("tcp")).intValue());
            }
            if (v.get("udp") != null) {
                b.udp(((Number) v.get("udp")).intValue());
                assertThat(enr.udp()).hasValue(((Number) v.get("udp")).intValue());
            }
            if (v.get("eth2") != null) {
                EnrForkId id = EnrForkId.decode(HEX.parseHex((String) v.get("eth2")));
                b.eth2(id);
                assertThat(enr.eth2()).contains(id);
            }
            if (v.get("attnets") != null) {
                Bitvector a = new Bitvector(64, HEX.parseHex((String) v.get("attnets")));
                b.attnets(a);
                assertThat(enr.attnets()).contains(a);
            }
            if (v.get("syncnets") != null) {
                Bitvector s = new Bitvector(4, HEX.parseHex((String) v.get("syncnets")));
                b.syncnets(s);
                assertThat(enr.syncnets()).contains(s);
            }
            PrivateKey key = PrivateKey.fromRaw(KeyType.SECP256K1, HEX.parseHex((String) v.get("privateKey")));
            assertThat(b.sign(key).toText()).as("Java signing the same fields").isEqualTo(text);
        }
    }

    @Test
    void enrsFromJavaDecodeInJs() throws Exception {
        List<Enr> mine = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, seed);
            mine.add(Enr.builder().seq(seed * 1000).ip(InetAddress.getByName("10.0.0." + seed)).tcp(9000 + (int) seed)
                    .udp(9100).quic(9400 + (int) seed).ip(InetAddress.getByName("2001:db8::" + seed)).tcp6(9200)
                    .udp6(9300).quic6(9500)
                    .eth2(new EnrForkId(Bytes4.fromHex("b5303f2a"), Bytes4.fromHex("01000000"), EnrForkId.FAR_FUTURE_EPOCH))
                    .attnets(Bitvector.of(64, (int) seed, 63)).syncnets(Bitvector.of(4, 1)).sign(key));
        }
        StringBuilder stdin = new StringBuilder();
        mine.forEach(e -> stdin.append(e.toText()).append('\n'));
        List<Map<String, Object>> out = NodeScript.run(JS_WAIT, stdin.toString(), "eth2-vectors.mjs", "decode")
                .assertSuccess("eth2-vectors.mjs decode").jsonLines();
        assertThat(out).hasSize(mine.size());
        for (int i = 0; i < mine.size(); i++) {
            Enr e = mine.get(i);
            Map<String, Object> js = out.get(i);
            assertThat(js.get("ok")).as("js verdict %s", js).isEqualTo(true);
            assertThat(js.get("seq")).isEqualTo(Long.toString(e.seq()));
            assertThat(js.get("peerId")).isEqualTo(e.peerId().toBase58());
            assertThat(js.get("nodeId")).isEqualTo(HEX.formatHex(e.nodeId()));
            assertThat(js.get("ip")).isEqualTo(e.ip().orElseThrow().getHostAddress());
            assertThat(((Number) js.get("tcp")).intValue()).isEqualTo(e.tcp().getAsInt());
            assertThat(((Number) js.get("udp")).intValue()).isEqualTo(9100);
            assertThat(((Number) js.get("tcp6")).intValue()).isEqualTo(9200);
            assertThat(((Number) js.get("udp6")).intValue()).isEqualTo(9300);
            assertThat(((Number) js.get("quic")).intValue()).isEqualTo(e.quic().getAsInt());
            assertThat(((Number) js.get("quic6")).intValue()).isEqualTo(9500);
            // js makes the same QUIC dial address of the record as Java
            assertThat(js.get("quicMultiaddr") + "/p2p/" + e.peerId().toBase58())
                    .isEqualTo(e.quicMultiaddr().orElseThrow().toString())
                    .isEqualTo(e.dialMultiaddrs().get(0).toString());
            assertThat(InetAddress.getByName((String) js.get("ip6"))).isEqualTo(e.ip6().orElseThrow());
            assertThat(js.get("eth2")).isEqualTo(HEX.formatHex(e.get("eth2").orElseThrow()));
            assertThat(js.get("attnets")).isEqualTo(HEX.formatHex(e.get("attnets").orElseThrow()));
            assertThat(js.get("syncnets")).isEqualTo("02");
            assertThat(js.get("text")).isEqualTo(e.toText());
        }
    }
}
