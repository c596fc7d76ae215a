package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.time.Scheduler;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Set;

/**
 * The gossipsub router (gossipsub v1.0 with the v1.1 backoff and flood publishing, and v1.2
 * IDONTWANT), speaking {@code /meshsub/1.2.0}, 1.1.0 and 1.0.0, and forwarding to floodsub peers as
 * floodsub does, with the v1.1 peer scoring rules: scores feed from message events, graylisting,
 * gossip and publish thresholds, score-aware mesh maintenance with opportunistic grafting, IWANT
 * promises (P7), GRAFT flood penalties, peer exchange and direct peers.
 *
 * <p>Runs only on its scheduler; reads time from the scheduler's clock; the random source is
 * injected, so a seeded run is reproducible.
 */
final class GossipSubRouter implements Router {
  static final String V12 = "/meshsub/1.2.0";
  static final String V11 = "/meshsub/1.1.0";
  static final String V10 = "/meshsub/1.0.0";

  private static final Logger LOG = LoggerFactory.getLogger(GossipSubRouter.class);

  private final GossipSubParams params;
  private final GossipSubOptions options;
  private final PeerScoreThresholds thresholds;
  private final Random random;
  private final MessageCache mcache;
  private final Map<PeerId, PeerInfo> direct = new HashMap<>();
  private volatile long graylistDisconnects;
  private PeerScore score;
  private RouterContext context;
  private Scheduler.Cancellable heartbeat;
  private Scheduler.Cancellable decay;

  private final Map<PeerId, String> protocols = new HashMap<>();
  private final Map<String, Set<PeerId>> mesh = new HashMap<>();
  private final Map<String, Set<PeerId>> fanout = new HashMap<>();
  private final Map<String, Long> lastPublished = new HashMap<>();
  /** topic -> peer -> backoff expiry (clock nanos). */
  private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
  /** peer -> ids it asked us not to send -> heartbeat tick when asked. */
  private final Map<PeerId, Map<MessageId, Long>> dontWant = new HashMap<>();
  /** The targets of the message being published, reused (router thread); see {@link #publish}. */
  private PeerId[] targetScratch = new PeerId[16];
  private boolean targetsInUse;
  /** IWANT promises (v1.1 "Spam protection"): id -> peer that advertised it -> deadline (nanos). */
  private final Map<MessageId, Map<PeerId, Long>> promises = new HashMap<>();
  private final Map<PeerId, Integer> ihavesThisHeartbeat = new HashMap<>();
  private final Map<PeerId, Integer> idsAskedThisHeartbeat = new HashMap<>();
  private long tick;

  GossipSubRouter(GossipSubParams params, Random random) {
    this(params, GossipSubOptions.defaults(), random);
  }

  GossipSubRouter(GossipSubParams params, GossipSubOptions options, Random random) {
    this.params = params;
    this.options = options.validate();
    this.thresholds = options.scoring() ? options.thresholds() : GossipSubOptions.UNSCORED;
    this.random = random;
    this.mcache = new MessageCache(params.historyLength(), params.historyGossip(), this.options.messageCacheBytes());
    for (PeerInfo p : options.directPeers()) {
      direct.put(p.id(), p);
    }
  }

  @Override
  public List<String> protocols() {
    return List.of(V12, V11, V10, FloodSubRouter.PROTOCOL_ID);
  }

  @Override
  public void attach(RouterContext context) {
    this.context = context;
    Scheduler scheduler = context.scheduler();
    heartbeat = scheduler.scheduleAtFixedRate(params.heartbeatInitialDelay(), params.heartbeatInterval(), this::heartbeat);
    if (options.scoring()) {
      score = new PeerScore(options.scoreParams(), () -> scheduler.clock().nanos());
      Duration every = options.scoreParams().decayInterval();
      decay = scheduler.scheduleAtFixedRate(every, every, this::refreshScores);
    }
  }

  @Override
  public long messageCacheEvictedEarly() {
    return mcache.evictedEarly();
  }

  @Override
  public void detach() {
    if (heartbeat != null) {
      heartbeat.cancel();
    }
    if (decay != null) {
      decay.cancel();
    }
    mcache.clear();
  }

