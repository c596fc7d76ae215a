package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The gossipsub router (gossipsub v1.0 with the v1.1 backoff and flood publishing, and v1.2
 * IDONTWANT), speaking {@code /meshsub/1.2.0}, 1.1.0 and 1.0.0, and forwarding to floodsub peers as
 * floodsub does. Peer scoring (v1.1 P1 to P7, thresholds, peer exchange, opportunistic grafting)
 * is not wired in yet.
 *
 * <p>Runs only on its scheduler; reads time from the scheduler's clock; the random source is
 * injected, so a seeded run is reproducible.
 */
final class GossipSubRouter implements Router {
  static final String V12 = "/meshsub/1.2.0";
  static final String V11 = "/meshsub/1.1.0";
  static final String V10 = "/meshsub/1.0.0";

  private final GossipSubParams params;
  private final Random random;
  private final MessageCache mcache;
  private RouterContext context;
  private Scheduler.Cancellable heartbeat;

  private final Map<PeerId, String> protocols = new HashMap<>();
  private final Map<String, Set<PeerId>> mesh = new HashMap<>();
  private final Map<String, Set<PeerId>> fanout = new HashMap<>();
  private final Map<String, Long> lastPublished = new HashMap<>();
  /** topic -> peer -> backoff expiry (clock nanos). */
  private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
  /** peer -> ids it asked us not to send -> heartbeat tick when asked. */
  private final Map<PeerId, Map<MessageId, Long>> dontWant = new HashMap<>();
  private final Map<PeerId, Integer> ihavesThisHeartbeat = new HashMap<>();
  private final Map<PeerId, Integer> idsAskedThisHeartbeat = new HashMap<>();
  private long tick;

  GossipSubRouter(GossipSubParams params, Random random) {
    this.params = params;
    this.random = random;
    this.mcache = new MessageCache(params.historyLength(), params.historyGossip());
  }

  @Override
  public List<String> protocols() {
    return List.of(V12, V11, V10, FloodSubRouter.PROTOCOL_ID);
  }

  @Override
  public void attach(RouterContext context) {
    this.context = context;
    heartbeat =
        context.scheduler().scheduleAtFixedRate(params.heartbeatInitialDelay(), params.heartbeatInterval(), this::heartbeat);
  }

  @Override
  public void detach() {
    if (heartbeat != null) {
      heartbeat.cancel();
    }
  }

  @Override
  public void addPeer(PeerId peer, String protocol, boolean outbound) {
    protocols.put(peer, protocol);
  }

  @Override
  public void removePeer(PeerId peer) {
    protocols.remove(peer);
    mesh.values().forEach(s -> s.remove(peer));
    fanout.values().forEach(s -> s.remove(peer));
    dontWant.remove(peer);
  }

  @Override
  public void onSubscription(PeerId peer, String topic, boolean subscribed) {
    if (!subscribed) {
      Set<PeerId> m = mesh.get(topic);
      if (m != null) {
        m.remove(peer);
      }
      Set<PeerId> f = fanout.get(topic);
      if (f != null) {
        f.remove(peer);
      }
    }
  }

  @Override
  public boolean acceptFrom(PeerId peer) {
    return true;
  }

  @Override
  public List<PeerId> meshPeers(String topic) {
    return List.copyOf(mesh.getOrDefault(topic, Set.of()));
  }

  // ---- control ----

  @Override
  public void handleControl(PeerId peer, Rpc.Control control) {
    List<MessageId> iwant = handleIHave(peer, control.ihave());
    List<PubSubMessage> replies = handleIWant(peer, control.iwant());
    List<Rpc.Prune> prunes = handleGraft(peer, control.graft());
    handlePrune(peer, control.prune());
    handleIDontWant(peer, control.idontwant());
    if (!iwant.isEmpty() || !prunes.isEmpty()) {
      List<Rpc.IWant> w = iwant.isEmpty() ? List.of() : List.of(new Rpc.IWant(iwant));
      context.send(peer, Rpc.control(new Rpc.Control(List.of(), w, List.of(), prunes, List.of())));
    }
    if (!replies.isEmpty()) {
      context.send(peer, new Rpc(List.of(), replies, Rpc.Control.EMPTY));
    }
  }

