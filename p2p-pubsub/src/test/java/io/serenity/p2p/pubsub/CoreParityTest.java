package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator runs the pipeline that ships: the same hostile inputs, fed to a simulated node and
 * to a real one over a socket, get the same verdicts (oversize, too many topics, self-origin, auth
 * fields under StrictNoSign, the validation throttle).
 */
class CoreParityTest {
  private static final String TOPIC = "t";
  /** Validations that never finish: the throttle's bound is reached, then further messages are dropped. */
  private static final int EXTRA = 5;

  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("parity-test");
  private final TestHosts hosts = fixture.hosts;
  private PubSub pubsub;

  /** A node under test, seen from the peer that attacks it. */
  private interface Target {
    PeerId id();

    void send(Rpc rpc);

    /** Returns once everything sent before has been handled. */
    void sync(String marker);

    Map<PeerScore.RejectReason, Long> rejections();

    Set<PeerId> peersIn(String topic);
  }

  private static PubSubMessage unsigned(String data) {
    return new PubSubMessage(null, data.getBytes(StandardCharsets.UTF_8), null, TOPIC, null, null);
  }

  private static Rpc subscriptions(List<Rpc.SubOpts> subs) {
    return new Rpc(subs, List.of(), Rpc.Control.EMPTY);
  }

  /** The inputs, in order; returns the verdicts. */
  private static Map<String, Object> attack(Target t) {
    int bound = PubSubConfig.defaults().maxPendingValidations();
    Map<String, Object> verdicts = new LinkedHashMap<>();
    // a message over maxMessageSize
    t.send(Rpc.publish(new PubSubMessage(null, new byte[PubSubConfig.defaults().maxMessageSize() + 1], null, TOPIC,
        null, null)));
    // a message claiming to be the target's own
    t.send(Rpc.publish(new PubSubMessage(t.id().toBytes(), "mine".getBytes(StandardCharsets.UTF_8), null, TOPIC,
        null, null)));
    // a message with a seqno under StrictNoSign
    t.send(Rpc.publish(new PubSubMessage(null, "auth".getBytes(StandardCharsets.UTF_8), new byte[8], TOPIC, null,
        null)));
    t.sync("m1");
    // more messages than validations may wait (the validator never answers)
    List<PubSubMessage> batch = new ArrayList<>();
    for (int i = 0; i < bound + EXTRA; i++) {
      batch.add(unsigned("v" + i));
      if (batch.size() == 256) {
        t.send(new Rpc(List.of(), List.copyOf(batch), Rpc.Control.EMPTY));
        batch.clear();
      }
    }
    t.send(new Rpc(List.of(), List.copyOf(batch), Rpc.Control.EMPTY));
    t.sync("m2");
    verdicts.put("rejections", t.rejections());
    // more topics than one peer may announce (the markers m1 and m2 hold two of its 2,048)
    List<Rpc.SubOpts> subs = new ArrayList<>();
    for (int i = 0; i <= PubSubCore.MAX_TOPICS_PER_PEER; i++) {
      subs.add(new Rpc.SubOpts(true, "x" + i));
    }
    t.send(subscriptions(subs));
    // free one slot so the marker fits
    t.send(subscriptions(List.of(new Rpc.SubOpts(false, "x0"))));
    t.sync("m3");
    Map<String, Boolean> known = new LinkedHashMap<>();
    for (String topic : List.of("x1", "x2045", "x2046", "x2048")) {
      known.put(topic, !t.peersIn(topic).isEmpty());
    }
    verdicts.put("topics", known);
    return verdicts;
  }

  private Target real() throws Exception {
    Host host = hosts.start();
    PubSubConfig config = PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .withMessageIdFunction(MessageIdFunction.sha256OfData());
    pubsub = fixture.track(PubSub.create(host, config, new FloodSubRouter()));
    await(pubsub.start());
    pubsub.addValidator(TOPIC, (from, m) -> new CompletableFuture<>());
    pubsub.subscribe(TOPIC, m -> {});
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    PubSub node = pubsub;
    return new Target() {
      @Override
      public PeerId id() {
        return host.peerId();
      }

      @Override
      public void send(Rpc rpc) {
        RawPeer.send(s, rpc);
      }

      @Override
      public void sync(String marker) {
        RawPeer.sync(s, node, marker);
      }

      @Override
      public Map<PeerScore.RejectReason, Long> rejections() {
        return node.rejections();
      }

      @Override
      public Set<PeerId> peersIn(String topic) {
        return await(node.peers(topic));
      }
    };
  }

  private static Target simulated() {
    ManualScheduler scheduler = new ManualScheduler();
    PeerId self = PeerId.random();
    PeerId attacker = PeerId.random();
    SimulatedNode node = SimulatedNode.floodsub(self, scheduler, (from, to, packet) -> {});
    node.start();
    node.subscribe(TOPIC);
    node.validator((from, m) -> new CompletableFuture<>());
    node.addPeer(attacker, FloodSubRouter.PROTOCOL_ID, false);
    return new Target() {
      @Override
      public PeerId id() {
        return self;
      }

      @Override
      public void send(Rpc rpc) {
        node.receive(attacker, SimulatedNode.Packet.of(rpc));
      }

      @Override
      public void sync(String marker) {
        send(subscriptions(List.of(new Rpc.SubOpts(true, marker))));
        scheduler.runPending();
      }

      @Override
      public Map<PeerScore.RejectReason, Long> rejections() {
        return node.rejections();
      }

      @Override
      public Set<PeerId> peersIn(String topic) {
        return node.peersIn(topic);
      }
    };
  }

  @Test
  void aSimulatedNodeAndARealNodeGiveTheSameVerdicts() throws Exception {
    Map<String, Object> sim = attack(simulated());
    Map<String, Object> real = attack(real());
    assertThat(sim).isEqualTo(real);
    // and the verdicts are the ones the limits promise
    @SuppressWarnings("unchecked")
    Map<PeerScore.RejectReason, Long> r = (Map<PeerScore.RejectReason, Long>) real.get("rejections");
    assertThat(r.get(PeerScore.RejectReason.OVERSIZED)).isEqualTo(1);
    assertThat(r.get(PeerScore.RejectReason.SELF_ORIGIN)).isEqualTo(1);
    assertThat(r.get(PeerScore.RejectReason.UNEXPECTED_AUTH_INFO)).isEqualTo(1);
    assertThat(r.get(PeerScore.RejectReason.VALIDATION_QUEUE_FULL)).isEqualTo(EXTRA);
    assertThat(real.get("topics")).isEqualTo(Map.of("x1", true, "x2045", true, "x2046", false, "x2048", false));
  }
}
