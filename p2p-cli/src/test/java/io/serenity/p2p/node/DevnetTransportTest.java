package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code p2p-node devnet --transport}: a small devnet in this process over TCP and over QUIC. */
@Timeout(120)
class DevnetTransportTest {

  private static CliRun devnet(String... transport) {
    String[] base = {"devnet", "--nodes", "6", "--degree", "2", "--messages", "12", "--rate", "0", "--json"};
    String[] args = new String[base.length + transport.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(transport, 0, args, base.length, transport.length);
    return CliRun.of(args);
  }

  @Test
  void overQuicEveryMessageArrivesAndEveryConnectionIsQuic() throws Exception {
    CliRun r = devnet("--transport", "quic");
    assertThat(r.exit()).as(r.output()).isZero();
    JsonNode s = r.event("devnet_summary");
    assertThat(s.get("transport").asText()).isEqualTo("quic");
    assertThat(s.get("deliveryRatio").asDouble()).isEqualTo(1.0);
    assertThat(s.get("deliveries").asLong()).isEqualTo(12 * 5);
    assertThat(s.get("failedDials").asInt()).isZero();
    int connections = s.get("connections").asInt();
    assertThat(connections).isPositive();
    assertThat(s.get("connectionsByTransport").get("quic").asInt()).isEqualTo(connections);
    assertThat(s.get("connectionsByTransport").has("tcp")).isFalse();
  }

  @Test
  void tcpIsTheDefault() throws Exception {
    CliRun r = devnet();
    assertThat(r.exit()).as(r.output()).isZero();
    JsonNode s = r.event("devnet_summary");
    assertThat(s.get("transport").asText()).isEqualTo("tcp");
    assertThat(s.get("deliveryRatio").asDouble()).isEqualTo(1.0);
    assertThat(s.get("connectionsByTransport").get("tcp").asInt()).isEqualTo(s.get("connections").asInt());
    assertThat(s.get("connectionsByTransport").has("quic")).isFalse();
  }

  @Test
  void anUnknownTransportIsAUsageError() {
    CliRun r = devnet("--transport", "udp");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("--transport").contains("'udp'");
  }
}
