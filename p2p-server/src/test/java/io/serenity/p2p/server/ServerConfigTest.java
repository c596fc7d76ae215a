package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.defaults();
    assertThat(c.listenAddrs()).containsExactly("/ip4/0.0.0.0/tcp/13000");
    assertThat(c.advertiseAddrs()).isEmpty();
    assertThat(c.privateKey()).isEmpty();
    assertThat(c.privateKeyFile()).isEmpty();
    assertThat(c.bootstrapPeers()).isEmpty();
    assertThat(c.staticPeers()).isEmpty();
    assertThat(c.discovery()).isFalse();
    assertThat(c.router()).isEqualTo(ServerConfig.Router.GOSSIPSUB);
    assertThat(c.peerScoreParams()).isEmpty();
    assertThat(c.signaturePolicy()).isEqualTo(SignaturePolicy.STRICT_SIGN);
    assertThat(c.codec().name()).isEqualTo("protobuf");
    assertThat(c.maxGossipMessageSize()).isEqualTo(1 << 20);
    assertThat(c.maxDirectMessageSize()).isEqualTo(4 << 20);
    assertThat(c.maxPeers()).isEqualTo(50);
    assertThat(c.minPeers()).isEqualTo(3);
    assertThat(c.deliverOwnMessages()).isFalse();
    assertThat(c.directSendTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.reconnectBackoffMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.reconnectBackoffMax()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.inboundQueue()).isEqualTo(1024);
    assertThat(c.directProtocolId("puzzles")).isEqualTo("/serenity/1.0.0/puzzles");
  }

  @Test
  void directProtocolIdDropsATopicsLeadingSlash() {
    ServerConfig c = ServerConfig.builder().directProtocol("prysm", "0.0.0").build();
    assertThat(c.directProtocolId("/eth2/beacon_block")).isEqualTo("/prysm/0.0.0/eth2/beacon_block");
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void advertiseReplacesTheAdvertisedAddresses() {
    ServerConfig c = ServerConfig.builder().advertise("/ip4/203.0.113.1/tcp/1").advertise(
        "/ip4/203.0.113.7/tcp/13000", "/dns4/node.example.org/tcp/13000").build();
    assertThat(c.advertiseAddrs()).containsExactly("/ip4/203.0.113.7/tcp/13000", "/dns4/node.example.org/tcp/13000");
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void validateNamesTheBadField() {
    assertThatThrownBy(() -> ServerConfig.builder().maxPeers(0).build())
        .hasMessage("maxPeers must be positive: 0");
    assertThatThrownBy(() -> ServerConfig.builder().maxPeers(2).minPeers(3).build())
        .hasMessage("minPeers must be in [0, maxPeers=2]: 3");
    assertThatThrownBy(() -> ServerConfig.builder().directProtocol("a/b", "1").build())
        .hasMessageContaining("directProtocolPrefix");
    assertThatThrownBy(() -> ServerConfig.builder().listen().build())
        .hasMessage("listenAddrs must not be empty");
    assertThatThrownBy(
            () -> ServerConfig.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessageContaining("reconnectBackoffMax");
    assertThatThrownBy(
            () -> ServerConfig.builder()
                .privateKey(PrivateKey.generate(KeyType.SECP256K1))
                .privateKeyFile(Path.of("k"))
                .build())
        .hasMessage("give privateKey or privateKeyFile, not both");
  }
}