  private List<MessageId> handleIHave(PeerId peer, List<Rpc.IHave> ihaves) {
    List<MessageId> want = new ArrayList<>();
    if (ihaves.isEmpty()) {
      return want;
    }
    // gossipsub v1.1 "Spam protection": bound IHAVE messages and asked ids per peer per heartbeat
    int count = ihavesThisHeartbeat.merge(peer, 1, Integer::sum);
    if (count > params.maxIHaveMessages()) {
      return want;
    }
    int asked = idsAskedThisHeartbeat.getOrDefault(peer, 0);
    for (Rpc.IHave ih : ihaves) {
      if (!mesh.containsKey(ih.topic())) {
        continue;
      }
      for (MessageId id : ih.messageIds()) {
        if (asked >= params.maxIHaveLength()) {
          break;
        }
        if (!context.seen(id) && !want.contains(id)) {
          want.add(id);
          asked++;
        }
      }
    }
    Collections.shuffle(want, random);
    idsAskedThisHeartbeat.put(peer, asked);
    return want;
  }

  private List<PubSubMessage> handleIWant(PeerId peer, List<Rpc.IWant> iwants) {
    List<PubSubMessage> out = new ArrayList<>();
    for (Rpc.IWant w : iwants) {
      for (MessageId id : w.messageIds()) {
        mcache.getForPeer(id, peer, params.gossipRetransmission()).ifPresent(out::add);
      }
    }
    return out;
  }

  private List<Rpc.Prune> handleGraft(PeerId peer, List<Rpc.Graft> grafts) {
    List<Rpc.Prune> prunes = new ArrayList<>();
    long now = now();
    for (Rpc.Graft g : grafts) {
      Set<PeerId> m = mesh.get(g.topic());
      if (m == null) {
        // not subscribed: refuse without PX (spec v1.1: "GRAFT for an unknown topic")
        prunes.add(prune(g.topic(), params.pruneBackoff()));
        continue;
      }
      if (m.contains(peer)) {
        continue;
      }
      Long until = backoff.getOrDefault(g.topic(), Map.of()).get(peer);
      if (until != null && until - now > 0) {
        // v1.1: a GRAFT during backoff is refused and the backoff restarted
        prunes.add(prune(g.topic(), params.pruneBackoff()));
        addBackoff(g.topic(), peer, params.pruneBackoff().toNanos());
        continue;
      }
      m.add(peer);
    }
    return prunes;
  }

  private void handlePrune(PeerId peer, List<Rpc.Prune> prunes) {
    for (Rpc.Prune p : prunes) {
      Set<PeerId> m = mesh.get(p.topic());
      if (m != null) {
        m.remove(peer);
      }
      long seconds = p.backoffSeconds() > 0 ? p.backoffSeconds() : params.pruneBackoff().toSeconds();
      addBackoff(p.topic(), peer, seconds * 1_000_000_000L);
      // Peer exchange needs scores to trust the advertiser (v1.1 "Peer Exchange"): ignored for now.
    }
  }

  private void handleIDontWant(PeerId peer, List<Rpc.IDontWant> idontwants) {
    if (idontwants.isEmpty()) {
      return;
    }
    Map<MessageId, Long> ids = dontWant.computeIfAbsent(peer, k -> new HashMap<>());
    for (Rpc.IDontWant d : idontwants) {
      for (MessageId id : d.messageIds()) {
        if (ids.size() >= params.maxIDontWantMessages()) {
          return;
        }
        ids.put(id, tick);
      }
    }
  }

  private Rpc.Prune prune(String topic, java.time.Duration backoff) {
    return new Rpc.Prune(topic, List.of(), backoff.toSeconds());
  }

