package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Echo;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.protocol.ping.Ping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * QUIC v1 against js-libp2p ({@code @chainsafe/libp2p-quic}), both directions, both key types:
 * connect (TLS inside QUIC with the libp2p certificate), identify both ways, ping, concurrent echo
 * streams with SHA-256 checks, clean close.
 */
class QuicInteropTest {
  private static final String JS_ECHO = "/echo/1.0.0";
  private static final String QUIC = "/ip4/127.0.0.1/udp/0/quic-v1";
  private static final int STREAMS = 32;
  private static final int BYTES = 256 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Host javaHost(KeyType key, LinkedBlockingQueue<HostEvent> events) {
    Host host = Host.builder().identity(PrivateKey.generate(key)).listen(QUIC).build();
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

  private static String keyType(KeyType k) {
    return k == KeyType.SECP256K1 ? "secp256k1" : "ed25519";
  }

  @ParameterizedTest(name = "Java dials js over QUIC: {0}")
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
  void javaDialsJs(KeyType keyType) throws Exception {
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    PrivateKey jsKey = PrivateKey.generate(keyType);
    PeerId jsId = PeerId.fromPublicKey(jsKey.publicKey());
    try (Host host = javaHost(keyType, events);
        JsPeer js = JsPeer.start(
            "--key-type", keyType(keyType),
            "--key-hex", HexFormat.of().formatHex(jsKey.raw()),
            "--transports", "quic",
            "--listen", QUIC,
            "--echo",
            "--rate-limit", "off")) {
      Multiaddr jsAddr = Multiaddr.parse(js.listenAddr());
      assertThat(jsAddr.toString()).contains("/quic-v1");
      Connection c = host.connect(jsAddr).get(30, TimeUnit.SECONDS);
      assertThat(c.remotePeer()).isEqualTo(jsId);
      assertThat(c.remoteAddr().toString()).endsWith("/quic-v1");
      JsEvent connected = js.await("connected");
      assertThat(connected.str("peerId")).isEqualTo(host.peerId().toBase58());
      assertThat(connected.str("direction")).isEqualTo("inbound");

      JsEvent identify = js.await("identify");
      assertThat(identify.str("peerId")).isEqualTo(host.peerId().toBase58());
      assertThat(identify.strings("protocols")).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", JS_ECHO);
      HostEvent.PeerIdentified seen;
      do {
        seen = awaitEvent(events, HostEvent.PeerIdentified.class, js);
      } while (!seen.peer().equals(jsId));
      assertThat(seen.info().agentVersion()).hasValueSatisfying(a -> assertThat(a).startsWith("js-libp2p/"));

      assertThat(Ping.ping(host, jsId).get(30, TimeUnit.SECONDS)).isPositive();

      Random random = new Random(7);
      List<byte[]> expected = new ArrayList<>();
      List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        byte[] data = new byte[BYTES];
        random.nextBytes(data);
        expected.add(Echo.sha256(data));
        echoed.add(c.newStream(JS_ECHO).thenCompose(s -> Echo.roundTrip(s, data, 64 * 1024)));
      }
      for (int i = 0; i < STREAMS; i++) {
        assertThat(echoed.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stream %d", i).isEqualTo(expected.get(i));
      }

      host.disconnect(jsId).get(10, TimeUnit.SECONDS);
      assertThat(js.await("disconnected").str("peerId")).isEqualTo(host.peerId().toBase58());
      assertThat(js.events("error")).isEmpty();
    }
  }

  @ParameterizedTest(name = "js dials Java over QUIC: {0}")
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
  void jsDialsJava(KeyType keyType) throws Exception {
    LinkedBlockingQueue<HostEvent> events = new LinkedBlockingQueue<>();
    try (Host host = javaHost(keyType, events)) {
      String target = host.listenAddrs().get(0) + "/p2p/" + host.peerId();
      try (JsPeer js = JsPeer.start(
          "--key-type", keyType(keyType),
          "--transports", "quic",
          "--listen", "none",
          "--rate-limit", "off",
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
        HostEvent.PeerConnected javaSide = awaitEvent(events, HostEvent.PeerConnected.class, js);
        assertThat(javaSide.peer()).isEqualTo(jsId);
        assertThat(javaSide.connection().remoteAddr().toString()).endsWith("/quic-v1");
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
}
