package io.serenity.p2p.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /status.json}: every field of a {@link NodeStatus}, under the names and in the order scripts rely on. */
class StatusPageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static NodeStatus status() {
    Map<String, List<String>> meshes = new LinkedHashMap<>();
    meshes.put("blocks", List.of("16Uiu2Good", "16Uiu2Bad"));
    meshes.put("empty \"topic\"", List.of());
    return new NodeStatus("16Uiu2Self", List.of("/ip4/127.0.0.1/tcp/9000", "/ip6/::1/tcp/9000"),
        List.of(new NodeStatus.PeerStatus("16Uiu2Good", "outbound", "/ip4/127.0.0.1/udp/9001/quic-v1", "quic",
                "quic-tls", "quic", "lighthouse/v5", 3, 12.5),
            new NodeStatus.PeerStatus("16Uiu2Bad", "inbound", "/ip4/127.0.0.1/tcp/9002", "tcp", "noise", "yamux",
                "evil \"agent\"\n\\", 1, Double.NEGATIVE_INFINITY)),
        meshes,
        List.of(new NodeStatus.ResourceStatus("inbound streams (node)", 4, 1024, 0),
            new NodeStatus.ResourceStatus("streams (one connection)", -1, 512, 2)));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void jsonHoldsEveryFieldOfTheStatus() throws Exception {
    JsonNode json = MAPPER.readTree(StatusPage.json(status()));
    assertThat(names(json)).containsExactly("peerId", "addrs", "peers", "meshes", "resources");
    assertThat(json.get("peerId").textValue()).isEqualTo("16Uiu2Self");
    assertThat(json.get("addrs")).extracting(JsonNode::textValue)
        .containsExactly("/ip4/127.0.0.1/tcp/9000", "/ip6/::1/tcp/9000");

    JsonNode good = json.get("peers").get(0);
    assertThat(names(good)).containsExactly("peerId", "direction", "addr", "transport", "security", "muxer", "agent",
        "streams", "score");
    assertThat(good.get("peerId").textValue()).isEqualTo("16Uiu2Good");
    assertThat(good.get("direction").textValue()).isEqualTo("outbound");
    assertThat(good.get("addr").textValue()).isEqualTo("/ip4/127.0.0.1/udp/9001/quic-v1");
    assertThat(good.get("transport").textValue()).isEqualTo("quic");
    assertThat(good.get("security").textValue()).isEqualTo("quic-tls");
    assertThat(good.get("muxer").textValue()).isEqualTo("quic");
    JsonNode bad = json.get("peers").get(1);
    assertThat(bad.get("transport").textValue()).isEqualTo("tcp");
    assertThat(bad.get("security").textValue()).isEqualTo("noise");
    assertThat(bad.get("muxer").textValue()).isEqualTo("yamux");
    assertThat(good.get("agent").textValue()).isEqualTo("lighthouse/v5");
    assertThat(good.get("streams").intValue()).isEqualTo(3);
    assertThat(good.get("score").doubleValue()).isEqualTo(12.5);

    assertThat(names(json.get("meshes"))).containsExactly("blocks", "empty \"topic\"");
    assertThat(json.get("meshes").get("blocks")).extracting(JsonNode::textValue).containsExactly("16Uiu2Good", "16Uiu2Bad");
    assertThat(json.get("meshes").get("empty \"topic\"")).isEmpty();

    JsonNode streams = json.get("resources").get(0);
    assertThat(names(streams)).containsExactly("name", "used", "limit", "refused");
    assertThat(streams.get("name").textValue()).isEqualTo("inbound streams (node)");
    assertThat(streams.get("used").longValue()).isEqualTo(4);
    assertThat(streams.get("limit").longValue()).isEqualTo(1024);
    assertThat(streams.get("refused").longValue()).isZero();
  }

  @Test
  void untrackedUsageAndAnInfiniteScoreAreNull() throws Exception {
    JsonNode json = MAPPER.readTree(StatusPage.json(status()));
    assertThat(json.get("peers").get(1).get("score").isNull()).isTrue();
    JsonNode connection = json.get("resources").get(1);
    assertThat(connection.get("used").isNull()).isTrue();
    assertThat(connection.get("limit").longValue()).isEqualTo(512);
    assertThat(connection.get("refused").longValue()).isEqualTo(2);
  }

  @Test
  void whatPeersControlIsEscapedIntoOneCompactLine() throws Exception {
    String text = StatusPage.json(status());
    assertThat(text).doesNotContain("\n").startsWith("{\"peerId\":\"16Uiu2Self\",\"addrs\":[");
    assertThat(MAPPER.readTree(text).get("peers").get(1).get("agent").textValue()).isEqualTo("evil \"agent\"\n\\");
  }
}