  private void addBackoff(String topic, PeerId peer, long nanos) {
    long until = now() + nanos;
    backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, until, Math::max);
  }

  // ---- topics ----

  @Override
  public void join(String topic) {
    if (mesh.containsKey(topic)) {
      return;
    }
    Set<PeerId> peers = new LinkedHashSet<>();
    Set<PeerId> f = fanout.remove(topic);
    lastPublished.remove(topic);
    if (f != null) {
      for (PeerId p : f) {
        if (peers.size() < params.d() && isMeshCandidate(topic, p)) {
          peers.add(p);
        }
      }
    }
    for (PeerId p : pick(topic, params.d() - peers.size(), peers)) {
      peers.add(p);
    }
    mesh.put(topic, peers);
    for (PeerId p : peers) {
      sendGraft(p, topic);
    }
  }

  @Override
  public void leave(String topic) {
    Set<PeerId> m = mesh.remove(topic);
    if (m == null) {
      return;
    }
    for (PeerId p : m) {
      context.send(p, Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(),
          List.of(prune(topic, params.unsubscribeBackoff())), List.of())));
      addBackoff(topic, p, params.unsubscribeBackoff().toNanos());
    }
  }

  // ---- messages ----

  @Override
  public void publish(MessageId id, PubSubMessage message, PeerId receivedFrom) {
    String topic = message.topic();
    mcache.put(id, message);
    Set<PeerId> topicPeers = context.peersInTopic(topic);
    Set<PeerId> to = new LinkedHashSet<>();
    boolean own = receivedFrom == null;
    if (own && params.floodPublish()) {
      to.addAll(topicPeers);
    } else {
      for (PeerId p : topicPeers) {
        if (FloodSubRouter.PROTOCOL_ID.equals(protocols.get(p))) {
          to.add(p);
        }
      }
      Set<PeerId> m = mesh.get(topic);
      if (m != null) {
        to.addAll(m);
      } else {
        Set<PeerId> f = fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>());
        if (f.isEmpty()) {
          f.addAll(pick(topic, params.d(), Set.of()));
        }
        to.addAll(f);
        lastPublished.put(topic, now());
      }
    }
    byte[] author = message.from();
    if (!own && message.size() >= params.idontwantMessageThreshold()) {
      // v1.2: tell mesh peers not to send us this one before we forward it
      Set<PeerId> m = mesh.getOrDefault(topic, Set.of());
      Rpc dont = Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.IDontWant(List.of(id)))));
      for (PeerId p : m) {
        if (!p.equals(receivedFrom) && V12.equals(protocols.get(p))) {
          context.send(p, dont);
        }
      }
    }
    Rpc rpc = Rpc.publish(message);
    for (PeerId p : to) {
      if (p.equals(receivedFrom) || (author != null && Arrays.equals(author, p.toBytes()))) {
        continue;
      }
      Map<MessageId, Long> dw = dontWant.get(p);
      if (dw != null && dw.containsKey(id)) {
        continue;
      }
      context.send(p, rpc);
    }
  }

  // ---- heartbeat ----

  void heartbeat() {
    tick++;
    ihavesThisHeartbeat.clear();
    idsAskedThisHeartbeat.clear();
    long now = now();
    expireBackoff(now);
    for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
      String topic = e.getKey();
      Set<PeerId> m = e.getValue();
      Set<PeerId> topicPeers = context.peersInTopic(topic);
      m.removeIf(p -> !topicPeers.contains(p) || !isGossipsub(p));
      if (m.size() < params.dLow()) {
        for (PeerId p : pick(topic, params.d() - m.size(), m)) {
          m.add(p);
          sendGraft(p, topic);
        }
      }
      if (m.size() > params.dHigh()) {
        List<PeerId> shuffled = new ArrayList<>(m);
        Collections.shuffle(shuffled, random);
        // keep dOut outbound peers among the survivors where we have them (v1.1 "Outbound mesh quotas")
        List<PeerId> keep = new ArrayList<>();
        for (PeerId p : shuffled) {
          if (keep.size() < params.dOut() && context.isOutbound(p)) {
            keep.add(p);
          }
        }
        for (PeerId p : shuffled) {
          if (keep.size() >= params.d()) {
            break;
          }
          if (!keep.contains(p)) {
            keep.add(p);
          }
        }
        for (PeerId p : shuffled) {
          if (!keep.contains(p)) {
            m.remove(p);
            addBackoff(topic, p, params.pruneBackoff().toNanos());
            context.send(p, Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(),
                List.of(prune(topic, params.pruneBackoff())), List.of())));
          }
        }
      }
      emitGossip(topic, m);
    }
    Iterator<Map.Entry<String, Set<PeerId>>> it = fanout.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Set<PeerId>> e = it.next();
      String topic = e.getKey();
      Long last = lastPublished.get(topic);
      if (last == null || now - last >= params.fanoutTtl().toNanos()) {
        it.remove();
        lastPublished.remove(topic);
        continue;
      }
      Set<PeerId> topicPeers = context.peersInTopic(topic);
      e.getValue().removeIf(p -> !topicPeers.contains(p));
      if (e.getValue().size() < params.d()) {
        e.getValue().addAll(pick(topic, params.d() - e.getValue().size(), e.getValue()));
      }
      emitGossip(topic, e.getValue());
    }
    mcache.shift();
    // v1.2: IDONTWANT entries live three heartbeats (go's IDontWantMessageTTL)
    for (Map<MessageId, Long> ids : dontWant.values()) {
      ids.values().removeIf(t -> tick - t >= 3);
    }
  }

  private void emitGossip(String topic, Set<PeerId> exclude) {
    List<MessageId> ids = mcache.gossipIds(topic);
    if (ids.isEmpty()) {
      return;
    }
    if (ids.size() > params.maxIHaveLength()) {
      Collections.shuffle(ids, random);
      ids = ids.subList(0, params.maxIHaveLength());
    }
    List<PeerId> candidates = new ArrayList<>();
    for (PeerId p : context.peersInTopic(topic)) {
      if (!exclude.contains(p) && isGossipsub(p)) {
        candidates.add(p);
      }
    }
    int n = Math.max(params.dLazy(), (int) (params.gossipFactor() * candidates.size()));
    Collections.shuffle(candidates, random);
    Rpc ihave = Rpc.control(new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of()));
    for (PeerId p : candidates.subList(0, Math.min(n, candidates.size()))) {
      context.send(p, ihave);
    }
  }

  private void expireBackoff(long now) {
    for (Map<PeerId, Long> m : backoff.values()) {
      m.values().removeIf(until -> until - now <= 0);
    }
    backoff.values().removeIf(Map::isEmpty);
  }

  private void sendGraft(PeerId peer, String topic) {
    context.send(peer, Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of())));
  }

  private boolean isGossipsub(PeerId p) {
    String proto = protocols.get(p);
    return proto != null && !proto.equals(FloodSubRouter.PROTOCOL_ID);
  }

  private boolean isMeshCandidate(String topic, PeerId p) {
    if (!isGossipsub(p)) {
      return false;
    }
    Long until = backoff.getOrDefault(topic, Map.of()).get(p);
    return until == null || until - now() <= 0;
  }

  /** Up to {@code n} random gossipsub peers of {@code topic}, outside {@code exclude} and backoff. */
  private List<PeerId> pick(String topic, int n, Set<PeerId> exclude) {
    if (n <= 0) {
      return List.of();
    }
    List<PeerId> candidates = new ArrayList<>();
    for (PeerId p : context.peersInTopic(topic)) {
      if (!exclude.contains(p) && isMeshCandidate(topic, p)) {
        candidates.add(p);
      }
    }
    candidates.sort((a, b) -> Arrays.compare(a.toBytes(), b.toBytes())); // deterministic before shuffling
    Collections.shuffle(candidates, random);
    return candidates.subList(0, Math.min(n, candidates.size()));
  }

  private long now() {
    return context.scheduler().clock().nanos();
  }

  /** Topics with fanout state, for tests and status. */
  Set<String> fanoutTopics() {
    return new HashSet<>(fanout.keySet());
  }

  /** Topics with a mesh, for tests and status. */
  Set<String> meshTopics() {
    return new HashSet<>(mesh.keySet());
  }
}
