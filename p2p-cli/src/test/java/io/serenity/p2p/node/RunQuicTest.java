package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import org.junit.jupiter.api.Test;

/** QUIC from the command line: {@code --quic-port} and dialling a {@code quic-v1} address. */
class RunQuicTest {

  @Test
  void pingDialsAQuicAddress() {
    try (Host target = Host.builder().identity(PrivateKey.generate(KeyType.ED25519))
        .listen("/ip4/127.0.0.1/udp/0/quic-v1").threads(1).build()) {
      target.start().join();
      Multiaddr addr = target.listenAddrs().get(0).encapsulate(Multiaddr.parse("/p2p/" + target.peerId()));
      CliRun r = CliRun.of("ping", "-c", "2", "-i", "0", "--timeout", "10", addr.toString());
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains("quic-v1");
    }
  }

  @Test
  void quicPortAddsAQuicListener() {
    CliRun r = CliRun.of("run", "--listen", "/ip4/127.0.0.1/tcp/0", "--quic-port", "0", "--exit-after", "1", "--json");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("/udp/").contains("/quic-v1");
  }

  @Test
  void aQuicPortOutOfRangeIsAUsageError() {
    CliRun r = CliRun.of("run", "--quic-port", "70000", "--exit-after", "1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("--quic-port");
  }
}
