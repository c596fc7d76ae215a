package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub v1.1 peer scoring ("Peer Scoring" in gossipsub-v1.1.md): counters per peer and topic,
 * fed by the router's events, turned into a score on demand and decayed by {@link #refreshScores()}.
 *
 * <p>Not thread-safe: the router owns it and calls it only from its own executor. It never reads the
 * wall clock and never schedules anything: time comes from the injected {@code nanoClock} (a {@link
 * System#nanoTime}-like monotonic reading), and the router calls {@link #refreshScores()} every
 * {@link PeerScoreParams#decayInterval()}.
 *
 * <pre>{@code
 * PeerScore score = new PeerScore(params, scheduler::nanoTime);
 * score.addPeer(peer, "/meshsub/1.1.0");
 * score.setIps(peer, List.of("203.0.113.7"));
 * score.graft(peer, topic);
 * score.validateMessage(peer, id, topic);   // first receipt, entering validation
 * score.deliverMessage(peer, id, topic);    // validation accepted it
 * if (score.score(peer) < thresholds.graylistThreshold()) { ... }
 * }</pre>
 *
 * <p>Event order for one message id: {@link #validateMessage} on first receipt, {@link
 * #duplicateMessage} for every later copy (before or after validation ends), then exactly one of
 * {@link #deliverMessage} or {@link #rejectMessage}. Delivery records live for {@link
 * PeerScoreParams#deliveryRecordTtl()}.
 */
public final class PeerScore {

  private static final Logger LOG = LoggerFactory.getLogger(PeerScore.class);

  /**
   * Why a message was not delivered; decides whether its senders are penalised (P₄), following
   * go-libp2p-pubsub's reject reasons.
   */
  public enum RejectReason {
    /** Signature required but absent: the sender is penalised (the id cannot be trusted, no record). */
    MISSING_SIGNATURE,
    /** Signature does not verify: the sender is penalised (no record). */
    INVALID_SIGNATURE,
    /** A signature where the policy forbids one: the sender is penalised (no record). */
    UNEXPECTED_SIGNATURE,
    /** from/seqno/key present where the policy forbids them: the sender is penalised (no record). */
    UNEXPECTED_AUTH_INFO,
    /** A message claiming to be ours that we did not publish: the sender is penalised (no record). */
    SELF_ORIGIN,
    /** A message over the configured maximum size: the sender is penalised (no record). */
    OVERSIZED,
    /** The validator rejected it: the sender, every peer that sent it during validation and every
     * later sender are penalised. */
    VALIDATION_FAILED,
    /** The validator said IGNORE: no penalty, later copies are not penalised either. */
    VALIDATION_IGNORED,
    /** Validation was throttled, so validity is unknown: no penalty. */
    VALIDATION_THROTTLED,
    /** The validation queue was full before validation started: no penalty, no record. */
    VALIDATION_QUEUE_FULL,
    /** The forwarding peer is blacklisted: no penalty, no record. */
    BLACKLISTED_PEER,
    /** The author is blacklisted: no penalty, no record. */
    BLACKLISTED_SOURCE;

    /**
     * VALIDATION_FAILED for REJECT, VALIDATION_IGNORED for IGNORE; ACCEPT is not a rejection.
     *
     * @param result a validator's verdict other than ACCEPT
     * @return the reason
     */
    public static RejectReason of(ValidationResult result) {
      return switch (result) {
        case REJECT -> VALIDATION_FAILED;
        case IGNORE -> VALIDATION_IGNORED;
        case ACCEPT -> throw new IllegalArgumentException("ACCEPT is not a reject reason");
      };
    }

    /** {@return true when this reason adds to the sender's invalid message deliveries (P₄)} */
    public boolean penalisesSender() {
      return switch (this) {
        case MISSING_SIGNATURE, INVALID_SIGNATURE, UNEXPECTED_SIGNATURE, UNEXPECTED_AUTH_INFO, SELF_ORIGIN,
            OVERSIZED, VALIDATION_FAILED -> true;
        default -> false;
      };
    }
  }

  private final PeerScoreParams params;
  private final Map<String, TopicScoreParams> topicParams;
  private final List<ScoreIpRange> whitelist;
  private final LongSupplier nanoClock;
  private final Map<PeerId, PeerStats> peers = new HashMap<>();
  private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
  private final Map<MessageId, DeliveryRecord> deliveries = new HashMap<>();
  private final ArrayDeque<DeliveryRecord> deliveryExpiry = new ArrayDeque<>();

  /**
   * Scores with {@code params}, every peer starting at zero.
   *
   * @param params the parameters (checked when they were made)
   * @param nanoClock monotonic nanoseconds (e.g. the router scheduler's clock)
   */
  public PeerScore(PeerScoreParams params, LongSupplier nanoClock) {
    this.params = Objects.requireNonNull(params, "params");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.topicParams = new HashMap<>(params.topics());
    List<ScoreIpRange> ranges = new ArrayList<>();
    for (String r : params.ipColocationFactorWhitelist()) {
      ranges.add(ScoreIpRange.parse(r));
    }
    this.whitelist = List.copyOf(ranges);
  }

  /** {@return the parameters this scorer was built with (topic changes by {@link #setTopicParams} not included)} */
  public PeerScoreParams params() {
    return params;
  }

  /**
   * Scores {@code topic} with {@code topicScoreParams} from now on (e.g. new fork digest topics).
   * When caps are lowered, existing counters are clipped to the new caps, as go does.
   *
   * @param topic the topic
   * @param topicScoreParams its parameters
   */
  public void setTopicParams(String topic, TopicScoreParams topicScoreParams) {
    Objects.requireNonNull(topicScoreParams, "topicScoreParams");
    topicParams.put(topic, topicScoreParams);
    for (PeerStats s : peers.values()) {
      TopicStats t = s.topics.get(topic);
      if (t != null) {
        t.firstMessageDeliveries = Math.min(t.firstMessageDeliveries, topicScoreParams.firstMessageDeliveriesCap());
        t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries, topicScoreParams.meshMessageDeliveriesCap());
      }
    }
  }

  // ---- peers ----

  /**
   * A peer's pubsub stream is up. A peer whose non-positive score is still retained from an earlier
   * connection gets its old counters back, so reconnecting does not launder a bad score.
   *
   * @param peer the peer
   * @param protocol the pubsub protocol it speaks
   */
  public void addPeer(PeerId peer, String protocol) {
    PeerStats s = peers.computeIfAbsent(peer, p -> new PeerStats());
    s.connected = true;
    s.protocol = protocol;
  }

  /**
   * The peer disconnected. A positive score is forgotten (nothing to protect against); otherwise the
   * counters are kept for {@link PeerScoreParams#retainScore()} without decaying, first deliveries
   * are zeroed and an active mesh delivery deficit becomes a P₃b penalty, as if the peer were pruned
   * (go-libp2p-pubsub behaviour; the spec only says scores are retained).
   *
   * @param peer the peer
   */
  public void removePeer(PeerId peer) {
    PeerStats s = peers.get(peer);
    if (s == null || !s.connected) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (score(peer, now) > 0) {
      forget(peer, s);
      return;
    }
    for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
      TopicStats t = e.getValue();
      t.firstMessageDeliveries = 0;
      TopicScoreParams tp = topicParams.get(e.getKey());
      if (tp != null) {
        applyMeshFailurePenalty(t, tp, now);
      }
      t.inMesh = false;
    }
    s.connected = false;
    s.expireNanos = now + params.retainScore().toNanos();
  }

  /**
   * The peer's current remote IPs (literals; host names, loopback and whitelisted addresses are not
   * counted). An IPv6 address also counts for its /64 network. Call on connect and when addresses
   * change; replaces the previous set.
   *
   * @param peer the peer
   * @param ips its remote IP addresses
   */
  public void setIps(PeerId peer, Collection<String> ips) {
    PeerStats s = peers.get(peer);
    if (s == null) {
      return;
    }
    Set<String> fresh = new HashSet<>();
    for (String ip : ips) {
      InetAddress a = ScoreIpRange.parseLiteral(ip);
      if (a == null) {
        if (ip != null && LOG.isDebugEnabled()) {
          LOG.debug("score: ignoring unparseable IP '{}' of peer {}", ip, peer);
        }
        continue;
      }
      if (a.isLoopbackAddress() || isWhitelisted(a)) {
        continue; // loopback: local test networks would all collide (go skips it too)
      }
      fresh.add(a.getHostAddress());
      if (a instanceof Inet6Address) {
        fresh.add(ScoreIpRange.ipv6Slash64(a));
      }
    }
    for (String old : s.ips) {
      if (!fresh.contains(old)) {
        untrackIp(peer, old);
      }
    }
    for (String ip : fresh) {
      peersByIp.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
    }
    s.ips = fresh;
  }

  // ---- mesh ----

  /**
   * The peer joined our mesh for {@code topic} (P₁ starts counting, P₃ activation restarts).
   *
   * @param peer the peer
   * @param topic the topic
   */
  public void graft(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t == null) {
      return;
    }
    t.inMesh = true;
    t.graftNanos = nanoClock.getAsLong();
  }

  /**
   * The peer left our mesh for {@code topic}. If its P₃ deficit was active, the squared deficit is
   * added to the sticky P₃b counter (gossipsub v1.1 "P₃ and P₃b").
   *
   * @param peer the peer
   * @param topic the topic
   */
  public void prune(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t == null) {
      return;
    }
    applyMeshFailurePenalty(t, topicParams.get(topic), nanoClock.getAsLong());
    t.inMesh = false;
  }

  /**
   * Behavioural penalty (P₇): GRAFT during backoff, broken IWANT promises, and the like.
   *
   * @param peer the peer
   * @param count how many penalties
   */
  public void addPenalty(PeerId peer, int count) {
    PeerStats s = peers.get(peer);
    if (s != null) {
      s.behaviourPenalty += count;
    }
  }

  // ---- messages ----

  /**
   * First receipt of {@code id} from {@code from}; it is entering validation.
   *
   * @param from the peer we got it from
   * @param id the message id
   * @param topic its topic
   */
  public void validateMessage(PeerId from, MessageId id, String topic) {
    record(id, nanoClock.getAsLong());
  }

  /**
   * Validation accepted {@code id}, first received from {@code from}: P₂ (and P₃ when in the mesh)
   * for {@code from}, and P₃ for every mesh peer that sent a copy while it was being validated.
   *
   * @param from the peer we first got it from
   * @param id the message id
   * @param topic its topic
   */
  public void deliverMessage(PeerId from, MessageId id, String topic) {
    long now = nanoClock.getAsLong();
    DeliveryRecord r = record(id, now);
    if (r.status != Status.UNKNOWN) {
      LOG.debug("score: unexpected delivery of {} from {} (status {})", id, from, r.status);
      return;
    }
    markFirstDelivery(from, topic);
    r.status = Status.VALID;
    r.validatedNanos = now;
    for (PeerId p : r.peers()) {
      if (!p.equals(from)) {
        markMeshDelivery(p, topic);
      }
    }
  }

  /**
   * A copy of an already seen {@code id} from {@code from}. During validation it is remembered;
   * after acceptance it counts for P₃ if within the mesh delivery window; after a VALIDATION_FAILED
   * rejection it counts for P₄.
   *
   * @param from the peer that sent the copy
   * @param id the message id
   * @param topic its topic
   */
  public void duplicateMessage(PeerId from, MessageId id, String topic) {
    long now = nanoClock.getAsLong();
    DeliveryRecord r = record(id, now);
    if (r.hasPeer(from)) {
      return; // one credit per peer and message
    }
    switch (r.status) {
      case UNKNOWN -> r.addPeer(from);
      case VALID -> {
        r.addPeer(from);
        TopicScoreParams tp = topicParams.get(topic);
        if (tp != null && now - r.validatedNanos <= tp.meshMessageDeliveriesWindow().toNanos()) {
          markMeshDelivery(from, topic);
        }
      }
      case INVALID -> markInvalidDelivery(from, topic);
      case THROTTLED, IGNORED -> { }
    }
  }

  /**
   * {@code id} from {@code from} was not delivered. See {@link RejectReason} for who is penalised.
   * For the signature and policy reasons the id is not trusted and may be null.
   *
   * @param from the peer we got it from
   * @param id the message id, or null
   * @param topic its topic
   * @param reason why it was not delivered
   */
  public void rejectMessage(PeerId from, MessageId id, String topic, RejectReason reason) {
    switch (reason) {
      case MISSING_SIGNATURE, INVALID_SIGNATURE, UNEXPECTED_SIGNATURE, UNEXPECTED_AUTH_INFO, SELF_ORIGIN, OVERSIZED -> {
        markInvalidDelivery(from, topic);
        return;
      }
      case VALIDATION_QUEUE_FULL, BLACKLISTED_PEER, BLACKLISTED_SOURCE -> {
        return;
      }
      default -> { }
    }
    DeliveryRecord r = record(id, nanoClock.getAsLong());
    if (r.status != Status.UNKNOWN) {
      LOG.debug("score: unexpected rejection of {} from {} (status {})", id, from, r.status);
      return;
    }
    switch (reason) {
      case VALIDATION_THROTTLED -> r.status = Status.THROTTLED;
      case VALIDATION_IGNORED -> r.status = Status.IGNORED;
      default -> {
        r.status = Status.INVALID;
        markInvalidDelivery(from, topic);
        for (PeerId p : r.peers()) {
          markInvalidDelivery(p, topic);
        }
      }
    }
    r.peers = null; // nobody is credited or penalised from this list any more (and it is not kept)
  }

  // ---- score ----

  /**
   * {@return the peer's score now; 0 for a peer that is not tracked}
   *
   * @param peer the peer
   */
  public double score(PeerId peer) {
    return score(peer, nanoClock.getAsLong());
  }

  /**
   * Scores of every tracked peer, including disconnected peers whose score is retained (metrics).
   *
   * @return the scores, a copy
   */
  public Map<PeerId, Double> snapshot() {
    long now = nanoClock.getAsLong();
    Map<PeerId, Double> out = new HashMap<>();
    for (PeerId p : peers.keySet()) {
      out.put(p, score(p, now));
    }
    return out;
  }

  /**
   * The decay step, called by the router every {@link PeerScoreParams#decayInterval()}: multiplies
   * the P₂, P₃, P₃b, P₄ and P₇ counters of connected peers by their decay factors (values below
   * decayToZero become 0), forgets disconnected peers whose retention expired, and drops expired
   * delivery records. Retained counters do not decay, so waiting offline does not clean a score.
   */
  public void refreshScores() {
    long now = nanoClock.getAsLong();
    double toZero = params.decayToZero();
    for (Iterator<Map.Entry<PeerId, PeerStats>> it = peers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<PeerId, PeerStats> e = it.next();
      PeerStats s = e.getValue();
      if (!s.connected) {
        if (now - s.expireNanos > 0) {
          for (String ip : s.ips) {
            untrackIp(e.getKey(), ip);
          }
          it.remove();
        }
        continue;
      }
      for (Map.Entry<String, TopicStats> te : s.topics.entrySet()) {
        TopicScoreParams tp = topicParams.get(te.getKey());
        if (tp == null) {
          continue;
        }
        TopicStats t = te.getValue();
        t.firstMessageDeliveries = decay(t.firstMessageDeliveries, tp.firstMessageDeliveriesDecay(), toZero);
        t.meshMessageDeliveries = decay(t.meshMessageDeliveries, tp.meshMessageDeliveriesDecay(), toZero);
        t.meshFailurePenalty = decay(t.meshFailurePenalty, tp.meshFailurePenaltyDecay(), toZero);
        t.invalidMessageDeliveries = decay(t.invalidMessageDeliveries, tp.invalidMessageDeliveriesDecay(), toZero);
      }
      s.behaviourPenalty = decay(s.behaviourPenalty, params.behaviourPenaltyDecay(), toZero);
    }
    while (!deliveryExpiry.isEmpty() && now - deliveryExpiry.peekFirst().expireNanos > 0) {
      deliveries.remove(deliveryExpiry.pollFirst().id);
    }
  }

  /** Number of delivery records held (tests, metrics). */
  int deliveryRecordCount() {
    return deliveries.size();
  }

  /**
   * {@return true when counters are held for {@code peer}, connected or retained}
   *
   * @param peer the peer
   */
  public boolean isTracked(PeerId peer) {
    return peers.containsKey(peer);
  }

  // ---- internals ----

  private double score(PeerId peer, long now) {
    PeerStats s = peers.get(peer);
    if (s == null) {
      return 0;
    }
    double topicSum = 0;
    for (Map.Entry<String, TopicStats> e : s.topics.entrySet()) {
      TopicScoreParams tp = topicParams.get(e.getKey());
      if (tp == null) {
        continue; // unscored topics contribute nothing
      }
      TopicStats t = e.getValue();
      double topic = 0;
      if (t.inMesh) {
        // P1, computed from the clock rather than lazily at decay time: same value, finer grained
        double quanta = Math.floor((double) (now - t.graftNanos) / tp.timeInMeshQuantum().toNanos());
        topic += Math.min(Math.max(quanta, 0), tp.timeInMeshCap()) * tp.timeInMeshWeight();
      }
      topic += t.firstMessageDeliveries * tp.firstMessageDeliveriesWeight();
      // P3 only while in the mesh: after a prune the deficit lives on in P3b instead (as
      // rust-libp2p and js-libp2p-gossipsub #212; go keeps charging P3 until the next graft)
      if (meshDeliveriesActive(t, tp, now) && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
        double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
        topic += deficit * deficit * tp.meshMessageDeliveriesWeight();
      }
      topic += t.meshFailurePenalty * tp.meshFailurePenaltyWeight();
      topic += t.invalidMessageDeliveries * t.invalidMessageDeliveries * tp.invalidMessageDeliveriesWeight();
      topicSum += topic * tp.topicWeight();
    }
    if (params.topicScoreCap() > 0 && topicSum > params.topicScoreCap()) {
      topicSum = params.topicScoreCap();
    }
    double score = topicSum;
    if (params.appSpecificWeight() != 0) {
      Double app = params.appSpecificScore().apply(peer);
      score += (app == null ? 0 : app) * params.appSpecificWeight();
    }
    if (params.ipColocationFactorWeight() != 0) {
      score += ipColocationFactor(s) * params.ipColocationFactorWeight();
    }
    if (s.behaviourPenalty > params.behaviourPenaltyThreshold()) {
      double excess = s.behaviourPenalty - params.behaviourPenaltyThreshold();
      score += excess * excess * params.behaviourPenaltyWeight();
    }
    return score;
  }

  private double ipColocationFactor(PeerStats s) {
    double result = 0;
    int threshold = params.ipColocationFactorThreshold();
    for (String ip : s.ips) {
      Set<PeerId> sharing = peersByIp.get(ip);
      int n = sharing == null ? 0 : sharing.size();
      if (n > threshold) {
        double surplus = n - threshold;
        result += surplus * surplus;
      }
    }
    return result;
  }

  private static boolean meshDeliveriesActive(TopicStats t, TopicScoreParams tp, long now) {
    return t.inMesh && now - t.graftNanos > tp.meshMessageDeliveriesActivation().toNanos();
  }

  private static void applyMeshFailurePenalty(TopicStats t, TopicScoreParams tp, long now) {
    if (meshDeliveriesActive(t, tp, now) && t.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
      double deficit = tp.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
      t.meshFailurePenalty += deficit * deficit;
    }
  }

  private void markFirstDelivery(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t == null) {
      return;
    }
    TopicScoreParams tp = topicParams.get(topic);
    t.firstMessageDeliveries = Math.min(t.firstMessageDeliveries + 1, tp.firstMessageDeliveriesCap());
    if (t.inMesh) {
      t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
    }
  }

  private void markMeshDelivery(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t == null || !t.inMesh) {
      return;
    }
    t.meshMessageDeliveries = Math.min(t.meshMessageDeliveries + 1, topicParams.get(topic).meshMessageDeliveriesCap());
  }

  private void markInvalidDelivery(PeerId peer, String topic) {
    TopicStats t = topicStats(peer, topic);
    if (t != null) {
      t.invalidMessageDeliveries += 1;
    }
  }

  /** Stats of a tracked peer in a scored topic, created on first use; null otherwise. */
  private TopicStats topicStats(PeerId peer, String topic) {
    PeerStats s = peers.get(peer);
    if (s == null || topic == null || !topicParams.containsKey(topic)) {
      return null;
    }
    return s.topics.computeIfAbsent(topic, k -> new TopicStats());
  }

  private DeliveryRecord record(MessageId id, long now) {
    Objects.requireNonNull(id, "id");
    DeliveryRecord r = deliveries.get(id);
    if (r == null) {
      r = new DeliveryRecord(id, now + params.deliveryRecordTtl().toNanos());
      deliveries.put(id, r);
      deliveryExpiry.addLast(r);
    }
    return r;
  }

  private boolean isWhitelisted(InetAddress a) {
    for (ScoreIpRange r : whitelist) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private void untrackIp(PeerId peer, String ip) {
    Set<PeerId> sharing = peersByIp.get(ip);
    if (sharing != null) {
      sharing.remove(peer);
      if (sharing.isEmpty()) {
        peersByIp.remove(ip);
      }
    }
  }

  private void forget(PeerId peer, PeerStats s) {
    for (String ip : s.ips) {
      untrackIp(peer, ip);
    }
    peers.remove(peer);
  }

  private static double decay(double value, double factor, double toZero) {
    double v = value * factor;
    return v < toZero ? 0 : v;
  }

  @Override
  public String toString() {
    return "PeerScore{peers=" + peers.size() + ", topics=" + topicParams.size()
        + ", deliveryRecords=" + deliveries.size() + ", decayInterval=" + params.decayInterval() + "}";
  }

  /** Counters for one peer (connected, or retained after disconnect). */
  private static final class PeerStats {
    boolean connected;
    String protocol;
    long expireNanos;
    final Map<String, TopicStats> topics = new HashMap<>();
    Set<String> ips = Set.of();
    double behaviourPenalty;
  }

  /** Counters for one peer in one scored topic. */
  private static final class TopicStats {
    boolean inMesh;
    long graftNanos;
    double firstMessageDeliveries;
    double meshMessageDeliveries;
    double meshFailurePenalty;
    double invalidMessageDeliveries;
  }

  private enum Status { UNKNOWN, VALID, INVALID, IGNORED, THROTTLED }

  /** What we know about one message id: validation outcome and who sent copies meanwhile. */
  private static final class DeliveryRecord {
    final MessageId id;
    final long expireNanos;
    Status status = Status.UNKNOWN;
    long validatedNanos;
    /**
     * Peers that sent a copy, made on the first copy: most records never get one from a second peer
     * (and all are kept for deliveryRecordTtl, so a set per record was most of their memory). A list
     * up to {@link #LIST_MAX} peers, a set beyond: a message reaches us from a mesh's few peers, but
     * a peer count is not ours to choose.
     */
    Collection<PeerId> peers;

    DeliveryRecord(MessageId id, long expireNanos) {
      this.id = id;
      this.expireNanos = expireNanos;
    }

    boolean hasPeer(PeerId p) {
      return peers != null && peers.contains(p);
    }

    void addPeer(PeerId p) {
      if (peers == null) {
        peers = new ArrayList<>(4);
      } else if (peers.size() == LIST_MAX && peers instanceof ArrayList) {
        peers = new HashSet<>(peers);
      }
      peers.add(p);
    }

    Collection<PeerId> peers() {
      return peers == null ? List.of() : peers;
    }
  }

  /** Peers a delivery record lists before it switches to a set. */
  private static final int LIST_MAX = 16;
}
