package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.ReceivedMessage;
import io.serenity.p2p.pubsub.TopicCounters;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.pubsub.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A js-libp2p gossipsub peer that publishes messages our validator rejects is scored down by the Java
 * router (P4, invalid message deliveries), pruned from the Java mesh, and then graylisted: js sees
 * the PRUNE (its mesh loses the Java peer), and nothing it sends reaches Java subscribers any more.
 */
class GossipSubScoringInteropTest {
  private static final String TOPIC = "interop-scoring";
  private static final int INVALID = 3;

  @Test
  void aJsPeerPublishingInvalidMessagesIsScoredDownPrunedAndGraylisted() throws Exception {
    TopicScoreParams topic = TopicScoreParams.defaults().withInvalidMessageDeliveries(-10, 0.999);
    PeerScoreParams scoreParams = PeerScoreParams.defaults().withTopic(TOPIC, topic);
    PeerScoreThresholds thresholds = PeerScoreThresholds.defaults(); // gossip -10, publish -50, graylist -80
    try (Host host = Host.builder().identity(PrivateKey.generate(KeyType.SECP256K1)).listen("/ip4/127.0.0.1/tcp/0").build();
        PubSub pubsub = PubSub.gossipsub(host, PubSubConfig.defaults(), GossipSubParams.defaults(), scoreParams, thresholds)) {
      host.start().join();
      pubsub.start().join();
      // the application's rule: data starting with 0xFF is invalid (pubsub-peer.mjs's marker)
      pubsub.addValidator(TOPIC, (from, m) -> CompletableFuture.completedFuture(
          m.data().length > 0 && m.data()[0] == (byte) 0xFF ? ValidationResult.REJECT : ValidationResult.ACCEPT));
      List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
      pubsub.subscribe(TOPIC, got::add);
      String javaId = host.peerId().toBase58();
      try (JsPubSubPeer js = JsPubSubPeer.start(
          "--router", "gossipsub", "--topic", TOPIC, "--msg-id", "from-seqno", "--report-mesh-ms", "200",
          "--D", "2", "--Dlo", "1", "--Dhi", "3")) {
        host.connect(Multiaddr.parse(js.listenAddr())).get(30, TimeUnit.SECONDS);
        PeerId jsId = PeerId.parse(js.peerId());
        pubsub.whenMesh(TOPIC, 1).get(30, TimeUnit.SECONDS);
        js.await(e -> e.name().equals("mesh") && e.str("topic").equals(TOPIC) && e.strings("peers").contains(javaId),
            "a js mesh holding the Java peer", JsPubSubPeer.DEFAULT_WAIT);

        // one valid message first: it is delivered and earns nothing bad
        js.publish(TOPIC, "valid".getBytes(StandardCharsets.UTF_8));
        eventually(() -> got.size() == 1, "the valid message reaches Java");
        assertThat(pubsub.scores().get(10, TimeUnit.SECONDS).get(jsId)).isEqualTo(0.0);

        for (int i = 0; i < INVALID; i++) {
          js.publish(TOPIC, new byte[] {(byte) 0xFF, (byte) i, 1, 2, 3});
        }
        eventually(() -> rejected(pubsub) == INVALID, "Java rejects the invalid messages");
        double score = pubsub.scores().get(10, TimeUnit.SECONDS).get(jsId);
        assertThat(score).as("P4 = 3^2 x -10, barely decayed").isLessThan(-80).isGreaterThanOrEqualTo(-90);

        // the next heartbeat prunes the negative peer; js sees the PRUNE and drops Java from its mesh
        eventually(() -> !meshOf(pubsub).contains(jsId), "Java prunes the js peer");
        js.await(e -> e.name().equals("mesh") && e.str("topic").equals(TOPIC) && !e.strings("peers").contains(javaId),
            "a js mesh without the Java peer", JsPubSubPeer.DEFAULT_WAIT);

        // below the graylist threshold its RPCs are ignored: even a valid message no longer arrives
        js.publish(TOPIC, "valid-but-graylisted".getBytes(StandardCharsets.UTF_8));
        js.await(e -> e.name().equals("published") && e.str("topic").equals(TOPIC), "the publish", JsPubSubPeer.DEFAULT_WAIT);
        assertThat(got).extracting(m -> new String(m.data(), StandardCharsets.UTF_8)).containsExactly("valid");
        assertThat(meshOf(pubsub)).doesNotContain(jsId);
      }
    }
  }

  private static long rejected(PubSub pubsub) {
    TopicCounters.Snapshot c = pubsub.stats().get(TOPIC);
    return c == null ? 0 : c.rejected();
  }

  private static List<PeerId> meshOf(PubSub pubsub) {
    return pubsub.meshPeers(TOPIC).join();
  }

  /** Waits (bounded) for a state change that has no event of its own. */
  private static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }
}
