package io.serenity.p2p.metrics;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Grafana dashboard in {@code docs/grafana}: it is in Grafana's export format (importable, asking for
 * a Prometheus datasource), and every metric its queries read is served by a node that has seen a
 * little gossip, with the label values the queries select on.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaDashboardTest {
  /** Tests run in the module's directory; the dashboard lives in the repository's docs. */
  private static final Path DASHBOARD = Path.of(System.getProperty("dashboard", "../docs/grafana/serenity-p2p.json"));
  private static final String DATASOURCE = "${DS_PROMETHEUS}";
  private static final String TOPIC = "dashboard-topic";

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,\\s*\\w+\\s*\\)");
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][\\w:]*)\\s*\\{([^}]*)}");
  private static final Pattern EQUALITY = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.:])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");
  private static final Set<String> KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset");

  private final TestHosts hosts = new TestHosts();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private JsonNode dashboard;
  private PubSub pa;
  private PubSub pb;
  private MetricsServer server;

  @BeforeAll
  void start() throws Exception {
    dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Host a = hosts.start();
    Host b = hosts.start();
    pa = PubSub.gossipsub(a, PubSubConfig.defaults(), GossipSubParams.defaults());
    pb = PubSub.gossipsub(b, PubSubConfig.defaults(), GossipSubParams.defaults());
    await(pa.start());
    await(pb.start());
    CountDownLatch got = new CountDownLatch(1);
    pa.subscribe(TOPIC, m -> got.countDown());
    pb.subscribe(TOPIC, m -> {});
    await(b.connect(dialAddr(a)));
    await(pa.whenMesh(TOPIC, 1));
    await(pb.whenMesh(TOPIC, 1));
    await(pb.publish(TOPIC, new byte[] {1, 2, 3}));
    assertThat(got.await(30, TimeUnit.SECONDS)).isTrue();
    server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), a, pa);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (pa != null) {
      pa.close();
    }
    if (pb != null) {
      pb.close();
    }
    hosts.close();
  }

  @Test
  void dashboardIsInGrafanasExportFormatWithAPrometheusDatasourceInput() {
    assertThat(dashboard.path("title").asText()).isNotBlank();
    assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
    assertThat(dashboard.path("schemaVersion").isInt()).isTrue();
    assertThat(dashboard.path("id").isNull()).as("an export has no database id").isTrue();
    JsonNode input = dashboard.path("__inputs").path(0);
    assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
    assertThat(input.path("type").asText()).isEqualTo("datasource");
    assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");

    // every datasource reference is the input, except Grafana's built-in annotation source
    List<JsonNode> refs = dashboard.findValues("datasource");
    assertThat(refs).isNotEmpty().allSatisfy(d -> assertThat(d.path("uid").asText()).isIn(DATASOURCE, "-- Grafana --"));

    List<JsonNode> panels = panels();
    Set<Integer> ids = new HashSet<>();
    boolean[][] grid = new boolean[200][24];
    for (JsonNode p : panels) {
      String title = p.path("title").asText();
      assertThat(ids.add(p.path("id").asInt())).as("unique id of " + title).isTrue();
      JsonNode pos = p.path("gridPos");
      int x = pos.path("x").asInt(-1);
      int y = pos.path("y").asInt(-1);
      int w = pos.path("w").asInt();
      int h = pos.path("h").asInt();
      assertThat(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24 && y + h <= grid.length)
          .as("grid position of " + title + ": " + pos).isTrue();
      for (int r = y; r < y + h; r++) {
        for (int c = x; c < x + w; c++) {
          assertThat(grid[r][c]).as(title + " overlaps another panel").isFalse();
          grid[r][c] = true;
        }
      }
      if (p.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(p.path("type").asText()).as("panel type of " + title).isIn("timeseries", "stat");
      assertThat(p.path("datasource").path("uid").asText()).as("datasource of " + title).isEqualTo(DATASOURCE);
      assertThat(p.path("targets")).as("queries of " + title).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("expr").asText()).as("query of " + title).isNotBlank();
        assertThat(refIds.add(t.path("refId").asText())).as("unique refId in " + title).isTrue();
      }
    }
    assertThat(panels).hasSizeGreaterThan(20);
  }

  @Test
  void everyMetricTheDashboardReadsIsServedWithTheLabelValuesItSelects() throws Exception {
    List<String> exprs = new ArrayList<>();
    for (JsonNode p : panels()) {
      for (JsonNode t : p.path("targets")) {
        exprs.add(t.path("expr").asText());
      }
    }
    Set<String> names = new TreeSet<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
      assertThat(m.matches()).as("variable query " + v.path("definition")).isTrue();
      names.add(m.group(1));
    }
    for (String e : exprs) {
      names.addAll(metricNames(e));
    }
    if (!System.getProperty("os.name").startsWith("Linux")) {
      names.removeAll(Set.of("process_open_fds", "process_max_fds")); // the JVM reports these on Unix only
    }
    assertThat(names).contains("libp2p_peers", "libp2p_stream_bytes_total", "pubsub_messages_total", "pubsub_mesh_peers",
        "pubsub_peer_score", "pubsub_queue_drops_total", "pubsub_publish_refusals_total", "libp2p_rcmgr_refusals_total",
        "jvm_memory_used_bytes", "jvm_gc_collection_seconds_sum", "process_cpu_seconds_total", "process_open_fds");

    Map<String, List<Map<String, String>>> samples = samples(scrape());
    // a counter nothing has counted yet (say no write bound met) has no sample: check it by its family
    Set<String> counters = new HashSet<>();
    for (MetricSnapshot s : server.registry().scrape()) {
      if (s instanceof CounterSnapshot) {
        counters.add(s.getMetadata().getPrometheusName() + "_total");
      }
    }
    List<String> missing = new ArrayList<>();
    for (String n : names) {
      if (!samples.containsKey(n) && !counters.contains(n)) {
        missing.add(n);
      }
    }
    assertThat(missing).as("metrics the dashboard reads that /metrics does not serve").isEmpty();

    List<String> unmatched = new ArrayList<>();
    for (String e : exprs) {
      Matcher s = SELECTOR.matcher(e);
      while (s.find()) {
        List<Map<String, String>> series = samples.get(s.group(1));
        if (series == null) {
          continue;
        }
        Matcher eq = EQUALITY.matcher(s.group(2));
        while (eq.find()) {
          String label = eq.group(1);
          String value = eq.group(2);
          if (!value.contains("$") && series.stream().noneMatch(l -> value.equals(l.get(label)))) {
            unmatched.add(s.group(1) + "{" + label + "=\"" + value + "\"}");
          }
        }
      }
    }
    assertThat(unmatched).as("label values the dashboard selects that no served series has").isEmpty();
  }

  @Test
  void metricNamesAreFoundInPromQlPastFunctionsLabelsAndVariables() {
    assertThat(metricNames("sum by (instance, protocol) (rate(libp2p_stream_bytes_total{instance=~\"$instance\","
        + "direction=\"in\"}[$__rate_interval])) / on (instance) group_left max without (gc) (other_metric:ratio) > 0.5e3"))
        .containsExactlyInAnyOrder("libp2p_stream_bytes_total", "other_metric:ratio");
    assertThat(metricNames("min by (instance) (pubsub_mesh_peers{instance=~\"$instance\"}) or vector(0)"))
        .containsExactly("pubsub_mesh_peers");
  }

  /** The metric names in a PromQL expression: identifiers that are not functions, keywords, labels or variables. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
        .replaceAll("\\{[^}]*}", " ") // label matchers
        .replaceAll("\\[[^]]*]", " "); // ranges
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> out = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1)) && !m.group(1).matches("(?i)inf|nan")) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private String scrape() throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Sample name to the label sets of its series, from the Prometheus text format. */
  static Map<String, List<Map<String, String>>> samples(String text) {
    Map<String, List<Map<String, String>>> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        parseLabels(line, brace + 1, labels);
      } else {
        name = line.substring(0, space);
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(labels);
    }
    return out;
  }

  /** Reads {@code a="x",b="y\"z"}} from {@code i} (just past the brace) into {@code labels}. */
  private static void parseLabels(String line, int i, Map<String, String> labels) {
    while (line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // past ="
      for (; line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\') {
          char n = line.charAt(++j);
          value.append(n == 'n' ? '\n' : n);
        } else {
          value.append(c);
        }
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
  }

  /** Every panel, rows and the panels of collapsed rows included. */
  private List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }
}
