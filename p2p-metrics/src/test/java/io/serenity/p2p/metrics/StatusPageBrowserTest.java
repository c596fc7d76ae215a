package io.serenity.p2p.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page rendered by headless Chromium (Debian's {@code chromium}, which {@code .ci/run}
 * installs): the DOM after rendering holds the key elements, and a screenshot shows the styled
 * tables and a negative score in red. Skipped, with the reason, where no Chromium is installed.
 */
@Timeout(120)
class StatusPageBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 800;

  @TempDir Path dir;
  private MetricsServer server;
  private String url;

  @BeforeEach
  void serve() {
    assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (install Debian's chromium)");
    NodeStatus status = new NodeStatus("16Uiu2HAmSelf", List.of("/ip4/127.0.0.1/tcp/9000"),
        List.of(
            new NodeStatus.PeerStatus("16Uiu2HAmGoodPeer", "outbound", "/ip4/127.0.0.1/udp/9001/quic-v1", "quic",
                "quic-tls", "quic", "lighthouse/v5", 3, 12.5),
            new NodeStatus.PeerStatus("16Uiu2HAmBadPeer", "inbound", "/ip4/127.0.0.1/tcp/9002", "tcp", "noise", "yamux",
                "spammer/0.0", 1, -4321.0)),
        Map.of("/eth2/b5303f2a/beacon_block/ssz_snappy", List.of("16Uiu2HAmGoodPeer")));
    server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), new PrometheusRegistry(), () -> status);
    url = "http://127.0.0.1:" + server.address().getPort() + "/";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String chromium(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + dir.resolve("profile"), "--window-size=" + WIDTH + "," + HEIGHT));
    cmd.addAll(List.of(args));
    cmd.add(url);
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).as("chromium exit code; log: %s", Files.readString(dir.resolve("chromium.log"))).isZero();
    return out;
  }

  @Test
  void renderedDomHasTheIdentityPeersScoresAndMesh() throws Exception {
    String dom = chromium("--dump-dom");
    assertThat(dom).contains("<code id=\"peer-id\">16Uiu2HAmSelf</code>")
        .contains("<span id=\"peer-count\">2</span>")
        .contains("lighthouse/v5").contains("spammer/0.0")
        .contains("<th>transport</th>")
        .contains("<td class=\"transport\">quic (quic-tls, quic)</td>")
        .contains("<td class=\"transport\">tcp (noise, yamux)</td>")
        .contains("<td class=\"neg\">-4321.00</td>")
        .contains("<td class=\"pos\">12.50</td>")
        .contains("/eth2/b5303f2a/beacon_block/ssz_snappy");
  }

  @Test
  void screenshotShowsStyledTablesAndANegativeScoreInRed() throws Exception {
    Path png = dir.resolve("status.png");
    chromium("--screenshot=" + png, "--hide-scrollbars");
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as("a PNG was written").isNotNull();
    assertThat(img.getWidth()).isEqualTo(WIDTH);
    assertThat(img.getHeight()).isEqualTo(HEIGHT);
    int headerGrey = 0;
    int red = 0;
    int dark = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        int r = rgb >> 16;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (rgb == 0xf0f0f0) {
          headerGrey++; // table header background
        } else if (r > 120 && g < 60 && b < 80) {
          red++; // the negative score's text
        } else if (r < 80 && g < 80 && b < 80) {
          dark++; // body text
        }
      }
    }
    assertThat(headerGrey).as("pixels of the table headers' background").isGreaterThan(2000);
    assertThat(red).as("pixels of red text (the negative score)").isGreaterThan(20);
    assertThat(dark).as("pixels of dark text").isGreaterThan(1000);
  }
}
