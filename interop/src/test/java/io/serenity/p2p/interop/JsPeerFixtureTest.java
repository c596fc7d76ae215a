package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@link JsPeer} fixture and the peer.mjs event contract, checked js against js so that a failing
 * Java-against-js test can be blamed on Java, not on the partner.
 */
class JsPeerFixtureTest {

    @ParameterizedTest(name = "muxers={0}, muxers in Noise={1}")
    @CsvSource({
        "'yamux,mplex', on, /yamux/1.0.0",
        "mplex, on, /mplex/6.7.0",
        "mplex, off, /mplex/6.7.0",
        "yamux, off, /yamux/1.0.0"
    })
    void jsDialerPingsAndEchoesThroughJsListenerWithTheChosenMuxer(String muxers, String noiseMuxers,
            String expectedMuxer) {
        try (JsPeer listener = JsPeer.start("--echo", "--rate-limit", "off", "--key-type", "secp256k1")) {
            JsEvent listening = listener.await("listening");
            String addr = listening.strings("addrs").get(0);
            assertThat(addr).startsWith("/ip4/127.0.0.1/tcp/").endsWith("/p2p/" + listening.str("peerId"));
            assertThat(listening.strings("protocols")).contains("/echo/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");

            assertThat(listener.peerId()).isEqualTo(listening.str("peerId"));
            assertThat(listener.listenAddr()).isEqualTo(addr);

            try (JsPeer dialer = JsPeer.start("--dial", addr, "--muxers", muxers, "--noise-muxers", noiseMuxers,
                    "--ping", "2", "--streams", "4", "--bytes", "100000", "--close")) {
                JsEvent connected = dialer.await("connected");
                assertThat(connected.str("peerId")).isEqualTo(listening.str("peerId"));
                assertThat(connected.str("direction")).isEqualTo("outbound");
                assertThat(connected.str("muxer")).isEqualTo(expectedMuxer);

                JsEvent identify = dialer.await("identify");
                assertThat(identify.str("peerId")).isEqualTo(listening.str("peerId"));
                assertThat(identify.strings("protocols")).contains("/echo/1.0.0");
                assertThat(identify.str("agentVersion")).startsWith("js-libp2p/");

                assertThat(dialer.await("ping").decimal("rttMs")).isGreaterThanOrEqualTo(0);
                assertThat(dialer.await("ping").num("seq")).isEqualTo(1);
                JsEvent echo = dialer.await("echo");
                assertThat(echo.bool("ok")).as("%s", echo).isTrue();
                assertThat(echo.num("streams")).isEqualTo(4);
                assertThat(echo.num("bytes")).isEqualTo(100000);
                assertThat(dialer.await("done").bool("ok")).isTrue();
                assertThat(dialer.events("error")).isEmpty();

                JsEvent inbound = listener.await("connected");
                assertThat(inbound.str("direction")).isEqualTo("inbound");
                assertThat(inbound.str("muxer")).isEqualTo(expectedMuxer);
                assertThat(listener.await("disconnected").str("peerId")).isEqualTo(dialer.await("listening").str("peerId"));
            }
        }
    }

    @Test
    void awaitFailsWithTheEventsAndStderrOfThePeer() {
        try (JsPeer peer = JsPeer.start("--no-such-option")) {
            assertThatThrownBy(() -> peer.await("listening", Duration.ofSeconds(20)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("unknown option --no-such-option")
                    .hasMessageContaining("usage: node peer.mjs");
            assertThat(peer.awaitExit(Duration.ofSeconds(10))).isEqualTo(2);
        }
    }

    @Test
    void closeStopsThePeerGracefullyByClosingItsStdin() {
        JsPeer peer = JsPeer.start("--key-type", "ed25519");
        try (peer) {
            assertThat(peer.await("listening").str("peerId")).startsWith("12D3KooW");
        }
        assertThat(peer.isAlive()).isFalse();
        assertThat(peer.events("stopped")).hasSize(1);
    }

    @Test
    void givenKeyHexGivesThePeerIdTheVectorsScriptDerives() {
        String key = "0000000000000000000000000000000000000000000000000000000000000001";
        String expected = (String) NodeScript.run(Duration.ofSeconds(60), null, "vectors.mjs",
                "--key", "secp256k1:" + key).assertSuccess("vectors.mjs").jsonLines().get(0).get("peerIdBase58");
        try (JsPeer peer = JsPeer.start("--key-type", "secp256k1", "--key-hex", key, "--listen", "none")) {
            assertThat(peer.await("listening").str("peerId")).isEqualTo(expected).startsWith("16Uiu2");
        }
    }
}
