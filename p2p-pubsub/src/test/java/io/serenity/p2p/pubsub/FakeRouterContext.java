package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link RouterContext} for driving a router on virtual time: it records what is sent to whom and
 * whom the router asks to dial; topic membership, outbound peers and seen ids are set by the test.
 */
final class FakeRouterContext implements RouterContext {
  final Scheduler scheduler;
  final PeerId self = PeerId.random();
  final Map<String, Set<PeerId>> topics = new HashMap<>();
  final Set<PeerId> outbound = new HashSet<>();
  final Set<MessageId> seen = new HashSet<>();
  final List<Map.Entry<PeerId, Rpc>> sent = new ArrayList<>();
  /** The lane of each RPC in {@link #sent}, by index. */
  final List<Lane> lanes = new ArrayList<>();
  final List<PeerId> dialled = new ArrayList<>();

  FakeRouterContext(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override public Scheduler scheduler() { return scheduler; }
  @Override public PeerId self() { return self; }
  @Override public Set<String> localTopics() { return topics.keySet(); }
  @Override public Set<PeerId> peersInTopic(String topic) { return topics.getOrDefault(topic, Set.of()); }
  @Override public Set<PeerId> peers() {
    Set<PeerId> all = new HashSet<>();
    topics.values().forEach(all::addAll);
    return all;
  }
  @Override public String protocolOf(PeerId peer) { return GossipSubRouter.V12; }
  @Override public boolean isOutbound(PeerId peer) { return outbound.contains(peer); }
  @Override public String ipOf(PeerId peer) { return null; }
  @Override public boolean send(PeerId peer, Rpc rpc, Lane lane) {
    sent.add(Map.entry(peer, rpc));
    lanes.add(lane);
    return true;
  }
  @Override public boolean seen(MessageId id) { return seen.contains(id); }
  @Override public void connect(PeerId peer, byte[] signedPeerRecord) { dialled.add(peer); }
  @Override public void disconnect(PeerId peer, String reason) {}

  /** Peers that were sent an RPC matching {@code what}, in order, with repeats. */
  List<PeerId> sentTo(Predicate<Rpc> what) {
    return sent.stream().filter(e -> what.test(e.getValue())).map(Map.Entry::getKey).toList();
  }

  /** RPCs sent to {@code peer}. */
  List<Rpc> sentTo(PeerId peer) {
    return sent.stream().filter(e -> e.getKey().equals(peer)).map(Map.Entry::getValue).toList();
  }
}
