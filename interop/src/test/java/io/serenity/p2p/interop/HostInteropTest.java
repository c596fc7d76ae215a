package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Echo;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.protocol.ping.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection stack against js-libp2p, both directions, for each identity key type and muxer:
 * connect, identify both ways, ping, 100 concurrent streams echoing 1 MiB each, clean close.
 */
class HostInteropTest {
  private static final String JS_ECHO = "/echo/1.0.0";
  private static final int STREAMS = 100;
  private static final int BYTES = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  /**
   * js's connection monitor is off: it pings every 10 s on the connection and aborts the whole
   * connection when a ping is not answered within its adaptive timeout (5 s at least). During the
   * 100 MiB echo its ping waits behind megabytes queued on the same TCP connection in both
   * processes; on a loaded 2-core machine that passed 5 s and js cut the connection mid-transfer
   * (our echo streams saw a reset, js's a short echo). A longer timeout does not help: the next
   * ping, 10 s later, then finds the first still open and js's limit of one outbound ping stream
   * aborts the connection instead. Ping itself is still checked both ways (Java pings js, js pings
   * Java three times) before the bulk transfer.
   */
  private static final String JS_MONITOR = "off";

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (KeyType key : List.of(KeyType.SECP256K1, KeyType.ED25519)) {
      for (String muxer : List.of("yamux", "mplex")) {
        cases.add(Arguments.of(key, muxer));
      }
    }
    return cases.stream();
  }

  private static String muxerId(String muxer) {
    return muxer.equals("yamux") ? HostConfig.YAMUX : HostConfig.MPLEX;
  }

  private static Host javaHost(KeyType key, String muxer, LinkedBlockingQueue<HostEvent> events) {
    Host host =
        Host.builder()
            .identity(PrivateKey.generate(key))
            .listen("/ip4/127.0.0.1/tcp/0")
            .config(HostConfig.builder().muxers(muxerId(muxer)).build())
            .build();
    host.setStreamHandler(JS_ECHO, Echo::serve);
    host.addListener(events::add);
    host.start().join();
    return host;
  }

  private static <T extends HostEvent> T awaitEvent(
      LinkedBlockingQueue<HostEvent> events, Class<T> type, JsPeer js) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      HostEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        throw js.failure("Java host saw no " + type.getSimpleName() + " within " + WAIT);
      }
      if (type.isInstance(e)) {
        return type.cast(e);
      }
    }
  }

  private static String keyHex(PrivateKey key) {
    return HexFormat.of().formatHex(key.raw());
  }

  @ParameterizedTest(name = "Java dials js: {0} {1}")
  @MethodSource("matrix")
  void javaDialsJs(KeyType keyType, String muxer) throws Exception {
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    PrivateKey jsKey = PrivateKey.generate(keyType);
    PeerId jsId = PeerId.fromPublicKey(jsKey.publicKey());
    try (Host host = javaHost(keyType, muxer, events);
        JsPeer js =
            JsPeer.start(
                "--key-type", keyType == KeyType.SECP256K1 ? "secp256k1" : "ed25519",
                "--key-hex", keyHex(jsKey),
                "--muxers", muxer,
                "--echo",
                "--rate-limit", "off",
                "--monitor", JS_MONITOR)) {
      // connect: the PeerId js proves is the one Java derives from the key it gave js
      assertThat(js.peerId()).isEqualTo(jsId.toBase58());
      Connection c = host.connect(Multiaddr.parse(js.listenAddr())).get(30, TimeUnit.SECONDS);
      assertThat(c.remotePeer()).isEqualTo(jsId);
      assertThat(c.muxer()).isEqualTo(muxerId(muxer));
      JsEvent connected = js.await("connected");
      assertThat(connected.str("peerId")).isEqualTo(host.peerId().toBase58());
      assertThat(connected.str("direction")).isEqualTo("inbound");
      assertThat(connected.str("muxer")).isEqualTo(muxerId(muxer));

      assertIdentifiedBothWays(host, js, jsId, events);

      // ping from Java
      Duration rtt = Ping.ping(host, jsId).get(30, TimeUnit.SECONDS);
      assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));

      // 100 concurrent streams, 1 MiB each, echoed by js
      Random random = new Random(42);
      List<byte[]> expected = new ArrayList<>();
      List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        byte[] data = new byte[BYTES];
        random.nextBytes(data);
        expected.add(Echo.sha256(data));
        echoed.add(c.newStream(JS_ECHO).thenCompose(s -> Echo.roundTrip(s, data, 64 * 1024)));
      }
      for (int i = 0; i < STREAMS; i++) {
        byte[] digest;
        try {
          digest = echoed.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // js's events say why (its echo streams print the error they closed with)
          AssertionError failure = js.failure("echo stream " + i + " failed: " + e);
          failure.initCause(e);
          throw failure;
        }
        assertThat(digest).as("stream %d", i).isEqualTo(expected.get(i));
      }

      // clean close seen by js
      host.disconnect(jsId).get(10, TimeUnit.SECONDS);
      assertThat(js.await("disconnected").str("peerId")).isEqualTo(host.peerId().toBase58());
      awaitEvent(events, HostEvent.PeerDisconnected.class, js);
      assertThat(js.events("error")).isEmpty();
    }
  }

  @ParameterizedTest(name = "js dials Java: {0} {1}")
  @MethodSource("matrix")
  void jsDialsJava(KeyType keyType, String muxer) throws Exception {
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    try (Host host = javaHost(keyType, muxer, events)) {
      String target = host.listenAddrs().get(0) + "/p2p/" + host.peerId();
      try (JsPeer js =
          JsPeer.start(
              "--key-type", keyType == KeyType.SECP256K1 ? "secp256k1" : "ed25519",
              "--muxers", muxer,
              "--rate-limit", "off",
              "--monitor", JS_MONITOR,
              "--dial", target,
              "--ping", "3",
              "--streams", Integer.toString(STREAMS),
              "--bytes", Integer.toString(BYTES),
              "--close",
              "--timeout-ms", "60000")) {
        PeerId jsId = PeerId.parse(js.peerId());
        JsEvent connected = js.await("connected");
        assertThat(connected.str("peerId")).isEqualTo(host.peerId().toBase58());
        assertThat(connected.str("direction")).isEqualTo("outbound");
        assertThat(connected.str("muxer")).isEqualTo(muxerId(muxer));
        HostEvent.PeerConnected javaSide = awaitEvent(events, HostEvent.PeerConnected.class, js);
        assertThat(javaSide.peer()).isEqualTo(jsId);
        assertThat(javaSide.connection().isInitiator()).isFalse();

        assertIdentifiedBothWays(host, js, jsId, events);

        for (int i = 0; i < 3; i++) {
          assertThat(js.await("ping").decimal("rttMs")).isGreaterThanOrEqualTo(0).isLessThan(5000);
        }
        JsEvent echo = js.await("echo", WAIT);
        assertThat(echo.bool("ok"))
            .as("js compared SHA-256 of every stream: %s; js errors: %s", echo, js.events("error"))
            .isTrue();
        assertThat(echo.num("streams")).isEqualTo(STREAMS);
        assertThat(js.await("disconnected").str("peerId")).isEqualTo(host.peerId().toBase58());
        awaitEvent(events, HostEvent.PeerDisconnected.class, js);
        assertThat(js.await("done").bool("ok")).isTrue();
        assertThat(js.events("error")).isEmpty();
      }
    }
  }

  /** Each side sees the other's protocols, agent and listen addresses. */
  private static void assertIdentifiedBothWays(
      Host host, JsPeer js, PeerId jsId, LinkedBlockingQueue<HostEvent> events) throws InterruptedException {
    JsEvent identify = js.await("identify");
    assertThat(identify.str("peerId")).isEqualTo(host.peerId().toBase58());
    assertThat(identify.strings("protocols")).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", JS_ECHO);
    assertThat(identify.str("agentVersion")).startsWith("serenity-p2p/");
    assertThat(identify.strings("listenAddrs"))
        .anySatisfy(a -> assertThat(a).startsWith(host.listenAddrs().get(0).toString()));

    HostEvent.PeerIdentified next;
    do {
      next = awaitEvent(events, HostEvent.PeerIdentified.class, js);
    } while (!next.peer().equals(jsId));
    HostEvent.PeerIdentified seen = next;
    assertThat(seen.info().protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0");
    assertThat(seen.info().agentVersion()).hasValueSatisfying(a -> assertThat(a).startsWith("js-libp2p/"));
    List<String> jsAddrs = js.first("listening").strings("addrs");
    assertThat(seen.info().listenAddrs()).isNotEmpty();
    assertThat(jsAddrs).anySatisfy(a -> assertThat(a).startsWith(seen.info().listenAddrs().get(0).toString()));
    assertThat(host.peerStore().agentVersion(jsId)).isEqualTo(seen.info().agentVersion());
  }
}
