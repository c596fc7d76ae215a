package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.ReceivedMessage;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gossipsub between Java and js-libp2p ({@code @libp2p/gossipsub} 17.1.1), StrictSign with go's
 * from||seqno message id and StrictNoSign with SHA-256-of-data ids (both sides configured alike, as
 * IHAVE/IWANT need), each side publishing to the other: every message arrives exactly once, over a
 * mesh that forms across the two implementations. Over TCP (Noise, yamux) and over QUIC v1 (js's
 * {@code @chainsafe/libp2p-quic} 2.1.1), each side dialling.
 */
class GossipSubInteropTest {
  private static final String TOPIC = "interop-gossip";
  private static final int MESSAGES = 20;

  @ParameterizedTest(name = "gossipsub {0}, {1} dials over {2}")
  @CsvSource({"strict, java, tcp", "strict, js, tcp", "none, java, tcp", "none, js, tcp",
      "none, java, quic", "none, js, quic", "strict, js, quic"})
  void messagesFlowBothWaysExactlyOnce(String sign, String dialer, String transport) throws Exception {
    boolean quic = transport.equals("quic");
    PubSubConfig config =
        PubSubConfig.defaults()
            .withSignaturePolicy(sign.equals("strict") ? SignaturePolicy.STRICT_SIGN : SignaturePolicy.STRICT_NO_SIGN);
    try (Host host =
            Host.builder().identity(PrivateKey.generate(KeyType.SECP256K1))
                .listen(quic ? "/ip4/127.0.0.1/udp/0/quic-v1" : "/ip4/127.0.0.1/tcp/0").build();
        PubSub pubsub = PubSub.gossipsub(host, config, io.serenity.p2p.pubsub.GossipSubParams.defaults())) {
      host.start().join();
      pubsub.start().join();
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(MESSAGES);
      pubsub.subscribe(TOPIC, m -> {
        got.add(m);
        all.countDown();
      });
      String javaAddr = host.listenAddrs().get(0) + "/p2p/" + host.peerId();
      List<String> args = new java.util.ArrayList<>(List.of(
          "--router", "gossipsub", "--sign", sign, "--topic", TOPIC, "--print-data", "64",
          "--msg-id", sign.equals("strict") ? "from-seqno" : "sha256", "--D", "2", "--Dlo", "1", "--Dhi", "3",
          "--transports", transport));
      if (dialer.equals("js")) {
        args.addAll(List.of("--dial", javaAddr));
      }
      try (JsPubSubPeer js = JsPubSubPeer.start(args)) {
        if (dialer.equals("java")) {
          host.connect(io.serenity.p2p.core.Multiaddr.parse(js.listenAddr())).get(30, TimeUnit.SECONDS);
        }
        JsEvent connected = js.await("connected");
        assertThat(connected.str("remoteAddr")).as("the connection's transport")
            .contains(quic ? "/quic-v1" : "/tcp/");
        js.await("subscribed");
        pubsub.whenPeers(TOPIC, 1).get(30, TimeUnit.SECONDS);
        js.await(e -> e.name().equals("peer-subscription") && e.str("topic").equals(TOPIC), "our subscription", JsPubSubPeer.DEFAULT_WAIT);

        // the mesh forms across implementations: js grafts us, and our heartbeat grafts js
        js.await(e -> e.name().equals("graft") && e.str("peerId").equals(host.peerId().toBase58()),
            "a graft of the Java peer", JsPubSubPeer.DEFAULT_WAIT);

        // Java -> js
        for (int i = 0; i < MESSAGES; i++) {
          pubsub.publish(TOPIC, ("java-" + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        }
        Set<String> atJs = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
          JsEvent m = js.await("message");
          assertThat(m.str("topic")).isEqualTo(TOPIC);
          if (sign.equals("strict")) {
            assertThat(m.str("from")).isEqualTo(host.peerId().toBase58());
          }
          assertThat(atJs.add(new String(java.util.Base64.getDecoder().decode(m.str("data")), StandardCharsets.UTF_8)))
              .as("js got each message once").isTrue();
        }
        assertThat(atJs).hasSize(MESSAGES).allMatch(s -> s.startsWith("java-"));

        // js -> Java
        for (int i = 0; i < MESSAGES; i++) {
          js.publish(TOPIC, ("js-" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).as("Java received %s", got.size()).isTrue();
        Set<String> atJava = new HashSet<>();
        for (ReceivedMessage m : got) {
          atJava.add(new String(m.data(), StandardCharsets.UTF_8));
          if (sign.equals("none")) {
            assertThat(m.message().from()).isNull();
          } else {
            assertThat(m.message().author().toBase58()).isEqualTo(js.peerId());
          }
        }
        assertThat(atJava).hasSize(MESSAGES).allMatch(s -> s.startsWith("js-"));
        assertThat(pubsub.stats().get(TOPIC).rejected()).isZero();
        assertThat(pubsub.meshPeers(TOPIC).get(10, TimeUnit.SECONDS))
            .extracting(io.serenity.p2p.core.PeerId::toBase58).contains(js.peerId());
        assertThat(js.events("error")).isEmpty();
      }
    }
  }
}
