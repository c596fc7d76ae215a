package io.serenity.p2p.metrics;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The metrics endpoint and status page of a node with a connected gossipsub peer (HTML-level checks). */
@Timeout(60)
class MetricsServerTest {
  private static final String TOPIC = "status-topic";
  private final TestHosts hosts = new TestHosts();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Host a;
  private Host b;
  private PubSub pa;
  private PubSub pb;
  private MetricsServer server;

  @BeforeEach
  void start() throws Exception {
    a = hosts.start();
    b = hosts.start();
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

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    pa.close();
    pb.close();
    hosts.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsArePrometheusTextWithPeersStreamsBytesMessagesMeshAndScores() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    String body = r.body();
    assertThat(body).contains("# TYPE libp2p_peers gauge")
        .contains("libp2p_peers{direction=\"inbound\"} 1.0")
        .contains("libp2p_peers{direction=\"outbound\"} 0.0")
        .contains("# TYPE libp2p_connections gauge")
        .contains("libp2p_connections{muxer=\"yamux\",security=\"noise\",transport=\"tcp\"} 1.0")
        .doesNotContain("transport=\"quic\"")
        .contains("# TYPE libp2p_streams gauge")
        .contains("# TYPE libp2p_stream_bytes_total counter")
        .containsPattern("libp2p_stream_bytes_total\\{direction=\"in\",protocol=\"/meshsub/1.2.0\"} [1-9]")
        .contains("pubsub_messages_total{outcome=\"validated\",topic=\"" + TOPIC + "\"} 1.0")
        .contains("pubsub_messages_total{outcome=\"received\",topic=\"" + TOPIC + "\"} 1.0")
        .contains("pubsub_mesh_peers{topic=\"" + TOPIC + "\"} 1.0")
        .contains("pubsub_peer_score{stat=\"p50\"} 0.0")
        .contains("pubsub_peers_negative_score 0.0")
        .contains("pubsub_queue_drops_total 0.0")
        .contains("libp2p_rcmgr_connections{direction=\"inbound\"} 1.0")
        .contains("libp2p_rcmgr_connections{direction=\"outbound\"} 0.0")
        .containsPattern("libp2p_rcmgr_streams\\{direction=\"inbound\"} [1-9]")
        .contains("# TYPE libp2p_rcmgr_memory_bytes gauge")
        .contains("libp2p_rcmgr_connections_limit{direction=\"inbound\",scope=\"system\"} 128.0")
        .contains("libp2p_rcmgr_memory_limit_bytes{scope=\"system\"} 2.68435456E8")
        .contains("libp2p_rcmgr_streams_limit{direction=\"inbound\",scope=\"protocol_peer\"} 256.0")
        .contains("libp2p_rcmgr_refusals_total{resource=\"memory\",scope=\"peer\"} 0.0")
        .contains("libp2p_rcmgr_peer_max_streams{direction=\"inbound\"}")
        .contains("libp2p_rcmgr_peer_max_memory_bytes ")
        .contains("pubsub_rejected_messages_total{reason=\"validation_failed\"} 0.0");
  }

  @Test
  void connectionsAreLabelledByTransportSecurityAndMuxerOnTheMetricsAndTheStatusPage() throws Exception {
    Host q = hosts.start(io.serenity.p2p.crypto.KeyType.SECP256K1, io.serenity.p2p.host.HostConfig.defaults(),
        "/ip4/127.0.0.1/udp/0/quic-v1");
    Host t = hosts.start(io.serenity.p2p.crypto.KeyType.SECP256K1,
        io.serenity.p2p.host.HostConfig.defaults().toBuilder()
            .securityProtocols(io.serenity.p2p.host.HostConfig.TLS).muxers(io.serenity.p2p.host.HostConfig.MPLEX)
            .build(), "/ip4/127.0.0.1/tcp/0");
    assertThat(await(a.connect(dialAddr(q))).transport()).isEqualTo("quic");
    assertThat(await(a.connect(dialAddr(t))).transport()).isEqualTo("tcp");
    String body = get("/metrics").body();
    assertThat(body)
        .contains("libp2p_connections{muxer=\"quic\",security=\"quic-tls\",transport=\"quic\"} 1.0")
        .contains("libp2p_connections{muxer=\"yamux\",security=\"noise\",transport=\"tcp\"} 1.0")
        .contains("libp2p_connections{muxer=\"mplex\",security=\"tls\",transport=\"tcp\"} 1.0");
    String html = get("/").body();
    assertThat(html).contains("<th>transport</th>")
        .containsPattern("<code>" + q.peerId().toBase58() + "</code></td><td>outbound</td><td><code>"
            + "/ip4/127\\.0\\.0\\.1/udp/\\d+/quic-v1</code></td><td class=\"transport\">quic \\(quic-tls, quic\\)</td>")
        .contains("<code>" + b.peerId().toBase58() + "</code></td><td>inbound</td>")
        .contains("<td class=\"transport\">tcp (noise, yamux)</td>")
        .contains("<td class=\"transport\">tcp (tls, mplex)</td>");
    com.fasterxml.jackson.databind.JsonNode peers =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(get("/status.json").body()).get("peers");
    java.util.Map<String, String> byPeer = new java.util.HashMap<>();
    peers.forEach(p -> byPeer.put(p.get("peerId").textValue(),
        p.get("transport").textValue() + "/" + p.get("security").textValue() + "/" + p.get("muxer").textValue()));
    assertThat(byPeer).containsEntry(q.peerId().toBase58(), "quic/quic-tls/quic")
        .containsEntry(b.peerId().toBase58(), "tcp/noise/yamux")
        .containsEntry(t.peerId().toBase58(), "tcp/tls/mplex");
  }

