package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a remote peer can make us remember about topics is bounded. */
@ExtendWith(NettyLeakCheck.class)
class RemoteTopicLimitsTest {
  private final TestHosts hosts = new TestHosts();
  private PubSub pubsub;

  @AfterEach
  void close() {
    if (pubsub != null) {
      pubsub.close();
    }
    hosts.close();
  }

  @Test
  void subscriptionsBeyondThePerPeerCapAreIgnored() {
    Host host = hosts.start();
    pubsub = PubSub.floodsub(host, PubSubConfig.defaults());
    await(pubsub.start());
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    int cap = PubSub.MAX_TOPICS_PER_PEER;
    List<Rpc.SubOpts> subs = new ArrayList<>();
    for (int i = 0; i < cap + 10; i++) {
      subs.add(new Rpc.SubOpts(true, "x" + i));
    }
    RawPeer.send(s, new Rpc(subs, List.of(), null));
    // leaving one topic makes room for exactly one more: the marker
    RawPeer.send(s, new Rpc(List.of(new Rpc.SubOpts(false, "x0")), List.of(), null));
    RawPeer.sync(s, pubsub, "marker");
    assertThat(await(pubsub.peers("x" + (cap - 1)))).containsExactly(raw.host.peerId());
    assertThat(await(pubsub.peers("x" + cap))).as("beyond the cap").isEmpty();
    assertThat(await(pubsub.peers("x0"))).as("left").isEmpty();
  }

  @Test
  void messagesOnTopicsWeDoNotSubscribeToAreCountedWithoutPerTopicState() {
    Host host = hosts.start();
    pubsub = PubSub.floodsub(host, PubSubConfig.defaults());
    await(pubsub.start());
    pubsub.subscribe("mine", m -> {});
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    List<PubSubMessage> msgs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      msgs.add(raw.signed("noise-" + i, new byte[] {1}));
    }
    RawPeer.send(s, new Rpc(List.of(), msgs, null));
    RawPeer.sync(s, pubsub, "marker");
    assertThat(pubsub.unsubscribedDrops()).isEqualTo(50);
    assertThat(pubsub.stats().keySet()).noneMatch(t -> t.startsWith("noise-"));
  }
}
