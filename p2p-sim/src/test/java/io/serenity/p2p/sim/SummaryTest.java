package io.serenity.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** summary.json keeps its field names, order, nesting and number style. */
class SummaryTest {
  private static final Path PUBLISHED = Path.of("../docs/simulation/1000/summary.json");

  private static Summary.Latency latency(JsonNode l) {
    return new Summary.Latency(l.get("p50Ms").doubleValue(), l.get("p90Ms").doubleValue(), l.get("p99Ms").doubleValue(),
        l.get("maxMs").doubleValue(), l.get("count").longValue());
  }

  /** The summary whose JSON is {@code r}. */
  private static Summary summary(JsonNode r) {
    return new Summary(r.get("name").textValue(), r.get("router").textValue(), r.get("nodes").intValue(),
        r.get("links").intValue(), r.get("messages").intValue(), r.get("virtualSeconds").doubleValue(),
        r.get("deliveryRatio").doubleValue(), r.get("delivered").longValue(), r.get("expected").longValue(),
        latency(r.get("latency")), Map.of("t", latency(r.get("latencyByTopic").get("t"))),
        r.get("meanHops").doubleValue(), r.get("duplicatesPerDelivery").doubleValue(), r.get("duplicates").longValue(),
        r.get("bytesInPerNodePerSecond").doubleValue(), r.get("bytesOutPerNodePerSecond").doubleValue(),
        r.get("maxBytesOutPerNodePerSecond").doubleValue(), r.get("controlOverhead").doubleValue(),
        r.get("packets").longValue(), r.get("packetsLost").longValue(),
        r.get("eclipseTargetDelivery").isNull() ? Double.NaN : r.get("eclipseTargetDelivery").doubleValue());
  }

  private static Report report(Summary s) {
    return new Report(s, new double[0], new long[0], new long[0][], List.of(), 0, 0, 0);
  }

  @Test
  void aComparisonIsWrittenLikeThePublishedOne() throws Exception {
    String published = Files.readString(PUBLISHED);
    List<Report> runs = new ArrayList<>();
    new ObjectMapper().readTree(published).get("runs").forEach(r -> runs.add(report(summary(r))));
    // the same text, but for one number below 1e-4 that is now written without an exponent
    assertThat(Outputs.json(runs)).isEqualTo(published.replace("7.22713e-05", "0.0000722713"));
  }

  @Test
  void numbersHaveSixSignificantDigitsWholeOnesNoFractionAndNaNIsNull() throws Exception {
    Summary.Latency l = new Summary.Latency(1.23456789, 2.0, 1234567.8, 0.000123456789, 7);
    Summary s = new Summary("n", "gossipsub", 2, 1, 3, 19.9, 1.0, 3, 3, l, Map.of(), 1.5, 0, 0, 0, 0, 0, 0, 0, 0,
        Double.NaN);
    String json = s.toJson();
    assertThat(json).endsWith("}\n")
        .contains("\"latency\": {\n    \"p50Ms\": 1.23457,\n    \"p90Ms\": 2,\n    \"p99Ms\": 1234570,\n"
            + "    \"maxMs\": 0.000123457,\n    \"count\": 7\n  }")
        .contains("\"virtualSeconds\": 19.9,\n  \"deliveryRatio\": 1,\n")
        .contains("\"latencyByTopic\": {},")
        .contains("\"eclipseTargetDelivery\": null\n}");
    JsonNode tree = new ObjectMapper().readTree(json);
    assertThat(tree.get("meanHops").doubleValue()).isEqualTo(1.5);
    assertThat(tree.get("eclipseTargetDelivery").isNull()).isTrue();
  }

  @Test
  void oneRunIsOneObjectAndItsFieldsComeInTheDocumentedOrder() throws Exception {
    JsonNode published = new ObjectMapper().readTree(PUBLISHED.toFile()).get("runs").get(0);
    String one = Outputs.json(List.of(report(summary(published))));
    JsonNode tree = new ObjectMapper().readTree(one);
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    List<String> expected = new ArrayList<>();
    published.fieldNames().forEachRemaining(expected::add);
    assertThat(names).containsExactlyElementsOf(expected).startsWith("name", "router", "nodes");
  }
}