  /** Peers speaking floodsub: while there are none (and no direct peers), a forward goes to the mesh alone. */
  private int floodsubPeers;

  private void countFloodsub(String before, String after) {
    if (FloodSubRouter.PROTOCOL_ID.equals(before)) {
      floodsubPeers--;
    }
    if (FloodSubRouter.PROTOCOL_ID.equals(after)) {
      floodsubPeers++;
    }
  }

  @Override
  public void addPeer(PeerId peer, String protocol, boolean outbound) {
    countFloodsub(protocols.put(peer, protocol), protocol);
    if (score != null) {
      score.addPeer(peer, protocol);
      String ip = context.ipOf(peer);
      if (ip != null) {
        score.setIps(peer, List.of(ip));
      }
    }
  }

  /**
   * Peers below the graylist threshold are already ignored; they are also disconnected, so a
   * misbehaving peer stops costing us a connection slot and the bandwidth of its input (its score is
   * retained for {@link PeerScoreParams#retainScore()}, so reconnecting does not clear it). Direct
   * peers are exempt, as from graylisting.
   */
  private void disconnectGraylisted(java.util.function.ToDoubleFunction<PeerId> scoreOf) {
    if (score == null) {
      return;
    }
    List<PeerId> bad = new ArrayList<>();
    for (PeerId p : protocols.keySet()) {
      if (!direct.containsKey(p) && scoreOf.applyAsDouble(p) < thresholds.graylistThreshold()) {
        bad.add(p);
      }
    }
    for (PeerId p : bad) {
      graylistDisconnects++;
      context.disconnect(p, String.format(java.util.Locale.ROOT, "score %.1f below the graylist threshold %.1f",
          scoreOf.applyAsDouble(p), thresholds.graylistThreshold()));
    }
  }

  /** Scores {@code topic} with {@code params} from now on; no effect without scoring (router thread). */
  void setTopicScoreParams(String topic, TopicScoreParams params) {
    if (score != null) {
      score.setTopicParams(topic, params);
    }
  }

  /** Peers disconnected because their score fell below the graylist threshold (router thread). */
  long graylistDisconnects() {
    return graylistDisconnects;
  }

  @Override
  public void removePeer(PeerId peer) {
    countFloodsub(protocols.remove(peer), null);
    mesh.values().forEach(s -> s.remove(peer));
    fanout.values().forEach(s -> s.remove(peer));
    dontWant.remove(peer);
    if (score != null) {
      score.removePeer(peer); // applies P3b for active deficits, keeps non-positive scores
    }
  }

  @Override
  public void onSubscription(PeerId peer, String topic, boolean subscribed) {
    if (!subscribed) {
      Set<PeerId> m = mesh.get(topic);
      if (m != null && m.remove(peer) && score != null) {
        score.prune(peer, topic);
      }
      Set<PeerId> f = fanout.get(topic);
      if (f != null) {
        f.remove(peer);
      }
    }
  }

  @Override
  public boolean acceptFrom(PeerId peer) {
    if (direct.containsKey(peer)) {
      return true;
    }
    return score(peer) >= thresholds.graylistThreshold();
  }

  @Override
  public double score(PeerId peer) {
    return score == null ? 0 : score.score(peer);
  }

  @Override
  public List<PeerId> meshPeers(String topic) {
    return List.copyOf(mesh.getOrDefault(topic, Set.of()));
  }

  // ---- message events (scoring and promises) ----

  @Override
  public void onFirstSeen(MessageId id, PubSubMessage message, PeerId from) {
    promises.remove(id); // whoever delivers it, the promise is kept: the message arrived
    if (score != null) {
      score.validateMessage(from, id, message.topic());
    }
  }

  @Override
  public void onDuplicate(MessageId id, PubSubMessage message, PeerId from) {
    if (score != null) {
      score.duplicateMessage(from, id, message.topic());
    }
  }

  @Override
  public void onValidated(MessageId id, PubSubMessage message, PeerId from, ValidationResult result) {
    if (score == null) {
      return;
    }
    if (result == ValidationResult.ACCEPT) {
      score.deliverMessage(from, id, message.topic());
    } else {
      score.rejectMessage(from, id, message.topic(), PeerScore.RejectReason.of(result));
    }
  }

