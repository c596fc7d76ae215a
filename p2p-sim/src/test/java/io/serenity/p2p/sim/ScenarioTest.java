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
  void malformedJsonIsRejectedWithWhereItWentWrong() {
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20,}")).isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith("bad JSON at line 1, column 14 (offset 13)");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20,\n \"nodes\": 30}")).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("line 2").hasMessageContaining("Duplicate field 'nodes'");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20} {}")).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("Trailing token");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 020}")).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("bad JSON").hasMessageContaining("eading zero");
    assertThatThrownBy(() -> Scenario.parse("{\"name\": \"abc")).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("bad JSON").hasMessageContaining("end-of-input");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20 /* twenty */}")).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("bad JSON");
    assertThatThrownBy(() -> Scenario.parse("")).isInstanceOf(ScenarioException.class).hasMessageContaining("no value");
    assertThatThrownBy(() -> Scenario.parse("[20]")).isInstanceOf(ScenarioException.class)
        .hasMessage("a scenario is a JSON object");
  }

  @Test
  void nestingDeeperThanSixtyFourIsRejected() {
    String deep = "[".repeat(70) + "]".repeat(70);
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"x\": " + deep + "}"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("bad JSON").hasMessageContaining("64");
  }

  @Test
  void wrongTypesNameTheField() {
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": \"20\"}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.nodes must be a number");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20.5}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.nodes must be a whole number");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"router\": true}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.router must be a string");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"gossipsub\": {\"scoring\": 1}}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.gossipsub.scoring must be true or false");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"traffic\": {\"messages\": 3}}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.traffic must be a list");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"links\": [1]}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.links must be an object");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 20, \"traffic\": [{\"messages\": 3, \"size\": 9}]}"))
        .isInstanceOf(ScenarioException.class).hasMessage("unknown key scenario.traffic[0].size");
    assertThatThrownBy(() -> Scenario.parse("{\"nodes\": 99999999999}"))
        .isInstanceOf(ScenarioException.class).hasMessage("scenario.nodes is out of range");
  }

  @Test
  void aMissingNodeCountIsNamed() {
    assertThatThrownBy(() -> Scenario.parse("{\"name\": \"no nodes\"}"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("nodes must be at least 2");
  }

  @Test
  void wholeDoublesCountAsIntegersBigIntegersStayExactAndNullMeansTheDefault() {
    Scenario s = Scenario.parse("""
        {"nodes": 2e1, "seed": 9007199254740993, "router": null,
         "traffic": [{"publishers": 3, "ratePerSecond": 2}],
         "links": {"latency": {"type": "matrix", "regions": ["eu", "us"], "weights": [1, 0.5],
                               "matrixMs": [[10, 80.5], [80.5, 12]]}},
         "topology": {"type": "degrees", "degrees": {"3": 0.25, "4": 0.75}}}
        """);
    assertThat(s.nodes()).isEqualTo(20);
    assertThat(s.seed()).isEqualTo(9007199254740993L);
    assertThat(s.router()).isEqualTo("gossipsub");
    assertThat(s.traffic().get(0).publishers()).isEqualTo("3");
    assertThat(s.traffic().get(0).ratePerSecond()).isEqualTo(2.0);
    assertThat(s.links().latency().regions()).containsExactly("eu", "us");
    assertThat(s.links().latency().weights()).containsExactly(1.0, 0.5);
    assertThat(s.links().latency().matrixMs()).containsExactly(List.of(10.0, 80.5), List.of(80.5, 12.0));
    assertThat(s.topology().degrees()).containsExactly(Map.entry(3, 0.25), Map.entry(4, 0.75));
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