  @Test
  void jvmAndProcessMetricsAreServedBesideTheNodes() throws Exception {
    String body = get("/metrics").body();
    assertThat(body).containsPattern("jvm_memory_used_bytes\\{area=\"heap\"} [1-9]")
        .containsPattern("(?m)^jvm_threads_current [1-9]")
        .contains("# TYPE jvm_gc_collection_seconds summary")
        .contains("# TYPE jvm_classes_currently_loaded gauge")
        .containsPattern("(?m)^process_cpu_seconds_total [0-9]")
        .containsPattern("(?m)^process_resident_memory_bytes [1-9]");
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(body).containsPattern("(?m)^process_open_fds [1-9]").containsPattern("(?m)^process_max_fds [1-9]");
    }
    // the JVM instrumentation is set up once per process and shared: a second node's endpoint has it too
    try (MetricsServer second = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), b, pb)) {
      URI uri = URI.create("http://127.0.0.1:" + second.address().getPort() + "/metrics");
      String other = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(other).containsPattern("(?m)^jvm_threads_current [1-9]").contains("libp2p_peers{direction=\"outbound\"} 1.0");
    }
  }

  @Test
  void ourMetricsFollowThePrometheusNamingConventions() throws Exception {
    String body = get("/metrics").body();
    Matcher type = Pattern.compile("(?m)^# TYPE ((?:libp2p|pubsub)_\\w+) (\\w+)$").matcher(body);
    int families = 0;
    while (type.find()) {
      families++;
      String name = type.group(1);
      String kind = type.group(2);
      assertThat(name).as("metric name").matches("[a-z][a-z0-9_]*");
      if (kind.equals("counter")) {
        assertThat(name).as("counter").endsWith("_total");
      } else {
        assertThat(name).as(kind).doesNotEndWith("_total");
      }
      if (name.contains("bytes")) {
        assertThat(name).as("a size is in bytes, named last").matches(".*_bytes(_total)?");
      }
      assertThat(name).as("base units only").doesNotContainPattern("_(bits|kb|kib|mb|mib|ms|millis|milliseconds|minutes)(_|$)");
    }
    assertThat(families).isGreaterThan(20);
    Matcher labels = Pattern.compile("(?m)^(?:libp2p|pubsub)_\\w+\\{([^}]*)}").matcher(body);
    while (labels.find()) {
      for (String pair : labels.group(1).split(",(?=[a-z_]+=\")")) {
        assertThat(pair.substring(0, pair.indexOf('='))).as("label name in " + labels.group()).matches("[a-z][a-z0-9_]*");
      }
    }
  }

  @Test
  void statusPageShowsIdentityAddressesPeersAndMeshes() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    String html = r.body();
    assertThat(html).startsWith("<!doctype html>")
        .contains("<meta http-equiv=\"refresh\"")
        .contains("<code id=\"peer-id\">" + a.peerId().toBase58() + "</code>")
        .contains(a.listenAddrs().get(0) + "/p2p/" + a.peerId().toBase58())
        .contains("<span id=\"peer-count\">1</span>")
        .contains("<tr class=\"peer\"><td><code>" + b.peerId().toBase58() + "</code></td><td>inbound</td>")
        .contains("<tr class=\"topic\"><td><code>" + TOPIC + "</code></td><td>1</td>")
        .contains("<table id=\"resources\">")
        .contains("<tr class=\"resource\"><td>inbound connections (node)</td><td>1</td><td>128</td>");
    String json = get("/status.json").body();
    assertThat(json).startsWith("{\"peerId\":\"" + a.peerId().toBase58() + "\"")
        .contains("\"meshes\":{\"" + TOPIC + "\":[\"" + b.peerId().toBase58() + "\"]}");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void aTakenPortIsAClearError() {
    InetSocketAddress taken = server.address();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsServer.start(taken, a, pa))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(taken.toString());
  }

  @Test
  void htmlEscapesWhatPeersControl() {
    NodeStatus s = new NodeStatus("me", java.util.List.of(),
        java.util.List.of(new NodeStatus.PeerStatus("p", "inbound", "/ip4/1.2.3.4/tcp/1", "tcp", "noise", "yamux",
            "<script>alert(1)</script>", 0, -1.5)),
        java.util.Map.of("t<b>", java.util.List.of()));
    String html = StatusPage.html(s);
    assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("t&lt;b&gt;")
        .contains("class=\"neg\">-1.50");
  }
}
