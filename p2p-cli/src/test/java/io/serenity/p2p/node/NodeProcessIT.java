package io.serenity.p2p.node;

import static io.serenity.p2p.node.NodeProcesses.field;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged {@code p2p-node.jar} run as a process, as a user runs it. */
@Timeout(180)
class NodeProcessIT {

  private final NodeProcesses nodes = new NodeProcesses();


  @AfterEach
  void stop() throws InterruptedException {
    nodes.close();
  }


  @Test
  void aLineOnStdinOfOneNodeIsPrintedAsAMessageEventByTheOther() throws Exception {
    NodeProcesses.Node a = nodes.start("run", "--key-seed", "101", "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat", "--json",
        "--metrics", "127.0.0.1:0", "--exit-after", "120");
    String listening = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event");
    String addr = listening.replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");
    assertThat(addr).startsWith("/ip4/127.0.0.1/tcp/").contains("/p2p/" + field(listening, "peerId"));
    String metricsUrl = field(a.await(l -> l.startsWith("{\"event\":\"metrics\""), "metrics event"), "url");

    NodeProcesses.Node b = nodes.start("run", "--key-seed", "102", "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat", "--json",
        "--publish-stdin", "--peer", addr, "--exit-after", "120");
    String bListening = b.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of b");
    String connected = b.await(l -> l.startsWith("{\"event\":\"peer_connected\""), "peer_connected");
    assertThat(field(connected, "direction")).isEqualTo("outbound");
    assertThat(field(connected, "agent")).startsWith("serenity-p2p/");
    // stdin stays open to the end: at its end b would stop, and the status page below lists b
    OutputStream in = b.process.getOutputStream();
    in.write("hello from b\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    String published = b.await(l -> l.startsWith("{\"event\":\"published\""), "published");
    assertThat(field(published, "topic")).isEqualTo("chat");
    String message = a.await(l -> l.startsWith("{\"event\":\"message\""), "message event");
    assertThat(field(message, "topic")).isEqualTo("chat");
    assertThat(field(message, "from")).isEqualTo(field(bListening, "peerId"));
    assertThat(new String(Base64.getDecoder().decode(field(message, "data")), StandardCharsets.UTF_8)).isEqualTo("hello from b");
    assertThat(field(message, "id")).isEqualTo(field(published, "id"));

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(metricsUrl + "metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("pubsub_messages_total{outcome=\"validated\",topic=\"chat\"} 1.0");
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains(field(listening, "peerId")).contains(field(bListening, "peerId"));
    in.close();
  }

  /**
   * Starts a node on topic "chat" (printing --json) and a second that publishes its stdin there,
   * dialled to the first, and waits until they are connected: {a, b}.
   */
  private NodeProcesses.Node[] printerAndPublisher(String seedA, String seedB) throws Exception {
    NodeProcesses.Node a = nodes.start("run", "--key-seed", seedA, "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat",
        "--json", "--exit-after", "120");
    String addr = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event")
        .replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");
    NodeProcesses.Node b = nodes.start("run", "--key-seed", seedB, "--listen", "/ip4/127.0.0.1/tcp/0", "--topic", "chat",
        "--json", "--publish-stdin", "--peer", addr, "--exit-after", "120");
    b.await(l -> l.startsWith("{\"event\":\"peer_connected\""), "peer_connected");
    return new NodeProcesses.Node[] {a, b};
  }

  @Test
  void publishingStdinEndsCleanlyAtTheEndOfInputAfterDeliveringEveryLine() throws Exception {
    NodeProcesses.Node[] pair = printerAndPublisher("111", "112");
    NodeProcesses.Node a = pair[0];
    NodeProcesses.Node b = pair[1];
    try (OutputStream in = b.process.getOutputStream()) {
      in.write("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
    } // end of input
    String ended = b.await(l -> l.startsWith("{\"event\":\"input_ended\""), "input_ended");
    assertThat(field(ended, "published")).isEqualTo("3");
    assertThat(field(ended, "failed")).isEqualTo("0");
    assertThat(b.process.waitFor(60, TimeUnit.SECONDS)).as("b stops at the end of its input").isTrue();
    assertThat(b.process.exitValue()).isZero();
    java.util.Set<String> got = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      String m = a.await(l -> l.startsWith("{\"event\":\"message\""), "message " + (i + 1));
      got.add(new String(Base64.getDecoder().decode(field(m, "data")), StandardCharsets.UTF_8));
    }
    assertThat(got).containsExactlyInAnyOrder("one", "two", "three");
  }

  @Test
  void stdinLinesAreTheirBytesAndALineOverTheLargestMessageIsAnErrorInItsPlace() throws Exception {
    NodeProcesses.Node[] pair = printerAndPublisher("113", "114");
    NodeProcesses.Node a = pair[0];
    NodeProcesses.Node b = pair[1];
    byte[] notUtf8 = {'n', (byte) 0xff, (byte) 0xc3, 0x28};
    try (OutputStream in = b.process.getOutputStream()) {
      in.write("first\r\n".getBytes(StandardCharsets.UTF_8));
      in.write(new byte[(1 << 20) + 1]); // one byte over the largest message (1 MiB by default)
      in.write('\n');
      in.write(notUtf8);
      in.write('\n');
      in.write("last".getBytes(StandardCharsets.UTF_8)); // no end: still a line
    }
    // events of the lines, in line order
    java.util.function.Predicate<String> lineEvent =
        l -> l.startsWith("{\"event\":\"published\"") || l.startsWith("{\"event\":\"error\"");
    assertThat(field(b.await(lineEvent, "first line's event"), "event")).isEqualTo("published");
    String error = b.await(lineEvent, "second line's event");
    assertThat(field(error, "event")).isEqualTo("error");
    assertThat(field(error, "why")).isEqualTo("line 2 is 1048577 bytes, more than the largest message (1048576)");
    String ended = b.await(l -> l.startsWith("{\"event\":\"input_ended\""), "input_ended");
    assertThat(field(ended, "published")).isEqualTo("3");
    assertThat(field(ended, "failed")).isEqualTo("1");
    assertThat(b.process.waitFor(60, TimeUnit.SECONDS)).as("b stops at the end of its input").isTrue();
    assertThat(b.process.exitValue()).as("a line was not published").isEqualTo(1);
    java.util.Set<String> got = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      String m = a.await(l -> l.startsWith("{\"event\":\"message\""), "message " + (i + 1));
      got.add(java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(field(m, "data"))));
    }
    java.util.HexFormat hex = java.util.HexFormat.of();
    assertThat(got).containsExactlyInAnyOrder(hex.formatHex("first".getBytes(StandardCharsets.UTF_8)),
        hex.formatHex(notUtf8), hex.formatHex("last".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aWildcardListenerPrintsItsInterfaceAddressesAndTheAdvertisedOnesFirst() throws Exception {
    NodeProcesses.Node a = nodes.start("run", "--key-seed", "103", "--listen", "/ip4/0.0.0.0/tcp/0", "--json",
        "--advertise", "/ip4/203.0.113.7/tcp/9000", "--exit-after", "60");
    String listening = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event");
    String me = "/p2p/" + field(listening, "peerId");
    String addrs = listening.replaceAll(".*\"addrs\":\\[([^\\]]*)\\].*", "$1");
    String advertised = listening.replaceAll(".*\"advertised\":\\[([^\\]]*)\\].*", "$1");
    assertThat(addrs).matches(".*\"/ip4/127\\.0\\.0\\.1/tcp/\\d+" + me + "\".*").doesNotContain("0.0.0.0");
    assertThat(advertised).startsWith("\"/ip4/203.0.113.7/tcp/9000" + me + "\",").endsWith(addrs);
  }

  @Test
  void devnetOfThirtyNodesDeliversEverything() throws Exception {
    NodeProcesses.Node d = nodes.start("devnet", "--nodes", "30", "--degree", "4", "--messages", "30", "--rate", "30", "--json");
    String summary = d.await(l -> l.startsWith("{\"event\":\"devnet_summary\""), "devnet summary");
    assertThat(d.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(d.process.exitValue()).as(summary).isZero();
    assertThat(field(summary, "deliveryRatio")).isEqualTo("1.0");
    assertThat(field(summary, "deliveries")).isEqualTo("870");
    assertThat(field(summary, "failedDials")).isEqualTo("0");
    // labelled figures, not bare arrays
    assertThat(summary).containsPattern("\"latency\":\\{\"p50_ms\":[0-9.]+,\"p90_ms\":[0-9.]+,\"p99_ms\":[0-9.]+,"
        + "\"max_ms\":[0-9.]+}").containsPattern("\"bytesSentPerNode\":\\{\"mean\":[0-9]+,\"max\":[0-9]+}");
  }

  @Test
  void devnetOverQuicDeliversEverythingOnQuicConnections() throws Exception {
    NodeProcesses.Node d = nodes.start("devnet", "--nodes", "20", "--degree", "4", "--messages", "20", "--rate", "30",
        "--transport", "quic", "--json");
    String summary = d.await(l -> l.startsWith("{\"event\":\"devnet_summary\""), "devnet summary");
    assertThat(d.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(d.process.exitValue()).as(summary).isZero();
    assertThat(field(summary, "transport")).isEqualTo("quic");
    assertThat(field(summary, "deliveryRatio")).isEqualTo("1.0");
    assertThat(field(summary, "deliveries")).isEqualTo("380");
    assertThat(field(summary, "failedDials")).isEqualTo("0");
    assertThat(summary).contains("\"connectionsByTransport\":{\"quic\":" + field(summary, "connections") + "}");
  }

  @Test
  void aPingPrintsASummaryAndThePingedNodeLogsNothingAboutIt() throws Exception {
    NodeProcesses.Node a = nodes.start("run", "--key-seed", "121", "--listen", "/ip4/127.0.0.1/tcp/0", "--json",
        "--exit-after", "120");
    String addr = a.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event")
        .replaceAll(".*\"addrs\":\\[\"([^\"]+)\".*", "$1");
    String logsBefore;
    synchronized (a.stderr) {
      logsBefore = a.stderr.toString();
    }
    NodeProcesses.Node ping = nodes.start("ping", "-c", "3", "-i", "0", addr);
    String stats = ping.await(l -> l.contains("ping statistics"), "ping statistics");
    assertThat(stats).contains(addr.substring(addr.lastIndexOf('/') + 1));
    assertThat(ping.await(l -> l.contains(" sent, "), "counts")).contains("3 sent, 3 received, 0% loss");
    assertThat(ping.await(l -> l.startsWith("rtt min/avg/max = "), "round trips")).matches("rtt min/avg/max = [0-9./]+ ms");
    assertThat(ping.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ping.process.exitValue()).isZero();
    synchronized (ping.stderr) {
      assertThat(ping.stderr.toString()).as("the pinger's log").doesNotContain(" WARN ").doesNotContain(" ERROR ")
          .doesNotContain("negotiation failed");
    }
    // the pinged node logged nothing for an ordinary ping and its disconnect: no warning, no reset
    // report (what follows its ping is the peer_disconnected event, awaited so its logs are in)
    a.await(l -> l.startsWith("{\"event\":\"peer_disconnected\""), "the pinger's disconnect");
    String logsAfter;
    synchronized (a.stderr) {
      logsAfter = a.stderr.toString().substring(logsBefore.length());
    }
    assertThat(logsAfter).as("the pinged node's log lines during the ping")
        .doesNotContain(" WARN ").doesNotContain(" ERROR ").doesNotContain("negotiation failed");
  }

  @Test
  void badOptionsExitWithTwoAndNameTheOption() throws Exception {
    nodes.assertUsage(List.of("run", "--router", "nope"), "--router", "'nope'");
    nodes.assertUsage(List.of("run", "--publish-stdin"), "--publish-stdin", "--topic");
    nodes.assertUsage(List.of("run", "--metrics", "nonsense"), "--metrics", "'nonsense'");
    nodes.assertUsage(List.of("run", "--listen", "/ip4/1.2.3"), "--listen", "'/ip4/1.2.3'");
    nodes.assertUsage(List.of("run", "--advertise", "/ip4/1.2.3"), "--advertise", "'/ip4/1.2.3'");
    nodes.assertUsage(List.of("devnet", "--nodes", "1"), "--nodes", "1");
    nodes.assertUsage(List.of("devnet", "--preset", "mainnet"), "--preset", "'mainnet'");
    nodes.assertUsage(List.of("run", "--bogus"), "--bogus");
  }


  @Test
  void helpWorksOnEverySubcommand() throws Exception {
    for (String sub : List.of("run", "devnet", "ping", "identity", "sim")) {
      NodeProcesses.Node n = nodes.start(sub, "--help");
      assertThat(n.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(n.process.exitValue()).isZero();
      assertThat(n.await(l -> l.startsWith("Usage: p2p-node " + sub), "usage of " + sub)).isNotEmpty();
    }
  }


  @Test
  void aPeerGivenWithPeerIsRedialledWhenItsConnectionDrops() throws Exception {
    // the peer is a host in this JVM, so the test can cut the connection as a partition would
    try (io.serenity.p2p.host.Host peer = io.serenity.p2p.host.Host.builder()
        .identity(io.serenity.p2p.crypto.PrivateKey.generate(io.serenity.p2p.crypto.KeyType.ED25519))
        .listen("/ip4/127.0.0.1/tcp/0").build()) {
      peer.start().get(30, java.util.concurrent.TimeUnit.SECONDS);
      String addr = peer.listenAddrs().get(0) + "/p2p/" + peer.peerId();
      NodeProcesses.Node b = nodes.start("run", "--key-seed", "105", "--listen", "/ip4/127.0.0.1/tcp/0", "--json",
          "--peer", addr, "--exit-after", "120");
      String bId = field(b.await(l -> l.startsWith("{\"event\":\"listening\""), "listening event of b"), "peerId");
      for (int i = 0; i < 2; i++) {
        String connected = b.await(l -> l.startsWith("{\"event\":\"peer_connected\""), "peer_connected " + i);
        assertThat(field(connected, "peerId")).isEqualTo(peer.peerId().toBase58());
        assertThat(field(connected, "direction")).as("dialled by the node").isEqualTo("outbound");
        peer.disconnect(io.serenity.p2p.core.PeerId.parse(bId)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        b.await(l -> l.startsWith("{\"event\":\"peer_disconnected\""), "peer_disconnected " + i);
      }
      // and once more: the node came back after each cut
      String third = b.await(l -> l.startsWith("{\"event\":\"peer_connected\""), "peer_connected after two cuts");
      assertThat(field(third, "direction")).isEqualTo("outbound");
    }
  }
}