  @Override
  public void onRejected(
      MessageId id, PubSubMessage message, PeerId from, PeerScore.RejectReason reason, String detail) {
    if (score != null) {
      score.rejectMessage(from, id, message.topic(), reason);
      if (reason.penalisesSender()) {
        LOG.debug("score: {} penalised for a message on {}: {}", from, message.topic(), detail);
      }
    }
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
      context.send(peer, Rpc.control(new Rpc.Control(List.of(), w, List.of(), prunes, List.of())), Lane.CONTROL);
    }
    if (!replies.isEmpty()) {
      context.send(peer, new Rpc(List.of(), replies, Rpc.Control.EMPTY), Lane.FORWARD);
    }
  }

  private List<MessageId> handleIHave(PeerId peer, List<Rpc.IHave> ihaves) {
    List<MessageId> want = new ArrayList<>();
    if (ihaves.isEmpty()) {
      return want;
    }
    // v1.1 "Score Thresholds": no gossip with peers below the gossip threshold
    if (score(peer) < thresholds.gossipThreshold()) {
      return want;
    }
    // gossipsub v1.1 "Spam protection": bound IHAVE messages and asked ids per peer per heartbeat
    int count = ihavesThisHeartbeat.merge(peer, 1, Integer::sum);
    if (count > params.maxIHaveMessages()) {
      return want;
    }
    int asked = idsAskedThisHeartbeat.getOrDefault(peer, 0);
    Set<MessageId> wanted = new HashSet<>(); // a set beside the list: an IHAVE of 5,000 ids stays linear
    for (Rpc.IHave ih : ihaves) {
      if (!mesh.containsKey(ih.topic())) {
        continue;
      }
      for (MessageId id : ih.messageIds()) {
        if (asked >= params.maxIHaveLength()) {
          break;
        }
        if (!context.seen(id) && wanted.add(id)) {
          want.add(id);
          asked++;
        }
      }
    }
    Collections.shuffle(want, random);
    idsAskedThisHeartbeat.put(peer, asked);
    if (!want.isEmpty()) {
      // one promise per IWANT, on a random id of it (as go-libp2p-pubsub): the peer must deliver it
      // within iwantFollowupTime or earn a behaviour penalty
      MessageId tracked = want.get(random.nextInt(want.size()));
      promises
          .computeIfAbsent(tracked, k -> new HashMap<>())
          .putIfAbsent(peer, now() + params.iwantFollowupTime().toNanos());
    }
    return want;
  }

  private List<PubSubMessage> handleIWant(PeerId peer, List<Rpc.IWant> iwants) {
    List<PubSubMessage> out = new ArrayList<>();
    if (iwants.isEmpty() || score(peer) < thresholds.gossipThreshold()) {
      return out;
    }
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
      String topic = g.topic();
      Set<PeerId> m = mesh.get(topic);
      if (m == null) {
        // not subscribed: refuse without PX (spec v1.1: "GRAFT for an unknown topic")
        prunes.add(prune(peer, topic, params.pruneBackoff(), false));
        continue;
      }
      if (m.contains(peer)) {
        continue;
      }
      if (direct.containsKey(peer)) {
        // v1.1 "Explicit Peering Agreements": direct peers are never in the mesh
        LOG.warn("GRAFT from direct peer {} on {}: refused; the peering should be symmetric", peer, topic);
        prunes.add(prune(peer, topic, params.pruneBackoff(), false));
        addBackoff(topic, peer, params.pruneBackoff().toNanos());
        continue;
      }
      Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
      if (until != null && until - now > 0) {
        // v1.1: a GRAFT during backoff is refused, penalised and the backoff restarted; one within
        // graftFloodThreshold of the PRUNE is penalised once more
        addPenalty(peer, 1);
        long floodCutoff = until + params.graftFloodThreshold().toNanos() - params.pruneBackoff().toNanos();
        if (now - floodCutoff < 0) {
          addPenalty(peer, 1);
        }
        prunes.add(prune(peer, topic, params.pruneBackoff(), false));
        addBackoff(topic, peer, params.pruneBackoff().toNanos());
        continue;
      }
      if (score(peer) < 0) {
        // v1.1: negative-score peers are not grafted; no PX for them
        prunes.add(prune(peer, topic, params.pruneBackoff(), false));
        addBackoff(topic, peer, params.pruneBackoff().toNanos());
        continue;
      }
      if (m.size() >= params.dHigh() && !context.isOutbound(peer)) {
        // v1.1 "Outbound mesh quotas": a full mesh still takes outbound peers, others get PX
        prunes.add(prune(peer, topic, params.pruneBackoff(), true));
        addBackoff(topic, peer, params.pruneBackoff().toNanos());
        continue;
      }
      m.add(peer);
      if (score != null) {
        score.graft(peer, topic);
      }
    }
    return prunes;
  }

  private void handlePrune(PeerId peer, List<Rpc.Prune> prunes) {
    for (Rpc.Prune p : prunes) {
      Set<PeerId> m = mesh.get(p.topic());
      if (m != null && m.remove(peer) && score != null) {
        score.prune(peer, p.topic());
      }
      long seconds = p.backoffSeconds() > 0 ? p.backoffSeconds() : params.pruneBackoff().toSeconds();
      addBackoff(p.topic(), peer, seconds * 1_000_000_000L);
      if (!p.peers().isEmpty()) {
        acceptPeerExchange(peer, p);
      }
    }
  }

  /** v1.1 "Peer Exchange": only peers scoring at least acceptPXThreshold are trusted to suggest peers. */
  private void acceptPeerExchange(PeerId from, Rpc.Prune prune) {
    double s = score(from);
    if (s < thresholds.acceptPXThreshold()) {
      LOG.debug("ignoring PX from {} on {}: score {} below {}", from, prune.topic(), s, thresholds.acceptPXThreshold());
      return;
    }
    int taken = 0;
    List<Rpc.PxPeer> offered = new ArrayList<>(prune.peers());
    Collections.shuffle(offered, random);
    for (Rpc.PxPeer px : offered) {
      if (taken >= params.prunePeers()) {
        break;
      }
      PeerId id;
      try {
        id = PeerId.fromBytes(px.peerId());
      } catch (RuntimeException e) {
        LOG.debug("PX from {} carries a bad peer id: {}", from, e.getMessage());
        continue;
      }
      if (id.equals(context.self()) || protocols.containsKey(id)) {
        continue;
      }
      taken++;
      context.connect(id, px.signedPeerRecord());
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

  /**
   * A PRUNE for {@code to} on {@code topic}, with up to prunePeers other peers of the topic scoring
   * at least 0 when {@code px} is asked for, peer exchange is enabled and the peer speaks v1.1+.
   */
  private Rpc.Prune prune(PeerId to, String topic, Duration backoff, boolean px) {
    List<Rpc.PxPeer> peers = List.of();
    String proto = protocols.get(to);
    if (px && options.peerExchange() && (V11.equals(proto) || V12.equals(proto))) {
      List<PeerId> candidates = new ArrayList<>();
      for (PeerId p : context.peersInTopic(topic)) {
        if (!p.equals(to) && score(p) >= 0 && isGossipsub(p)) {
          candidates.add(p);
        }
      }
      sortForDeterminism(candidates);
      Collections.shuffle(candidates, random);
      List<Rpc.PxPeer> out = new ArrayList<>();
      for (PeerId p : candidates.subList(0, Math.min(params.prunePeers(), candidates.size()))) {
        out.add(new Rpc.PxPeer(p.toBytes(), null));
      }
      peers = out;
    }
    return new Rpc.Prune(topic, peers, backoff.toSeconds());
  }

  private void sendPrune(PeerId to, String topic, Duration backoff, boolean px) {
    context.send(to, Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(),
        List.of(prune(to, topic, backoff, px)), List.of())), Lane.CONTROL);
  }

  private void addBackoff(String topic, PeerId peer, long nanos) {
    long until = now() + nanos;
    backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, until, Math::max);
  }

  private void addPenalty(PeerId peer, int count) {
    if (score != null) {
      score.addPenalty(peer, count);
    }
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
    for (PeerId p : pick(topic, params.d() - peers.size(), peers, this::isMeshCandidate)) {
      peers.add(p);
    }
    mesh.put(topic, peers);
    for (PeerId p : peers) {
      if (score != null) {
        score.graft(p, topic);
      }
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
      if (score != null) {
        score.prune(p, topic);
      }
      sendPrune(p, topic, params.unsubscribeBackoff(), true);
      addBackoff(topic, p, params.unsubscribeBackoff().toNanos());
    }
  }

  // ---- messages ----

  @Override
  public void publish(MessageId id, PubSubMessage message, PeerId receivedFrom) {
    String topic = message.topic();
    mcache.put(id, message);
    boolean own = receivedFrom == null;
    // The peers it goes to, copied first (a send may change the mesh), into the router's reusable
    // array unless a send re-entered this method while it was in use.
    boolean reuse = !targetsInUse;
    targetsInUse = true;
    PeerId[] to = reuse ? targetScratch : new PeerId[8];
    int used = 0; // entries of to written, the first n of them the targets
    try {
      int n;
      boolean toIsMesh = false;
      if (!own && direct.isEmpty() && floodsubPeers == 0) {
        // The common forward: only the mesh (or fanout) gets it, so neither the topic's peers nor a
        // set of targets is built per message.
        Set<PeerId> m = mesh.get(topic);
        Collection<PeerId> c = m != null ? m : fanoutTargets(topic);
        n = c.size();
        used = n;
        to = c.toArray(to.length >= n ? to : new PeerId[n]);
        toIsMesh = m != null;
      } else if (own && params.floodPublish()) {
        // every peer of the topic we may publish to, filtered in place (no list or set per publish)
        Set<PeerId> topicPeers = context.peersInTopic(topic);
        int all = topicPeers.size();
        used = all;
        to = topicPeers.toArray(to.length >= all ? to : new PeerId[all]);
        double publishThreshold = thresholds.publishThreshold();
        n = 0;
        for (int i = 0; i < all; i++) {
          PeerId p = to[i];
          if (direct.containsKey(p) || score(p) >= publishThreshold) {
            to[n++] = p;
          }
        }
      } else {
        List<PeerId> t = targets(topic);
        n = t.size();
        used = n;
        to = t.toArray(to.length >= n ? to : new PeerId[n]);
      }
      if (reuse && to != targetScratch) {
        targetScratch = to; // grown: keep the larger array
      }
      byte[] author = message.from();
      if (!own && message.size() >= params.idontwantMessageThreshold()) {
        // v1.2: tell mesh peers not to send us this one before we forward it
        Rpc dont = null; // built for the first peer that gets it (often none: the mesh may be only the sender)
        if (toIsMesh) {
          for (int i = 0; i < n; i++) { // the mesh just copied: no iterator per message
            dont = sendIDontWant(to[i], receivedFrom, id, dont);
          }
        } else {
          for (PeerId p : mesh.getOrDefault(topic, Set.of())) {
            dont = sendIDontWant(p, receivedFrom, id, dont);
          }
        }
      }
      Rpc rpc = null; // made for the first peer it goes to (none when the mesh is only the sender)
      Lane lane = own ? Lane.PUBLISH : Lane.FORWARD;
      for (int i = 0; i < n; i++) {
        PeerId p = to[i];
        if (p.equals(receivedFrom) || p.hasBytes(author)) {
          continue;
        }
        Map<MessageId, Long> dw = dontWant.get(p);
        if (dw != null && dw.containsKey(id)) {
          continue;
        }
        if (rpc == null) {
          rpc = Rpc.publish(message);
        }
        context.send(p, rpc, lane);
      }
    } finally {
      if (reuse) {
        Arrays.fill(to, 0, used, null); // hold no peer past the call
        targetsInUse = false;
      }
    }
  }

  /** Sends the IDONTWANT for {@code id} to {@code p} when it speaks v1.2 and did not send it to us. */
  private Rpc sendIDontWant(PeerId p, PeerId receivedFrom, MessageId id, Rpc dont) {
    if (!p.equals(receivedFrom) && V12.equals(protocols.get(p))) {
      if (dont == null) {
        dont = Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(), List.of(),
            List.of(new Rpc.IDontWant(List.of(id)))));
      }
      context.send(p, dont, Lane.CONTROL);
    }
    return dont;
  }

  /** Where a message goes beyond the plain mesh forward and the flood publish: direct and floodsub peers. */
  private List<PeerId> targets(String topic) {
    Set<PeerId> topicPeers = context.peersInTopic(topic);
    double publishThreshold = thresholds.publishThreshold();
    Set<PeerId> to = new LinkedHashSet<>();
    for (PeerId p : topicPeers) {
      if (direct.containsKey(p)) {
        to.add(p); // v1.1: direct peers get everything on topics they share with us
      } else if (FloodSubRouter.PROTOCOL_ID.equals(protocols.get(p)) && score(p) >= publishThreshold) {
        to.add(p);
      }
    }
    Set<PeerId> m = mesh.get(topic);
    to.addAll(m != null ? m : fanoutTargets(topic));
    return new ArrayList<>(to);
  }

  /** The fanout of a topic we publish to without being in its mesh, filled up to D when empty. */
  private Set<PeerId> fanoutTargets(String topic) {
    Set<PeerId> f = fanout.computeIfAbsent(topic, t -> new LinkedHashSet<>());
    if (f.isEmpty()) {
      f.addAll(pick(topic, params.d(), Set.of(), this::isFanoutCandidate));
    }
    lastPublished.put(topic, now());
    return f;
  }

  // ---- heartbeat ----

  void heartbeat() {
    tick++;
    ihavesThisHeartbeat.clear();
    idsAskedThisHeartbeat.clear();
    long now = now();
    expireBackoff(now);
    applyBrokenPromises(now);
    Map<PeerId, Double> scores = new HashMap<>(); // one score computation per peer per heartbeat
    java.util.function.ToDoubleFunction<PeerId> scoreOf =
        p -> score == null ? 0 : scores.computeIfAbsent(p, score::score);
    disconnectGraylisted(scoreOf);
    for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
      String topic = e.getKey();
      Set<PeerId> m = e.getValue();
      maintainMesh(topic, m, scoreOf);
      emitGossip(topic, m, scoreOf);
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
      e.getValue().removeIf(p -> !topicPeers.contains(p) || scoreOf.applyAsDouble(p) < thresholds.publishThreshold());
      if (e.getValue().size() < params.d()) {
        e.getValue().addAll(pick(topic, params.d() - e.getValue().size(), e.getValue(), this::isFanoutCandidate));
      }
      emitGossip(topic, e.getValue(), scoreOf);
    }
    if (!direct.isEmpty() && (tick - 1) % params.directConnectTicks() == 0) {
      for (PeerInfo p : direct.values()) {
        if (!protocols.containsKey(p.id())) {
          context.connect(p.id(), null);
        }
      }
    }
    mcache.shift();
    // v1.2: IDONTWANT entries live three heartbeats (go's IDontWantMessageTTL)
    for (Map<MessageId, Long> ids : dontWant.values()) {
      ids.values().removeIf(t -> tick - t >= 3);
    }
  }

  private void maintainMesh(String topic, Set<PeerId> m, java.util.function.ToDoubleFunction<PeerId> scoreOf) {
    Set<PeerId> topicPeers = context.peersInTopic(topic);
    for (Iterator<PeerId> it = m.iterator(); it.hasNext(); ) {
      PeerId p = it.next();
      if (!topicPeers.contains(p) || !isGossipsub(p)) {
        it.remove();
        if (score != null) {
          score.prune(p, topic);
        }
      } else if (scoreOf.applyAsDouble(p) < 0) {
        // v1.1: negative-score peers leave the mesh, with backoff and without PX
        it.remove();
        if (score != null) {
          score.prune(p, topic);
        }
        addBackoff(topic, p, params.pruneBackoff().toNanos());
        sendPrune(p, topic, params.pruneBackoff(), false);
        LOG.debug("pruned {} from {}: score {}", p, topic, scoreOf.applyAsDouble(p));
      }
    }
    if (m.size() < params.dLow()) {
      for (PeerId p : pick(topic, params.d() - m.size(), m, this::isMeshCandidate)) {
        graftNow(topic, m, p);
      }
    }
    if (m.size() > params.dHigh()) {
      shrinkMesh(topic, m, scoreOf);
    }
    if (m.size() >= params.dLow()) {
      // v1.1 "Outbound mesh quotas": top up outbound peers to dOut
      int outbound = 0;
      for (PeerId p : m) {
        if (context.isOutbound(p)) {
          outbound++;
        }
      }
      if (outbound < params.dOut()) {
        for (PeerId p : pick(topic, params.dOut() - outbound, m, (t, p) -> isMeshCandidate(t, p) && context.isOutbound(p))) {
          graftNow(topic, m, p);
        }
      }
    }
    if (score != null && tick % params.opportunisticGraftTicks() == 0 && m.size() > 1) {
      opportunisticGraft(topic, m, scoreOf);
    }
  }

  /** Prunes the mesh down to D: the dScore best-scored stay, then random peers, keeping dOut outbound. */
  private void shrinkMesh(String topic, Set<PeerId> m, java.util.function.ToDoubleFunction<PeerId> scoreOf) {
    List<PeerId> ranked = new ArrayList<>(m);
    sortForDeterminism(ranked);
    Collections.shuffle(ranked, random); // random order among equal scores
    ranked.sort((a, b) -> Double.compare(scoreOf.applyAsDouble(b), scoreOf.applyAsDouble(a)));
    List<PeerId> keep = new ArrayList<>(ranked.subList(0, Math.min(params.dScore(), ranked.size())));
    List<PeerId> rest = new ArrayList<>(ranked.subList(keep.size(), ranked.size()));
    Collections.shuffle(rest, random);
    int outboundKept = 0;
    for (PeerId p : keep) {
      if (context.isOutbound(p)) {
        outboundKept++;
      }
    }
    for (PeerId p : rest) {
      if (outboundKept >= params.dOut() || keep.size() >= params.d()) {
        break;
      }
      if (context.isOutbound(p)) {
        keep.add(p);
        outboundKept++;
      }
    }
    for (PeerId p : rest) {
      if (keep.size() >= params.d()) {
        break;
      }
      if (!keep.contains(p)) {
        keep.add(p);
      }
    }
    for (PeerId p : ranked) {
      if (!keep.contains(p)) {
        m.remove(p);
        if (score != null) {
          score.prune(p, topic);
        }
        addBackoff(topic, p, params.pruneBackoff().toNanos());
        sendPrune(p, topic, params.pruneBackoff(), true);
      }
    }
  }

  /**
   * v1.1 "Opportunistic Grafting": when the median mesh score is below the threshold, graft a few
   * peers scoring above the median, so a mesh taken over by poor peers can recover.
   */
  private void opportunisticGraft(String topic, Set<PeerId> m, java.util.function.ToDoubleFunction<PeerId> scoreOf) {
    double[] s = m.stream().mapToDouble(scoreOf).sorted().toArray();
    double median = s[s.length / 2];
    if (median >= thresholds.opportunisticGraftThreshold()) {
      return;
    }
    List<PeerId> better = pick(topic, params.opportunisticGraftPeers(), m,
        (t, p) -> isMeshCandidate(t, p) && scoreOf.applyAsDouble(p) > median);
    for (PeerId p : better) {
      LOG.debug("opportunistic graft of {} on {} (median mesh score {})", p, topic, median);
      graftNow(topic, m, p);
    }
  }

  private void graftNow(String topic, Set<PeerId> m, PeerId p) {
    m.add(p);
    if (score != null) {
      score.graft(p, topic);
    }
    sendGraft(p, topic);
  }

  private void emitGossip(String topic, Set<PeerId> exclude, java.util.function.ToDoubleFunction<PeerId> scoreOf) {
    // Who would get it first: with no one outside the mesh (a small network, or every peer in it),
    // the cache's ids for the topic (every message of the last historyGossip heartbeats) are not
    // even collected. The random draws below come in the same order as before this check.
    List<PeerId> candidates = new ArrayList<>();
    for (PeerId p : context.peersInTopic(topic)) {
      if (!exclude.contains(p) && isGossipsub(p) && !direct.containsKey(p)
          && scoreOf.applyAsDouble(p) >= thresholds.gossipThreshold()) {
        candidates.add(p);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    List<MessageId> ids = mcache.gossipIds(topic);
    if (ids.isEmpty()) {
      return;
    }
    if (ids.size() > params.maxIHaveLength()) {
      Collections.shuffle(ids, random);
      ids = ids.subList(0, params.maxIHaveLength());
    }
    int n = Math.max(params.dLazy(), (int) (params.gossipFactor() * candidates.size()));
    sortForDeterminism(candidates);
    Collections.shuffle(candidates, random);
    Rpc ihave = Rpc.control(new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of()));
    for (PeerId p : candidates.subList(0, Math.min(n, candidates.size()))) {
      context.send(p, ihave, Lane.CONTROL);
    }
  }

  /** P7 for every advertised message that did not arrive in time after our IWANT. */
  private void applyBrokenPromises(long now) {
    if (promises.isEmpty()) {
      return;
    }
    Map<PeerId, Integer> broken = new HashMap<>();
    for (Iterator<Map<PeerId, Long>> it = promises.values().iterator(); it.hasNext(); ) {
      Map<PeerId, Long> byPeer = it.next();
      for (Iterator<Map.Entry<PeerId, Long>> pi = byPeer.entrySet().iterator(); pi.hasNext(); ) {
        Map.Entry<PeerId, Long> e = pi.next();
        if (now - e.getValue() > 0) {
          broken.merge(e.getKey(), 1, Integer::sum);
          pi.remove();
        }
      }
      if (byPeer.isEmpty()) {
        it.remove();
      }
    }
    broken.forEach(
        (peer, count) -> {
          LOG.debug("peer {} broke {} IWANT promise(s)", peer, count);
          addPenalty(peer, count);
        });
  }

  private void refreshScores() {
    score.refreshScores();
    for (PeerId p : protocols.keySet()) {
      String ip = context.ipOf(p);
      if (ip != null) {
        score.setIps(p, List.of(ip));
      }
    }
  }

  private void expireBackoff(long now) {
    for (Map<PeerId, Long> m : backoff.values()) {
      m.values().removeIf(until -> until - now <= 0);
    }
    backoff.values().removeIf(Map::isEmpty);
  }

  private void sendGraft(PeerId peer, String topic) {
    context.send(peer, Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of())), Lane.CONTROL);
  }

  private boolean isGossipsub(PeerId p) {
    String proto = protocols.get(p);
    return proto != null && !proto.equals(FloodSubRouter.PROTOCOL_ID);
  }

  /** A gossipsub peer outside backoff, not direct, scoring at least 0. */
  private boolean isMeshCandidate(String topic, PeerId p) {
    if (!isGossipsub(p) || direct.containsKey(p)) {
      return false;
    }
    Long until = backoff.getOrDefault(topic, Map.of()).get(p);
    return (until == null || until - now() <= 0) && score(p) >= 0;
  }

  /** A gossipsub peer, not direct (they get everything anyway), scoring at least the publish threshold. */
  private boolean isFanoutCandidate(String topic, PeerId p) {
    return isGossipsub(p) && !direct.containsKey(p) && score(p) >= thresholds.publishThreshold();
  }

  /** Up to {@code n} random peers of {@code topic} outside {@code exclude} that pass {@code filter}. */
  private List<PeerId> pick(String topic, int n, Set<PeerId> exclude, java.util.function.BiPredicate<String, PeerId> filter) {
    if (n <= 0) {
      return List.of();
    }
    List<PeerId> candidates = new ArrayList<>();
    for (PeerId p : context.peersInTopic(topic)) {
      if (!exclude.contains(p) && filter.test(topic, p)) {
        candidates.add(p);
      }
    }
    sortForDeterminism(candidates);
    Collections.shuffle(candidates, random);
    return candidates.subList(0, Math.min(n, candidates.size()));
  }

  /** Hash-set iteration order varies between runs; sorting before a seeded shuffle makes runs repeatable. */
  private static void sortForDeterminism(List<PeerId> peers) {
    peers.sort((a, b) -> Arrays.compare(a.toBytes(), b.toBytes()));
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

  /** The scorer, or null without scoring (tests). */
  PeerScore peerScore() {
    return score;
  }

  /** Outstanding IWANT promises (tests). */
  int promiseCount() {
    return promises.values().stream().mapToInt(Map::size).sum();
  }
}
