package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2p-node sim}: a scenario file in, a summary (and plots) out; bad files are usage errors. */
class SimCommandTest {

  private static String run(int expectedExit, String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as("exit code of %s: %s", String.join(" ", args), r.output()).isEqualTo(expectedExit);
    return r.output();
  }

  private static Path scenario(Path dir, String name, String router) throws Exception {
    return Files.writeString(dir.resolve(name + ".json"), """
        {"name": "%s", "nodes": 30, "router": "%s", "topology": {"type": "random-regular", "degree": 6},
         "traffic": [{"topic": "t", "messages": 5, "sizeBytes": 128, "ratePerSecond": 5}],
         "warmupMs": 3000, "drainMs": 2000}
        """.formatted(name, router));
  }

  @Test
  void comparesTwoScenariosAndWritesPlots(@TempDir Path dir) throws Exception {
    Path a = scenario(dir, "a", "floodsub");
    Path b = scenario(dir, "b", "gossipsub");
    String out = run(0, "sim", a.toString(), "--compare", b.toString(), "--out", dir.resolve("out").toString());
    assertThat(out).contains("delivery ratio", "floodsub", "gossipsub", "events");
    assertThat(dir.resolve("out/latency-cdf.svg")).exists();
    assertThat(dir.resolve("out/hops.png")).exists();
    assertThat(dir.resolve("out/summary.json")).exists();
  }

  @Test
  void jsonSummary(@TempDir Path dir) throws Exception {
    String out = run(0, "sim", scenario(dir, "a", "gossipsub").toString(), "--json");
    assertThat(out).contains("\"deliveryRatio\": 1", "\"router\": \"gossipsub\"");
  }

  @Test
  void badScenarioIsAUsageError(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"nodes\": 30, \"nodez\": 1}");
    assertThat(run(2, "sim", bad.toString())).contains(bad + ": unknown key scenario.nodez");
    assertThat(run(2, "sim", dir.resolve("missing.json").toString())).contains("no scenario file");
  }

  @Test
  void aWrongTypeOrMalformedJsonNamesTheFileAndWhere(@TempDir Path dir) throws Exception {
    Path wrongType = Files.writeString(dir.resolve("type.json"), "{\"nodes\": 30, \"links\": {\"loss\": \"none\"}}");
    assertThat(run(2, "sim", wrongType.toString())).contains(wrongType + ": scenario.links.loss must be a number");
    Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"nodes\": 30,\n \"router\": floodsub}");
    assertThat(run(2, "sim", malformed.toString())).contains(malformed + ": bad JSON at line 2, column 12");
  }
}
