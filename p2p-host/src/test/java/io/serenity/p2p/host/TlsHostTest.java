package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.protocol.ping.Ping;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hosts securing connections with TLS 1.3 ({@code /tls/1.0.0}) instead of Noise. */
@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class TlsHostTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  private static HostConfig tls(String muxer, boolean inline) {
    return HostConfig.builder().securityProtocols(HostConfig.TLS).muxers(muxer).inlineMuxerNegotiation(inline).build();
  }

  @ParameterizedTest(name = "{0} key, {1}, inline muxer negotiation {2}")
  @CsvSource({
    "SECP256K1, /yamux/1.0.0, true",
    "ED25519, /yamux/1.0.0, true",
    "SECP256K1, /mplex/6.7.0, true",
    "ED25519, /mplex/6.7.0, false",
  })
  void identifyPingAndStreamsOverTls(KeyType key, String muxer, boolean inline) {
    Host a = hosts.start(key, tls(muxer, inline));
    Host b = hosts.start(key, tls(muxer, inline));
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.security()).isEqualTo(HostConfig.TLS);
    assertThat(c.muxer()).isEqualTo(muxer);
    assertThat(c.remotePeer()).isEqualTo(b.peerId());
    assertThat(c.remotePublicKey()).isEqualTo(b.privateKey().publicKey());
    assertThat(await(Ping.ping(a, b.peerId()))).isPositive();

    Random random = new Random(7);
    List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      byte[] data = new byte[256 * 1024];
      random.nextBytes(data);
      expected.add(Echo.sha256(data));
      echoed.add(a.newStream(b.peerId(), Echo.PROTOCOL_ID).thenCompose(s -> Echo.roundTrip(s, data, 16 * 1024)));
    }
    for (int i = 0; i < echoed.size(); i++) {
      assertThat(await(echoed.get(i))).as("stream %d", i).isEqualTo(expected.get(i));
    }
    Connection inbound = b.connection(a.peerId()).orElseThrow();
    assertThat(inbound.security()).isEqualTo(HostConfig.TLS);
    assertThat(inbound.isInitiator()).isFalse();
  }

  @Test
  void defaultHostsUseNoiseAndAcceptTls() {
    Host noiseFirst = hosts.start(KeyType.SECP256K1, HostConfig.defaults());
    Host tlsOnly = hosts.start(KeyType.ED25519, HostConfig.builder().securityProtocols(HostConfig.TLS).build());
    Host other = hosts.start(KeyType.ED25519, HostConfig.defaults());
    assertThat(await(noiseFirst.connect(dialAddr(other))).security()).isEqualTo(HostConfig.NOISE);
    assertThat(await(tlsOnly.connect(dialAddr(noiseFirst))).security()).isEqualTo(HostConfig.TLS);
  }

  @Test
  void noiseOnlyHostCannotReachATlsOnlyHost() {
    Host noiseOnly = hosts.start(KeyType.SECP256K1, HostConfig.builder().securityProtocols(HostConfig.NOISE).build());
    Host tlsOnly = hosts.start(KeyType.ED25519, HostConfig.builder().securityProtocols(HostConfig.TLS).build());
    assertThatThrownBy(() -> await(noiseOnly.connect(dialAddr(tlsOnly)))).hasMessageContaining("/noise");
    assertThat(noiseOnly.connection(tlsOnly.peerId())).isEmpty();
  }

  @Test
  void securityProtocolsAreValidated() {
    assertThatThrownBy(() -> HostConfig.builder().securityProtocols().build())
        .hasMessageContaining("securityProtocols");
    assertThatThrownBy(() -> HostConfig.builder().securityProtocols("/secio/1.0.0").build())
        .hasMessageContaining("unknown security protocol");
    assertThatThrownBy(() -> HostConfig.builder().securityProtocols(HostConfig.TLS, HostConfig.TLS).build())
        .hasMessageContaining("duplicates");
  }
}
