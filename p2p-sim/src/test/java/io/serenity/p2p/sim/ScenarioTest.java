package io.serenity.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files are read strictly. */
class ScenarioTest {

  @Test
  void defaultsFillEverythingButNodes() {
    Scenario s = Scenario.parse("{\"nodes\": 20}");
    assertThat(s.router()).isEqualTo("gossipsub");
    assertThat(s.traffic()).hasSize(1);
    assertThat(s.topology().type()).isEqualTo("random-regular");
  }

  @Test
  void unknownKeysAreErrors() {
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"nodez\": 3}"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("scenario.nodez");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"links\": {\"latencyMs\": 3}}"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("links.latencyMs");
  }

  @Test
  void malformedJsonIsRejectedWithItsOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(ScenarioException.class).hasMessageContaining("offset");
    assertThatThrownBy(() -> Json.parse("{\"a\": 1, \"a\": 2}")).hasMessageContaining("duplicate key");
    assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.parse("[01]")).isInstanceOf(ScenarioException.class);
    assertThatThrownBy(() -> Json.parse("\"abc")).hasMessageContaining("unterminated");
  }

  @Test
  void jsonRoundTrips() {
    Object v = Json.parse("{\"s\": \"a\\\"b\\u00e9\", \"n\": [1, 2.5, -3e2], \"o\": {\"t\": true, \"z\": null}}");
    assertThat(Json.parse(Json.write(v))).isEqualTo(v);
    assertThat(((Map<?, ?>) v).get("n")).isEqualTo(List.of(1.0, 2.5, -300.0));
  }

  @Test
  void impossibleSettingsNameTheField() {
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 1}")).hasMessageContaining("nodes");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"router\": \"x\"}")).hasMessageContaining("router");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"links\": {\"loss\": 1.5}}")).hasMessageContaining("loss");
  }

  @Test
  void topologyFromAnEdgeListFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("edges.txt"), "# a triangle and a tail\n0 1\n1 2\n2 0\n2 3\n");
    Files.writeString(dir.resolve("s.json"), "{\"nodes\": 4, \"topology\": {\"type\": \"file\", \"file\": \"edges.txt\"}}");
    Scenario s = Scenario.load(dir.resolve("s.json"));
    Graph g = Graph.build(s.topology(), s.nodes(), new java.util.SplittableRandom(1));
    assertThat(g.edges()).hasSize(4);
    assertThat(g.degrees()).containsExactly(2, 2, 3, 1);
  }

  @Test
  void randomRegularGraphIsConnectedAndNearlyRegular() throws Exception {
    Scenario s = Scenario.parse("{\"nodes\": 500, \"topology\": {\"type\": \"random-regular\", \"degree\": 8}}");
    Graph g = Graph.build(s.topology(), 500, new java.util.SplittableRandom(9));
    int[] d = g.degrees();
    long exact = java.util.Arrays.stream(d).filter(x -> x == 8).count();
    assertThat(exact).isGreaterThan(480);
    assertThat(java.util.Arrays.stream(d).max().getAsInt()).isLessThanOrEqualTo(9);
  }

  @Test
  void readyMadeScenariosParse() throws Exception {
    try (var files = Files.list(Path.of("scenarios"))) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(all).hasSizeGreaterThanOrEqualTo(8);
      for (Path p : all) {
        assertThat(Scenario.load(p).nodes()).as(p.toString()).isGreaterThan(1);
      }
    }
  }
}
