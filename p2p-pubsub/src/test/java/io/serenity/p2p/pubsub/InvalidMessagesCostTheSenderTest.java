package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the standard scoring ({@link PeerScoreParams#standard}, topics from {@link
 * TopicScoreParams#forExpectedRate}), a peer flooding messages with bad signatures is graylisted and
 * disconnected, and the rejections are counted by reason.
 */
class InvalidMessagesCostTheSenderTest {
  private static final String TOPIC = "blocks";
  private final TestHosts hosts = new TestHosts();
  private PubSub ps;

  @AfterEach
  void close() {
    if (ps != null) {
      ps.close();
    }
    hosts.close();
  }

  @Test
  void aPeerSendingBadSignaturesIsGraylistedThenDisconnected() throws Exception {
    Host h = hosts.start();
    GossipSubParams params = GossipSubParams.defaults();
    ps = PubSub.gossipsub(h, PubSubConfig.defaults(), params,
        PeerScoreParams.standard(Map.of(TOPIC,
            TopicScoreParams.forExpectedRate(1, params.d(), PeerScoreParams.DEFAULT_DECAY_INTERVAL))),
        PeerScoreThresholds.defaults());
    await(ps.start());
    ps.subscribe(TOPIC, m -> { });
    RawPeer attacker = new RawPeer(hosts);
    CompletableFuture<Void> dropped = new CompletableFuture<>();
    h.addListener(e -> {
      if (e instanceof HostEvent.PeerDisconnected d && d.peer().equals(attacker.host.peerId())) {
        dropped.complete(null);
      }
    });
    Stream s = attacker.dial(h);
    RawPeer.sync(s, ps, TOPIC);
    int sent = 0;
    try {
      for (; sent < 200 && !dropped.isDone(); sent++) {
        PubSubMessage good = attacker.signed(TOPIC, ("m" + sent).getBytes(StandardCharsets.UTF_8));
        PubSubMessage forged = new PubSubMessage(good.from(), ("forged" + sent).getBytes(StandardCharsets.UTF_8),
            good.seqno(), good.topic(), good.signature(), good.key());
        RawPeer.send(s, new Rpc(List.of(), List.of(forged), null));
      }
    } catch (AssertionError e) {
      // the node closed the connection while we were writing: what the test expects
    }
    await(dropped);
    long bad = ps.rejections().get(PeerScore.RejectReason.INVALID_SIGNATURE);
    assertThat(bad).as("graylist (-80) crossed at the 9th invalid message (P4 = -count^2)").isGreaterThanOrEqualTo(9);
    assertThat(ps.graylistDisconnects()).isEqualTo(1);
    assertThat(ps.stats().get(TOPIC).validated()).isZero();
    assertThat(h.connection(attacker.host.peerId())).isEmpty();
  }
}
