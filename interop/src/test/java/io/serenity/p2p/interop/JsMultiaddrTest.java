package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Multiaddrs agree between p2p-core and js ({@code @multiformats/multiaddr} 13, via vectors.mjs and the
 * addresses a js peer listens on): same binary form for the same text, same canonical text from the same
 * bytes, and both reject the same malformed text. Spec: multiformats/multiaddr README and protocols.csv.
 */
class JsMultiaddrTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final List<String> VALID = List.of(
            "/ip4/1.2.3.4/tcp/80",
            "/ip4/0.0.0.0/tcp/0",
            "/ip4/127.0.0.1/tcp/65535",
            "/ip6/::1/tcp/4001/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
            "/ip6/2001:0db8:0000:0000:0000:0000:0000:0001/tcp/1",
            "/ip6/fe80::1:2:3:4/tcp/9000",
            "/dns4/example.com/tcp/443",
            "/dns6/a.b/tcp/1/p2p/16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq",
            "/dns/bootnode.example.org/tcp/9000",
            "/ip4/127.0.0.1/udp/9000/quic-v1",
            "/ip4/10.0.0.1/udp/9000/quic-v1/p2p/16Uiu2HAm3cuhhRL2msUuLF62KRSfneFDx94RsuouyW25Ho42cFMq",
            "/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
            "/p2p/bafzaajaiaejcatfvvp3k26p36wv3zsx4yju5qxgsmupnjoefwwdj6ja25xyklorj");

    private static final List<String> INVALID = List.of(
            "/ip4/1.2.3.4/tcp/99999",
            "/ip4/256.0.0.1/tcp/1",
            "/ip4/1.2.3/tcp/1",
            "/tcp",
            "/ip4",
            "/no-such-protocol/1",
            "/p2p/not-a-peer-id");

    private static List<Map<String, Object>> js(List<String> inputs) {
        List<Map<String, Object>> out = NodeScript.run(Duration.ofSeconds(90), String.join("\n", inputs) + "\n",
                "vectors.mjs", "multiaddr").assertSuccess("vectors.mjs multiaddr").jsonLines();
        assertThat(out).hasSize(inputs.size());
        return out;
    }

    @Test
    void sameTextGivesSameBytesAndSameBytesGiveSameTextInJavaAndJs() {
        List<Map<String, Object>> js = js(VALID);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> v : js) {
            String input = (String) v.get("input");
            soft.assertThat(v.get("error")).as("js rejects %s", input).isNull();
            if (v.get("hex") == null) {
                continue;
            }
            byte[] jsBytes = HEX.parseHex((String) v.get("hex"));
            Multiaddr parsed = Multiaddr.parse(input);
            soft.assertThat(HEX.formatHex(parsed.toBytes())).as("bytes of %s", input).isEqualTo(v.get("hex"));
            Multiaddr decoded = Multiaddr.fromBytes(jsBytes);
            soft.assertThat(decoded).as("js bytes of %s", input).isEqualTo(parsed);
            soft.assertThat(decoded.toString()).as("text from js bytes of %s", input).isEqualTo(v.get("textFromBytes"));
        }
        soft.assertAll();
    }

    @Test
    void malformedTextIsRejectedByJavaAndJs() {
        List<Map<String, Object>> js = js(INVALID);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> v : js) {
            String input = (String) v.get("input");
            soft.assertThat(v.get("error")).as("js accepted %s as %s", input, v.get("hex")).isNotNull();
            soft.assertThat(catchThrowable(() -> Multiaddr.parse(input))).as("Java on %s", input)
                    .isInstanceOf(FormatException.class);
        }
        soft.assertAll();
    }

    @Test
    void javaReadsTheAddressesAJsPeerListensOn() throws Exception {
        try (JsPeer js = JsPeer.start("--listen", "/ip4/127.0.0.1/tcp/0", "--listen", "/ip6/::1/tcp/0")) {
            JsEvent listening = js.first("listening");
            List<String> texts = listening.strings("addrs");
            List<String> hexes = listening.strings("addrsHex");
            assertThat(texts).hasSize(2).hasSameSizeAs(hexes);
            PeerId id = PeerId.parse(js.peerId());
            for (int i = 0; i < texts.size(); i++) {
                Multiaddr addr = Multiaddr.parse(texts.get(i));
                assertThat(Multiaddr.fromBytes(HEX.parseHex(hexes.get(i)))).isEqualTo(addr);
                assertThat(addr.peerId()).contains(id);
                assertThat(addr.withoutPeerId().toTcpSocketAddress().getAddress().isLoopbackAddress()).isTrue();
                assertThat(addr.withoutPeerId().toTcpSocketAddress().getPort()).isPositive();
            }
            assertThat(Multiaddr.parse(texts.get(1)).toTcpSocketAddress().getAddress())
                    .isEqualTo(InetAddress.getByName("::1"));
        }
    }
}
