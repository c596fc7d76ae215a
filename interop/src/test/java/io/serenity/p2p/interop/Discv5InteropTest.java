package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.service.Discv5Config;
import io.serenity.p2p.discv5.service.Discv5Service;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node Discovery v5.1 between a Java {@link Discv5Service} and a {@code @chainsafe/discv5} 11.0.0 node
 * ({@code discv5-peer.mjs}), both on 127.0.0.1: each bootstraps from the other's record, the handshake is
 * started from either side, and PING, FINDNODE (distance 0 and table distances) and TALKREQ are answered
 * both ways.
 */
class Discv5InteropTest {

  static final Duration WAIT = Duration.ofSeconds(20);
  private static final HexFormat HEX = HexFormat.of();

  private final List<Discv5Service> javaNodes = new ArrayList<>();
  private final List<JsDiscv5Peer> jsNodes = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (JsDiscv5Peer js : jsNodes) {
      js.close();
    }
    for (Discv5Service s : javaNodes) {
      s.stop().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A Java node on 127.0.0.1 for loopback tests: no per-IP limits (every peer shares one address),
   * revalidation out of the way, generous timeouts for a loaded machine.
   */
  static Discv5Config.Builder javaConfig(byte[] key) {
    return Discv5Config.builder(key).bind(new InetSocketAddress("127.0.0.1", 0)).noIpLimits()
        .revalidation(Duration.ofHours(1), Duration.ofHours(1)).requestTimeout(Duration.ofSeconds(5))
        .challenges(1000, Duration.ofSeconds(5));
  }

  private Discv5Service startJava() throws Exception {
    Discv5Service s = new Discv5Service(javaConfig(RandomSource.secure().ephemeralKey()).build());
    javaNodes.add(s);
    s.start().get(10, TimeUnit.SECONDS);
    s.registerTalkHandler("echo", (from, enr, request) -> reversed(request));
    return s;
  }

  private JsDiscv5Peer startJs(Enr... bootnodes) {
    List<String> args = new ArrayList<>(List.of("--request-timeout-ms", "5000", "--timeout-ms", "20000"));
    for (Enr b : bootnodes) {
      args.add("--bootnode");
      args.add(b.toText());
    }
    JsDiscv5Peer js = JsDiscv5Peer.start(args);
    jsNodes.add(js);
    js.first("listening");
    return js;
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  private static ObjectNode findNode(JsDiscv5Peer js, Enr to, int... distances) {
    ObjectNode c = js.command("findnode").put("enr", to.toText());
    ArrayNode d = c.putArray("distances");
    for (int x : distances) {
      d.add(x);
    }
    return c;
  }

  private static void assertJsPingsJava(JsDiscv5Peer js, Discv5Service java) {
    JsEvent pong = js.request(js.command("ping").put("enr", java.localEnr().toText()), WAIT);
    assertThat(pong.str("nodeId")).isEqualTo(java.localNodeId().toString());
    assertThat(pong.num("enrSeq")).isEqualTo(java.localEnr().seq());
    assertThat(pong.str("ip")).isEqualTo("127.0.0.1");
    assertThat(pong.num("port")).isEqualTo(js.port());
  }

  private static void assertJavaPingsJs(Discv5Service java, Enr jsEnr) throws Exception {
    Pong pong = await(java.ping(jsEnr));
    assertThat(pong.enrSeq()).isEqualTo(jsEnr.seq());
    assertThat(pong.recipientIp().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(pong.recipientPort()).isEqualTo(java.localEnr().udp().orElseThrow());
  }

  @Test
  void javaStartsTheHandshakeThenJsPingsBack() throws Exception {
    Discv5Service java = startJava();
    JsDiscv5Peer js = startJs(java.localEnr());           // js bootstraps from Java's record
    Enr jsEnr = Enr.fromText(js.enr());
    assertThat(await(java.addEnr(jsEnr))).isTrue();       // and Java from js's

    assertJavaPingsJs(java, jsEnr);                       // Java's random packet, js's WHOAREYOU, Java's handshake
    assertJsPingsJava(js, java);                          // on the session Java set up
    assertThat(await(java.table()).stream().filter(e -> e.enr().equals(jsEnr)).findFirst().orElseThrow().live())
        .isTrue();
  }

  @Test
  void jsStartsTheHandshakeThenJavaPingsBack() throws Exception {
    Discv5Service java = startJava();
    JsDiscv5Peer js = startJs(java.localEnr());
    Enr jsEnr = Enr.fromText(js.enr());

    assertJsPingsJava(js, java);                          // js's random packet, Java's WHOAREYOU, js's handshake
    // Java learned js's record from the handshake and holds it as live.
    assertThat(await(java.table())).anySatisfy(e -> {
      assertThat(e.enr()).isEqualTo(jsEnr);
      assertThat(e.live()).isTrue();
    });
    assertJavaPingsJs(java, jsEnr);
  }

  @Test
  void findNodeDistanceZeroBothWays() throws Exception {
    Discv5Service java = startJava();
    JsDiscv5Peer js = startJs(java.localEnr());
    Enr jsEnr = Enr.fromText(js.enr());

    assertThat(await(java.findNode(jsEnr, List.of(0)))).containsExactly(jsEnr);
    JsEvent nodes = js.request(findNode(js, java.localEnr(), 0), WAIT);
    assertThat(nodes.str("from")).isEqualTo(java.localNodeId().toString());
    assertThat(nodes.strings("nodeIds")).containsExactly(java.localNodeId().toString());
    assertThat(nodes.strings("enrs").stream().map(Enr::fromText).toList()).containsExactly(java.localEnr());
  }

  @Test
  void findNodeTableDistancesBothWays() throws Exception {
    Discv5Service java = startJava();
    Discv5Service third = startJava();
    JsDiscv5Peer js = startJs(java.localEnr(), third.localEnr());
    Enr jsEnr = Enr.fromText(js.enr());

    // Java relays only nodes that answered: make the third node live in Java's table.
    await(java.ping(third.localEnr()));
    int javaToThird = java.localNodeId().logDistance(third.localNodeId());
    JsEvent nodes = js.request(findNode(js, java.localEnr(), javaToThird), WAIT);
    assertThat(nodes.strings("nodeIds")).containsExactly(third.localNodeId().toString());
    // A distance where Java holds nobody: one empty NODES answer.
    int empty = javaToThird == 256 ? 255 : 256;
    assertThat(js.request(findNode(js, java.localEnr(), empty), WAIT).strings("nodeIds")).isEmpty();

    // js relays its bootnodes: ask it for the third node's distance (Java drops its own record if present).
    NodeId jsId = NodeId.fromHex(js.nodeId());
    int jsToThird = jsId.logDistance(third.localNodeId());
    int jsToJava = jsId.logDistance(java.localNodeId());
    List<Enr> got = await(java.findNode(jsEnr, List.of(jsToThird)));
    assertThat(got).contains(third.localEnr()).doesNotContain(java.localEnr());
    if (jsToJava != jsToThird) {
      assertThat(got).containsExactly(third.localEnr());
    }
    // Several distances in one request, including 0 (js's own record).
    List<Enr> several = await(java.findNode(jsEnr, List.of(0, jsToThird)));
    assertThat(several).contains(jsEnr, third.localEnr());
  }

  @Test
  void findNodeSplitOverSeveralNodesPackets() throws Exception {
    // 12 live Java nodes at whatever distances from the asking js node: Java packs 16 records at most,
    // so ask for every distance it holds: 12 records of about 140 bytes need more than one 1280-byte NODES packet.
    Discv5Service java = startJava();
    List<Discv5Service> others = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Discv5Service o = startJava();
      others.add(o);
      await(java.ping(o.localEnr()));
    }
    JsDiscv5Peer js = startJs(java.localEnr());
    List<Integer> distances = others.stream().map(o -> java.localNodeId().logDistance(o.localNodeId()))
        .distinct().toList();
    ObjectNode c = js.command("findnode").put("enr", java.localEnr().toText());
    ArrayNode d = c.putArray("distances");
    distances.forEach(d::add);
    JsEvent nodes = js.request(c, WAIT);
    assertThat(nodes.strings("nodeIds")).containsExactlyInAnyOrderElementsOf(
        others.stream().map(o -> o.localNodeId().toString()).toList());
  }

  @Test
  void talkRequestsBothWays() throws Exception {
    Discv5Service java = startJava();
    JsDiscv5Peer js = startJs(java.localEnr());
    Enr jsEnr = Enr.fromText(js.enr());
    byte[] data = {1, 2, 3, 4, 5};

    assertThat(await(java.talk(jsEnr, "echo", data))).containsExactly(5, 4, 3, 2, 1);
    assertThat(await(java.talk(jsEnr, "nobody-home", data))).isEmpty();
    JsEvent req = js.await("talk-req", WAIT);
    assertThat(req.str("from")).isEqualTo(java.localNodeId().toString());
    assertThat(req.str("protocol")).isEqualTo("echo");
    assertThat(req.str("data")).isEqualTo(HEX.formatHex(data));

    JsEvent resp = js.request(js.command("talk").put("enr", java.localEnr().toText()).put("protocol", "echo")
        .put("data", HEX.formatHex(data)), WAIT);
    assertThat(resp.str("from")).isEqualTo(java.localNodeId().toString());
    assertThat(resp.str("data")).isEqualTo("0504030201");
    JsEvent unknown = js.request(js.command("talk").put("enr", java.localEnr().toText())
        .put("protocol", "nobody-home").put("data", "aa"), WAIT);
    assertThat(unknown.str("data")).isEmpty();
  }

  @Test
  void jsRestartedOnANewPortWithTheSameKeyHandshakesAgain() throws Exception {
    Discv5Service java = startJava();
    String key = HEX.formatHex(RandomSource.secure().ephemeralKey());
    JsDiscv5Peer first = JsDiscv5Peer.start("--key-hex", key, "--request-timeout-ms", "5000");
    jsNodes.add(first);
    Enr firstEnr = Enr.fromText(first.enr());
    assertJavaPingsJs(java, firstEnr);
    first.close();

    JsDiscv5Peer second = JsDiscv5Peer.start("--key-hex", key, "--seq", "2", "--request-timeout-ms", "5000");
    jsNodes.add(second);
    Enr secondEnr = Enr.fromText(second.enr());
    assertThat(second.nodeId()).isEqualTo(first.nodeId());
    assertThat(second.port()).isNotEqualTo(first.port());
    assertJavaPingsJs(java, secondEnr);
    assertJsPingsJava(second, java);
  }
}
