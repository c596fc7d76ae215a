package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multihash;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SimulatedNode drives the real routers on a manual scheduler, with packets carried in memory. */
class SimulatedNodeTest {
  private static final String TOPIC = "t";
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Map<PeerId, SimulatedNode> nodes = new HashMap<>();
  private final List<String> deliveries = new ArrayList<>();
  private long bytesCarried;

  private static PeerId id(int i) {
    return PeerId.fromBytes(Multihash.sha256(new byte[] {(byte) i}).encode());
  }

  private final SimulatedNode.Outbox outbox =
      (from, to, packet) -> {
        bytesCarried += packet.size();
        scheduler.execute(() -> nodes.get(to).receive(from, packet));
      };

  private SimulatedNode add(SimulatedNode n) {
    nodes.put(n.id(), n);
    n.onDelivery((self, mid, m, from) -> deliveries.add(self + "<-" + new String(m.data(), StandardCharsets.UTF_8)));
    n.start();
    n.subscribe(TOPIC);
    return n;
  }

  private static void link(SimulatedNode a, SimulatedNode b) {
    String proto = a.protocols().stream().filter(b.protocols()::contains).findFirst().orElseThrow();
    a.addPeer(b.id(), proto, true);
    b.addPeer(a.id(), proto, false);
  }

  @Test
  void gossipsubLineDeliversToEveryNodeOnceAfterMeshForms() {
    List<SimulatedNode> line = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      line.add(add(SimulatedNode.gossipsub(id(i), scheduler, GossipSubParams.defaults(), GossipSubOptions.defaults(),
          new Random(i), outbox)));
    }
    for (int i = 0; i + 1 < line.size(); i++) {
      link(line.get(i), line.get(i + 1));
    }
    scheduler.advance(Duration.ofSeconds(2)); // heartbeats graft the mesh
    assertThat(line.get(1).meshPeers(TOPIC)).containsExactlyInAnyOrder(id(0), id(2));
    MessageId mid = line.get(0).publish(TOPIC, "hello".getBytes(StandardCharsets.UTF_8));
    scheduler.advance(Duration.ofMillis(10));
    assertThat(deliveries).hasSize(3);
    assertThat(line.get(3).seen(mid)).isTrue();
    assertThat(bytesCarried).isPositive();
  }

  @Test
  void floodsubForwardsToEveryPeerAndCountsDuplicatesAsSeen() {
    SimulatedNode a = add(SimulatedNode.floodsub(id(10), scheduler, outbox));
    SimulatedNode b = add(SimulatedNode.floodsub(id(11), scheduler, outbox));
    SimulatedNode c = add(SimulatedNode.floodsub(id(12), scheduler, outbox));
    link(a, b);
    link(b, c);
    link(a, c);
    scheduler.runPending();
    a.publish(TOPIC, "x".getBytes(StandardCharsets.UTF_8));
    scheduler.runPending();
    assertThat(deliveries).containsExactlyInAnyOrder(id(11) + "<-x", id(12) + "<-x");
  }

  @Test
  void rejectingValidatorStopsForwarding() {
    SimulatedNode a = add(SimulatedNode.floodsub(id(20), scheduler, outbox));
    SimulatedNode b = add(SimulatedNode.floodsub(id(21), scheduler, outbox));
    SimulatedNode c = add(SimulatedNode.floodsub(id(22), scheduler, outbox));
    b.validator(Validator.of((from, m) -> ValidationResult.REJECT));
    link(a, b);
    link(b, c);
    scheduler.runPending();
    a.publish(TOPIC, "bad".getBytes(StandardCharsets.UTF_8));
    scheduler.runPending();
    assertThat(deliveries).isEmpty();
  }

  @Test
  void packetSizeMatchesTheEncodedRpc() {
    SimulatedNode.Packet p = SimulatedNode.Packet.message(TOPIC, new byte[1024]);
    Rpc rpc = Rpc.publish(new PubSubMessage(null, new byte[1024], null, TOPIC, null, null));
    assertThat(p.size()).isEqualTo(RpcCodec.encode(rpc).length);
    assertThat(p.messageBytes()).isEqualTo(p.size());
    SimulatedNode.Packet ih = SimulatedNode.Packet.ihave(TOPIC, List.of(new MessageId(new byte[20])));
    assertThat(ih.messageBytes()).isZero();
    assertThat(ih.size()).isGreaterThan(20);
  }
}
