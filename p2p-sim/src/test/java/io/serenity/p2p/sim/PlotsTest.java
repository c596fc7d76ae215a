package io.serenity.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs a person opens: SVG and PNG plots, summary text and JSON, a side-by-side comparison. */
class PlotsTest {

  @Test
  void comparisonWritesReadablePlotsAndBothSummaries(@TempDir Path dir) throws Exception {
    String base = """
        {"name": "%s", "nodes": 40, "router": "%s", "topology": {"type": "random-regular", "degree": 6},
         "links": {"latency": {"type": "uniform", "minMs": 10, "maxMs": 30}},
         "traffic": [{"topic": "t", "messages": 5, "sizeBytes": 100, "ratePerSecond": 5}],
         "warmupMs": 3000, "drainMs": 2000}
        """;
    Report flood = Simulator.run(Scenario.parse(String.format(base, "flood", "floodsub")));
    Report gossip = Simulator.run(Scenario.parse(String.format(base, "gossip", "gossipsub")));
    List<Path> files = Outputs.write(dir, List.of(flood, gossip));
    assertThat(files).hasSize(8);
    for (String chart : List.of("latency-cdf", "hops", "bandwidth")) {
      String svg = Files.readString(dir.resolve(chart + ".svg"));
      assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("flood (floodsub)", "gossip (gossipsub)", "<rect");
      if (!chart.equals("hops")) {
        assertThat(svg).contains("<polyline");
      }
      BufferedImage png = ImageIO.read(dir.resolve(chart + ".png").toFile());
      assertThat(png.getWidth()).isEqualTo(720);
      assertThat(png.getHeight()).isEqualTo(440);
    }
    String text = Files.readString(dir.resolve("summary.txt"));
    assertThat(text).contains("floodsub", "gossipsub", "delivery ratio", "duplicates/delivery");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertThat(json.get("runs")).hasSize(2);
    assertThat(json.get("runs").get(0).get("router").textValue()).isEqualTo("floodsub");
    assertThat(json.get("runs").get(1).get("router").textValue()).isEqualTo("gossipsub");
  }
}
