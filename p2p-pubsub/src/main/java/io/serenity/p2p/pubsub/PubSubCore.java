package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.time.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pubsub pipeline without I/O: peer and topic tables, the seen cache, message ids, the signature
 * policy, size and topic limits, the validation throttle and verdicts, and the {@link Router} it
 * drives. No threads and no sockets: every method runs on the {@link Scheduler} it is given (its
 * clock times the seen cache), and it reaches the world through two ports, a {@link Wire} (RPCs
 * out, with the lane decided here or by the router) and {@link Deliveries} (accepted messages).
 *
 * <p>{@link PubSub} drives it over a {@code Host} (streams, per-peer queues, the signature pool);
 * {@link SimulatedNode} drives the same core over the simulator's network, so the simulator runs
 * the pipeline that ships.
 *
 * <p>Not thread-safe, except {@link #addValidator}, {@link #removeValidator} and the counters.
 */
final class PubSubCore {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubCore.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /**
   * Topics one peer may announce; further subscriptions are ignored (logged once), so a peer cannot
   * grow our topic tables without bound. Ethereum nodes announce about a hundred.
   */
  static final int MAX_TOPICS_PER_PEER = 2048;

  /** Where the core's RPCs and peer actions go; called on the scheduler. */
  interface Wire {
    /** Queues {@code rpc} for {@code peer} in {@code lane}; false when it was dropped. */
    boolean send(PeerId peer, Rpc rpc, Lane lane);

    /**
     * Routes one of our own accepted publishes: runs {@code route} (the router sends its copies
     * through {@link #send} in the publish lane) and completes {@code result} with {@code id} once
     * the copies are out. A driver with queues may complete it later, or fail it.
     */
    default void routeOwn(MessageId id, String topic, Runnable route, CompletableFuture<MessageId> result) {
      route.run();
      result.complete(id);
    }

    /** The remote IP of the peer's connection, or null (score P6). */
    default String ipOf(PeerId peer) {
      return null;
    }

    /** Dial a peer learnt from peer exchange (best effort). */
    default void dial(PeerId peer, byte[] signedPeerRecord) {}

    /** Close our connection to a peer that misbehaved badly. */
    default void disconnect(PeerId peer, String reason) {}

    /** Some peer's announced topics changed. */
    default void topicsChanged() {}
  }

  /** Where accepted messages go; called on the scheduler. */
  @FunctionalInterface
  interface Deliveries {
    /**
     * A message accepted for the first time: {@code from} delivered the first copy ({@code self}
     * for our own publishes, delivered only with {@link PubSubConfig#deliverOwnMessages()}).
     */
    void deliver(MessageId id, PubSubMessage message, PeerId from);
  }

  private final PeerId self;
  private final byte[] selfBytes;
  private final PubSubConfig config;
  private final Router router;
  private final Scheduler scheduler;
  private final Executor verifier;
  private final Wire wire;
  private final Deliveries deliveries;
  private final SeenCache seen;
  private final Context context = new Context();

  private final Map<PeerId, CorePeer> peers = new LinkedHashMap<>();
  private final Map<String, Set<PeerId>> topicPeers = new LinkedHashMap<>();
  /**
   * {@link #readyPeersIn} by topic, built on first use after a change: every publish and forward asks
   * for it, and peers, their readiness and their topics change far less often. A built set is never
   * changed (a change drops the map's entries), so a caller may hold one while peers come and go.
   */
  private final Map<String, Set<PeerId>> readyByTopic = new HashMap<>();
  /** Most topics whose ready peers are kept built (topics come from remote peers: bounded). */
  private static final int READY_CACHE_TOPICS = 1024;
  private final Set<String> localTopics = new LinkedHashSet<>();
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();
  private int pendingValidations;
  // StrictSign checks on the verifier (when given): messages in the order they arrived, each waiting
  // for its check, and duplicates that arrived meanwhile.
  private final ArrayDeque<PendingCheck> checks = new ArrayDeque<>();
  private final Map<MessageId, PendingCheck> checking = new java.util.HashMap<>();
  private final AtomicBoolean checksDrainQueued = new AtomicBoolean();
  private boolean attached;
  private boolean detached;

  private final Map<String, TopicCounters> counters = new ConcurrentHashMap<>();
  private final Map<PeerScore.RejectReason, AtomicLong> rejections = new EnumMap<>(PeerScore.RejectReason.class);
  private final AtomicLong unsubscribedDrops = new AtomicLong();
  private final AtomicLong checkDrops = new AtomicLong();

  /**
   * @param verifier where StrictSign signatures are checked, off the scheduler; null checks them
   *     inline. Results come back through the scheduler, in arrival order.
   */
  PubSubCore(PeerId self, PubSubConfig config, Router router, Scheduler scheduler, Executor verifier, Wire wire,
      Deliveries deliveries) {
    this.self = Objects.requireNonNull(self, "self");
    this.selfBytes = self.toBytes();
    this.config = config.validate();
    this.router = Objects.requireNonNull(router, "router");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.verifier = verifier;
    this.wire = Objects.requireNonNull(wire, "wire");
    this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    this.seen = new SeenCache(scheduler.clock(), config.seenTtl(), config.seenCapacity());
    for (PeerScore.RejectReason r : PeerScore.RejectReason.values()) {
      rejections.put(r, new AtomicLong());
    }
  }

  /** One peer as the core sees it: its announced topics, and its stream once we can send to it. */
  private static final class CorePeer {
    final Set<String> topics = new LinkedHashSet<>();
    boolean ready;
    String protocol;
    boolean outbound;
    boolean warnedTopics;
  }

  // ---- lifecycle ----

  /** Attaches the router (it schedules its heartbeat on the scheduler). */
  void attach() {
    if (!attached) {
      attached = true;
      router.attach(context);
    }
  }

  /** Detaches the router; the core then ignores every input. */
  void detach() {
    if (attached && !detached) {
      detached = true;
      router.detach();
    }
  }

  boolean running() {
    return attached && !detached;
  }

  Router router() {
    return router;
  }

  PeerId self() {
    return self;
  }

  // ---- peers ----

  /**
   * A peer whose subscriptions we track from now on; we cannot send to it until {@link #peerReady}.
   * {@code knownTopics}: what it announced on an earlier stream of the same connection. False when
   * it is known already.
   */
  boolean addPeer(PeerId peer, Set<String> knownTopics) {
    if (peers.containsKey(peer)) {
      return false;
    }
    CorePeer p = new CorePeer();
    peers.put(peer, p);
    readyByTopic.clear();
    for (String t : knownTopics) {
      p.topics.add(t);
      topicPeers.computeIfAbsent(t, x -> new LinkedHashSet<>()).add(peer);
    }
    return true;
  }

  boolean hasPeer(PeerId peer) {
    return peers.containsKey(peer);
  }

  /** Our stream to {@code peer} is up: the router learns of it and it hears our subscriptions. */
  void peerReady(PeerId peer, String protocol, boolean outbound) {
    CorePeer p = peers.get(peer);
    if (p == null || p.ready || !running()) {
      return;
    }
    p.ready = true;
    readyByTopic.clear();
    p.protocol = protocol;
    p.outbound = outbound;
    router.addPeer(peer, protocol, outbound);
    if (!localTopics.isEmpty()) {
      List<Rpc.SubOpts> subs = new ArrayList<>();
      for (String t : localTopics) {
        subs.add(new Rpc.SubOpts(true, t));
      }
      wire.send(peer, new Rpc(subs, List.of(), Rpc.Control.EMPTY), Lane.CONTROL);
    }
  }

  /** Forgets {@code peer}; returns the topics it had announced, or null when it was unknown. */
  Set<String> removePeer(PeerId peer) {
    CorePeer p = peers.remove(peer);
    if (p == null) {
      return null;
    }
    readyByTopic.clear();
    for (String t : p.topics) {
      Set<PeerId> set = topicPeers.get(t);
      if (set != null) {
        set.remove(peer);
        if (set.isEmpty()) {
          topicPeers.remove(t);
        }
      }
    }
    if (p.ready && running()) {
      router.removePeer(peer);
    }
    return Set.copyOf(p.topics);
  }

  /** Every known peer, in the order they were added. */
  Set<PeerId> peerIds() {
    return Collections.unmodifiableSet(peers.keySet());
  }

  /** The topics {@code peer} announced (empty when unknown). */
  Set<String> topicsOf(PeerId peer) {
    CorePeer p = peers.get(peer);
    return p == null ? Set.of() : Collections.unmodifiableSet(p.topics);
  }

  /** Peers we can send to that announced {@code topic}. */
  Set<PeerId> readyPeersIn(String topic) {
    Set<PeerId> cached = readyByTopic.get(topic);
    if (cached != null) {
      return cached;
    }
    Set<PeerId> set = topicPeers.get(topic);
    if (set == null) {
      return Set.of();
    }
    Set<PeerId> out = new LinkedHashSet<>();
    for (PeerId id : set) {
      CorePeer p = peers.get(id);
      if (p != null && p.ready) {
        out.add(id);
      }
    }
    Set<PeerId> built = Collections.unmodifiableSet(out);
    if (readyByTopic.size() < READY_CACHE_TOPICS) {
      readyByTopic.put(topic, built);
    }
    return built;
  }

  /** Peers that announced {@code topic}, whether or not we can send to them yet. */
  Set<PeerId> peersIn(String topic) {
    Set<PeerId> set = topicPeers.get(topic);
    return set == null ? Set.of() : Set.copyOf(set);
  }

  // ---- our topics ----

  /** Joins {@code topic} and tells every peer; false when joined already. */
  boolean join(String topic) {
    if (!running() || !localTopics.add(topic)) {
      return false;
    }
    router.join(topic);
    announce(topic, true);
    return true;
  }

  /** Leaves {@code topic} and tells every peer; false when not joined. */
  boolean leave(String topic) {
    if (!running() || !localTopics.remove(topic)) {
      return false;
    }
    router.leave(topic);
    announce(topic, false);
    return true;
  }

  Set<String> localTopics() {
    return Collections.unmodifiableSet(localTopics);
  }

  private void announce(String topic, boolean subscribe) {
    Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Rpc.Control.EMPTY);
    for (Map.Entry<PeerId, CorePeer> e : List.copyOf(peers.entrySet())) {
      if (e.getValue().ready) {
        wire.send(e.getKey(), rpc, Lane.CONTROL);
      }
    }
  }

  /** Adds (or replaces) the validator of {@code topic}; any thread. */
  void addValidator(String topic, Validator validator) {
    validators.put(topic, Objects.requireNonNull(validator, "validator"));
  }

  /** Removes the validator of {@code topic}; any thread. */
  void removeValidator(String topic) {
    validators.remove(topic);
  }

  // ---- our publishes ----

  /**
   * Publishes our message {@code m}: marks it seen, runs the topic's validator (unless {@code
   * validate} is false: the simulator's spammers), and routes it through {@link Wire#routeOwn},
   * which completes {@code result}. Fails {@code result} for a duplicate id or a validator that does
   * not accept it.
   */
  void publish(PubSubMessage m, boolean validate, CompletableFuture<MessageId> result) {
    if (!running()) {
      result.completeExceptionally(new PubSubException("pubsub is not running"));
      return;
    }
    MessageId id = config.messageIdFunction().apply(m);
    if (!seen.add(id)) {
      result.completeExceptionally(new PubSubException("duplicate message id " + id + " on " + m.topic()));
      return;
    }
    Validator v = validate ? validators.get(m.topic()) : null;
    if (v == null) {
      publishAccepted(id, m, result);
      return;
    }
    whenValidated(v.validate(self, m), r -> {
      if (r != ValidationResult.ACCEPT) {
        result.completeExceptionally(
            new PubSubException("own message on " + m.topic() + " not accepted by its validator: " + r));
      } else {
        publishAccepted(id, m, result);
      }
    }, e -> result.completeExceptionally(
        new PubSubException("own message on " + m.topic() + " not accepted by its validator: " + e)));
  }

  private void publishAccepted(MessageId id, PubSubMessage m, CompletableFuture<MessageId> result) {
    if (!running()) {
      result.completeExceptionally(new PubSubException("pubsub is not running"));
      return;
    }
    counters(m.topic()).published.incrementAndGet();
    wire.routeOwn(id, m.topic(), () -> router.publish(id, m, null), result);
    if (config.deliverOwnMessages()) {
      deliveries.deliver(id, m, self);
    }
  }

  /**
   * Runs {@code then} with the verdict on the scheduler: at once when the validator answered
   * synchronously, otherwise when its stage completes. A validator that fails counts as {@code
   * onError}.
   */
  private void whenValidated(CompletionStage<ValidationResult> stage,
      java.util.function.Consumer<ValidationResult> then, java.util.function.Consumer<Throwable> onError) {
    CompletableFuture<ValidationResult> f = stage.toCompletableFuture();
    if (f.isDone()) {
      ValidationResult r;
      try {
        r = f.join();
      } catch (RuntimeException e) {
        onError.accept(e.getCause() != null ? e.getCause() : e);
        return;
      }
      then.accept(r);
      return;
    }
    stage.whenComplete((r, err) -> scheduler.execute(() -> {
      if (err != null) {
        onError.accept(err);
      } else {
        then.accept(r);
      }
    }));
  }

  // ---- received RPCs ----

  /** Handles one RPC from {@code from}: subscriptions, then messages, then control. */
  void handleRpc(PeerId from, Rpc rpc) {
    if (!running() || !router.acceptFrom(from)) {
      return;
    }
    CorePeer state = peers.get(from);
    boolean topicsChanged = false;
    List<Rpc.SubOpts> subscriptions = rpc.subscriptions();
    for (int i = 0, n = subscriptions.size(); i < n; i++) {
      Rpc.SubOpts s = subscriptions.get(i);
      if (state == null) {
        break; // not (or no longer) a pubsub peer: nothing to clean its topics up later
      }
      boolean changed;
      if (s.subscribe()) {
        if (!state.topics.contains(s.topic()) && state.topics.size() >= MAX_TOPICS_PER_PEER) {
          if (!state.warnedTopics) {
            state.warnedTopics = true;
            RLOG.warn("peer {} announced more than {} topics; ignoring further subscriptions", from, MAX_TOPICS_PER_PEER);
          }
          continue;
        }
        state.topics.add(s.topic());
        changed = topicPeers.computeIfAbsent(s.topic(), t -> new LinkedHashSet<>()).add(from);
      } else {
        state.topics.remove(s.topic());
        Set<PeerId> set = topicPeers.get(s.topic());
        changed = set != null && set.remove(from);
        if (set != null && set.isEmpty()) {
          topicPeers.remove(s.topic());
        }
      }
      if (changed) {
        readyByTopic.clear();
        topicsChanged = true;
        router.onSubscription(from, s.topic(), s.subscribe());
      }
    }
    if (topicsChanged) {
      wire.topicsChanged();
    }
    List<PubSubMessage> published = rpc.publish();
    for (int i = 0, n = published.size(); i < n; i++) { // no iterator per RPC
      handleMessage(from, published.get(i));
    }
    if (!rpc.control().isEmpty()) {
      router.handleControl(from, rpc.control());
    }
  }

  private void handleMessage(PeerId from, PubSubMessage m) {
    if (!localTopics.contains(m.topic())) {
      // not ours: dropped without a per-topic counter, so remote peers cannot grow the counter map
      unsubscribedDrops.incrementAndGet();
      return;
    }
    TopicCounters c = counters(m.topic());
    c.received.incrementAndGet();
    MessageId id;
    try {
      id = config.messageIdFunction().apply(m);
    } catch (RuntimeException e) {
      c.dropped.incrementAndGet();
      LOG.debug("message id function failed on a message from {}: {}", from, e.toString());
      return;
    }
    if (m.size() > config.maxMessageSize()) {
      c.dropped.incrementAndGet();
      rejected(id, m, from, PeerScore.RejectReason.OVERSIZED,
          "message of " + m.size() + " bytes exceeds " + config.maxMessageSize());
      return;
    }
    Validator v = validators.get(m.topic());
    if (v != null && pendingValidations >= config.maxPendingValidations() && !seen.contains(id)) {
      // Checked before the id is marked seen: a drop for our own overload is no verdict on the
      // message, so a copy from another peer must still be validated once there is room (as
      // go-libp2p's validation throttle, which drops before marking seen).
      c.dropped.incrementAndGet();
      rejected(id, m, from, PeerScore.RejectReason.VALIDATION_QUEUE_FULL, "validation queue full");
      return;
    }
    boolean offload = verifier != null && config.signaturePolicy() == SignaturePolicy.STRICT_SIGN;
    if (offload && checks.size() + pendingValidations >= config.maxPendingValidations() && !seen.contains(id)) {
      // like the validation queue above: dropped before being marked seen, so a later copy is checked
      c.dropped.incrementAndGet();
      long drops = checkDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("signature checks fell behind: dropped a message from {} unchecked ({} so far)", from, drops);
      }
      rejected(id, m, from, PeerScore.RejectReason.VALIDATION_QUEUE_FULL, "signature check queue full");
      return;
    }
    if (!seen.add(id)) {
      PendingCheck pending = checking.get(id);
      if (pending != null) {
        // The first copy is still being checked: tell the router after it has heard of the first copy.
        pending.duplicateFrom(from);
      } else {
        router.onDuplicate(id, m, from);
      }
      return;
    }
    if (m.from() != null && Arrays.equals(m.from(), selfBytes)) {
      // our own messages are in the seen cache, so this one claims our name without being ours
      c.rejected.incrementAndGet();
      rejected(id, m, from, PeerScore.RejectReason.SELF_ORIGIN, "message claims to be ours");
      return;
    }
    if (!offload) {
      afterSignatureCheck(id, m, from,
          config.signaturePolicy() == SignaturePolicy.STRICT_SIGN
              ? MessageSigner.checkSigned(m)
              : MessageSigner.checkUnsigned(m));
      return;
    }
    PendingCheck pending = new PendingCheck(id, m, from);
    checks.add(pending);
    checking.put(id, pending);
    try {
      verifier.execute(() -> {
        pending.result = MessageSigner.checkSigned(m);
        if (checksDrainQueued.compareAndSet(false, true)) {
          scheduler.execute(this::drainChecks);
        }
      });
    } catch (RejectedExecutionException e) {
      // closing: the message is dropped with everything else
      checks.remove(pending);
      checking.remove(id);
    }
  }

  /**
   * Hands on checked messages in the order they arrived (checks finish in any order on the pool; a
   * message waits for the ones before it, so per-peer order is kept).
   */
  private void drainChecks() {
    checksDrainQueued.set(false);
    if (!running()) {
      return;
    }
    PendingCheck head;
    while ((head = checks.peek()) != null && head.result != null) {
      checks.poll();
      checking.remove(head.id);
      try {
        afterSignatureCheck(head.id, head.message, head.from, head.result);
        if (head.duplicates != null) {
          for (PeerId dup : head.duplicates) {
            router.onDuplicate(head.id, head.message, dup);
          }
        }
      } catch (RuntimeException e) {
        // our failure: this message is lost (logged), the ones checked behind it still go on
        RLOG.warn("handling checked message {} from {} failed", head.id, head.from, e);
      }
    }
  }

  /** A received message waiting for its signature check on the verifier. */
  private static final class PendingCheck {
    /** Duplicates remembered per pending message, at most; later ones are not reported. */
    private static final int MAX_DUPLICATES = 64;

    final MessageId id;
    final PubSubMessage message;
    final PeerId from;
    volatile Optional<String> result;
    List<PeerId> duplicates;

    PendingCheck(MessageId id, PubSubMessage message, PeerId from) {
      this.id = id;
      this.message = message;
      this.from = from;
    }

    void duplicateFrom(PeerId peer) {
      if (duplicates == null) {
        duplicates = new ArrayList<>(4);
      }
      if (duplicates.size() < MAX_DUPLICATES) {
        duplicates.add(peer);
      }
    }
  }

  /** The rest of {@link #handleMessage} once the signing policy has been checked. */
  private void afterSignatureCheck(MessageId id, PubSubMessage m, PeerId from, Optional<String> bad) {
    TopicCounters c = counters(m.topic());
    if (bad.isPresent()) {
      c.rejected.incrementAndGet();
      LOG.debug("rejecting message {} from {}: {}", id, from, bad.get());
      rejected(id, m, from,
          config.signaturePolicy() == SignaturePolicy.STRICT_SIGN
              ? PeerScore.RejectReason.INVALID_SIGNATURE
              : PeerScore.RejectReason.UNEXPECTED_AUTH_INFO,
          bad.get());
      return;
    }
    router.onFirstSeen(id, m, from);
    Validator v = validators.get(m.topic());
    if (v == null) {
      // no validator is an implicit ACCEPT: the router must hear it too (P2/P3 credit the deliverer)
      router.onValidated(id, m, from, ValidationResult.ACCEPT);
      accept(id, m, from);
      return;
    }
    pendingValidations++;
    whenValidated(v.validate(from, m), r -> {
      pendingValidations--;
      onVerdict(id, m, from, r);
    }, err -> {
      pendingValidations--;
      RLOG.warn("validator of {} failed: {}", m.topic(), err.toString());
      onVerdict(id, m, from, ValidationResult.IGNORE);
    });
  }

  private void onVerdict(MessageId id, PubSubMessage m, PeerId from, ValidationResult r) {
    if (!running()) {
      return;
    }
    TopicCounters c = counters(m.topic());
    router.onValidated(id, m, from, r);
    switch (r) {
      case ACCEPT -> accept(id, m, from);
      case REJECT -> {
        c.rejected.incrementAndGet();
        rejections.get(PeerScore.RejectReason.VALIDATION_FAILED).incrementAndGet();
      }
      case IGNORE -> {
        c.ignored.incrementAndGet();
        rejections.get(PeerScore.RejectReason.VALIDATION_IGNORED).incrementAndGet();
      }
    }
  }

  /** Counts a message refused before validation by reason, and tells the router (scoring). */
  private void rejected(MessageId id, PubSubMessage m, PeerId from, PeerScore.RejectReason reason, String why) {
    rejections.get(reason).incrementAndGet();
    router.onRejected(id, m, from, reason, why);
  }

  private void accept(MessageId id, PubSubMessage m, PeerId from) {
    counters(m.topic()).validated.incrementAndGet();
    router.publish(id, m, from);
    deliveries.deliver(id, m, from);
  }

  // ---- state for drivers and metrics ----

  boolean seen(MessageId id) {
    return seen.contains(id);
  }

  TopicCounters counters(String topic) {
    return counters.computeIfAbsent(topic, t -> new TopicCounters());
  }

  /** Counters per topic (any thread). */
  Map<String, TopicCounters.Snapshot> stats() {
    Map<String, TopicCounters.Snapshot> out = new java.util.HashMap<>();
    counters.forEach((t, c) -> out.put(t, c.snapshot()));
    return out;
  }

  /** Received messages not delivered, by reason; every reason present (any thread). */
  Map<PeerScore.RejectReason, Long> rejections() {
    Map<PeerScore.RejectReason, Long> out = new EnumMap<>(PeerScore.RejectReason.class);
    rejections.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  long unsubscribedDrops() {
    return unsubscribedDrops.get();
  }

  long checkDrops() {
    return checkDrops.get();
  }

  /** What the router sees of us. */
  private final class Context implements RouterContext {
    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public PeerId self() {
      return self;
    }

    @Override
    public Set<String> localTopics() {
      return Collections.unmodifiableSet(localTopics);
    }

    @Override
    public Set<PeerId> peersInTopic(String topic) {
      return readyPeersIn(topic);
    }

    @Override
    public Set<PeerId> peers() {
      Set<PeerId> out = new LinkedHashSet<>();
      peers.forEach((id, p) -> {
        if (p.ready) {
          out.add(id);
        }
      });
      return out;
    }

    @Override
    public String protocolOf(PeerId peer) {
      CorePeer p = peers.get(peer);
      return p == null ? null : p.protocol;
    }

    @Override
    public boolean isOutbound(PeerId peer) {
      CorePeer p = peers.get(peer);
      return p != null && p.outbound;
    }

    @Override
    public String ipOf(PeerId peer) {
      return wire.ipOf(peer);
    }

    @Override
    public boolean send(PeerId peer, Rpc rpc, Lane lane) {
      CorePeer p = peers.get(peer);
      if (p == null || !p.ready) {
        return false;
      }
      return wire.send(peer, rpc, lane);
    }

    @Override
    public boolean seen(MessageId id) {
      return seen.contains(id);
    }

    @Override
    public void connect(PeerId peer, byte[] signedPeerRecord) {
      wire.dial(peer, signedPeerRecord);
    }

    @Override
    public void disconnect(PeerId peer, String reason) {
      wire.disconnect(peer, reason);
    }
  }
}
