package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.ConnectionManager;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.time.Scheduler;
import io.serenity.p2p.time.ThreadScheduler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import io.serenity.p2p.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish/subscribe over a {@link Host} (libp2p pubsub spec): one long-lived outbound stream per
 * peer carrying uvarint-length-prefixed RPCs, subscriptions, a seen cache, signing policy, a
 * validation pipeline, bounded per-peer queues, and a pluggable {@link Router}.
 *
 * <pre>{@code
 * PubSub pubsub = PubSub.floodsub(host, PubSubConfig.defaults());
 * pubsub.start().join();
 * pubsub.subscribe("news", m -> System.out.println(new String(m.data(), UTF_8)));
 * pubsub.publish("news", "hello".getBytes(UTF_8)).join();
 * }</pre>
 *
 * <p>All state lives on one scheduler thread; Netty threads only decode and hand over. Local
 * subscribers run on a separate delivery thread, each behind a bounded queue, so a slow subscriber
 * loses messages (counted in {@link Subscription#dropped()}) instead of stalling the network.
 */
public final class PubSub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Host host;
  private final PubSubConfig config;
  private final Router router;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final RpcCodec.Limits limits = RpcCodec.Limits.defaults();
  private final SeenCache seen;
  private final ExecutorService delivery;
  private final Context context = new Context();

  // Router-thread state.
  private final Map<PeerId, PeerState> peers = new HashMap<>();
  private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
  private final Map<String, List<LocalSubscription>> subscriptions = new HashMap<>();
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();
  private int pendingValidations;
  private final AtomicLong seqno = new AtomicLong(new SecureRandom().nextLong() & Long.MAX_VALUE);
  private final MessageSigner.Author author;
  // StrictSign checks off the router thread: the pool (null when checks run inline), messages in the
  // order they arrived, each waiting for its check, and duplicates that arrived meanwhile.
  private final java.util.concurrent.ThreadPoolExecutor verifier;
  private final ArrayDeque<PendingCheck> checks = new ArrayDeque<>();
  private final Map<MessageId, PendingCheck> checking = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean checksDrainQueued =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicLong checkDrops = new AtomicLong();
  private volatile boolean started;
  private volatile boolean closed;
  private Host.Subscription hostListener;

  private final Map<String, TopicCounters> counters = new ConcurrentHashMap<>();
  private final AtomicLong queueDrops = new AtomicLong();
  private final AtomicLong queueDisconnects = new AtomicLong();
  private final AtomicLong streamReopens = new AtomicLong();
  /** Connection-manager tag: what a peer is worth to pubsub (mesh membership, shared topics, score). */
  static final String TAG = "pubsub";
  private static final Duration TAG_PERIOD = Duration.ofSeconds(5);
  private io.serenity.p2p.time.Scheduler.Cancellable tagging; // router thread
  private final Map<PeerScore.RejectReason, AtomicLong> rejections = new java.util.EnumMap<>(PeerScore.RejectReason.class);
  /** Router thread only: recent reopens per peer, for the backoff (entries leave with the peer's connection). */
  private final Map<PeerId, Integer> reopenCounts = new HashMap<>();
  private final AtomicLong unsubscribedDrops = new AtomicLong();

  /**
   * Topics one peer may announce; further subscriptions are ignored (logged once), so a peer cannot
   * grow our topic tables without bound. Ethereum nodes announce about a hundred.
   */
  static final int MAX_TOPICS_PER_PEER = 2048;

  private PubSub(Host host, PubSubConfig config, Router router, Scheduler scheduler, boolean ownsScheduler) {
    this.host = host;
    this.config = config.validate();
    for (PeerScore.RejectReason r : PeerScore.RejectReason.values()) {
      rejections.put(r, new AtomicLong());
    }
    int readBuffer = host.config().maxStreamReadBuffer();
    long framed = (long) config.maxRpcSize() + io.serenity.p2p.core.Varint.encodedLength(config.maxRpcSize());
    if (framed > readBuffer) {
      // Stream.readMessage refuses reads larger than the host's read buffer (and a full frame that
      // does not fit resets the stream): every read of a pubsub stream would fail, silently.
      throw new IllegalArgumentException(
          "maxRpcSize (" + config.maxRpcSize() + ") plus its length prefix exceeds the host's maxStreamReadBuffer ("
              + readBuffer + "): raise HostConfig.maxStreamReadBuffer above it");
    }
    this.router = router;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.seen = new SeenCache(scheduler.clock(), config.seenTtl(), config.seenCapacity());
    this.author =
        config.signaturePolicy() == SignaturePolicy.STRICT_SIGN ? new MessageSigner.Author(host.privateKey()) : null;
    if (config.signaturePolicy() == SignaturePolicy.STRICT_SIGN && config.verifyThreads() > 0) {
      String name = "pubsub-verify-" + host.peerId().toBase58().substring(0, 12);
      this.verifier =
          new java.util.concurrent.ThreadPoolExecutor(
              config.verifyThreads(),
              config.verifyThreads(),
              30,
              java.util.concurrent.TimeUnit.SECONDS,
              // Unbounded here, bounded by maxPendingValidations in handleMessage.
              new java.util.concurrent.LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      this.verifier.allowCoreThreadTimeOut(true);
    } else {
      this.verifier = null;
    }
    this.delivery =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pubsub-deliver-" + host.peerId().toBase58().substring(0, 12));
              t.setDaemon(true);
              return t;
            });
  }

  /** floodsub ({@code /floodsub/1.0.0}) on {@code host}. */
  public static PubSub floodsub(Host host, PubSubConfig config) {
    return create(host, config, new FloodSubRouter());
  }

  /**
   * gossipsub ({@code /meshsub/1.2.0}, falling back to 1.1, 1.0 and floodsub peers) on {@code host},
   * without peer scoring.
   */
  public static PubSub gossipsub(Host host, PubSubConfig config, GossipSubParams params) {
    return gossipsub(host, config, params, GossipSubOptions.defaults());
  }

  /** gossipsub with gossipsub v1.1 peer scoring acting on {@code thresholds}. */
  public static PubSub gossipsub(
      Host host, PubSubConfig config, GossipSubParams params, PeerScoreParams scoreParams,
      PeerScoreThresholds thresholds) {
    return gossipsub(host, config, params, GossipSubOptions.defaults().withScoring(scoreParams, thresholds));
  }

  /**
   * gossipsub with {@code options}: scoring, direct peers (whose addresses go into the host's peer
   * store, so the router can redial them) and peer exchange.
   */
  public static PubSub gossipsub(Host host, PubSubConfig config, GossipSubParams params, GossipSubOptions options) {
    for (io.serenity.p2p.core.PeerInfo p : options.directPeers()) {
      host.peerStore().addAddrs(p.id(), p.addrs());
    }
    return create(host, config, new GossipSubRouter(params.validate(), options.validate(), new java.util.Random()));
  }

  /** Pubsub with any router, on its own scheduler thread. */
  static PubSub create(Host host, PubSubConfig config, Router router) {
    ThreadScheduler s = Scheduler.singleThread("pubsub-" + host.peerId().toBase58().substring(0, 12));
    return new PubSub(host, config, router, s, true);
  }

  /** Pubsub on a caller-provided scheduler (tests, simulator). */
  static PubSub create(Host host, PubSubConfig config, Router router, Scheduler scheduler) {
    return new PubSub(host, config, router, scheduler, false);
  }

  /** The host this pubsub runs on. */
  public Host host() {
    return host;
  }

  /** Our PeerId. */
  public PeerId peerId() {
    return host.peerId();
  }

  /**
   * Registers the pubsub protocols on the host and opens a pubsub stream to every connected peer
   * (and to every peer that connects later).
   */
  public CompletableFuture<Void> start() {
    if (closed) {
      return CompletableFuture.failedFuture(new PubSubException("pubsub is closed"));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (started) {
            done.complete(null);
            return;
          }
          started = true;
          router.attach(context);
          for (String protocol : router.protocols()) {
            host.markLongLived(protocol); // quiet topics send nothing for hours
            host.setStreamHandler(protocol, this::onInboundStream);
          }
          hostListener = host.addListener(this::onHostEvent);
          host.connections().forEach(c -> openStream(c.remotePeer()));
          tagging = scheduler.scheduleAtFixedRate(TAG_PERIOD, TAG_PERIOD, this::tagPeers);
          done.complete(null);
        });
    return done;
  }

  /**
   * Subscribes to {@code topic}; {@code handler} runs on the delivery thread for every accepted
   * message. The first subscription to a topic joins it and tells every peer.
   */
  public Subscription subscribe(String topic, Consumer<ReceivedMessage> handler) {
    checkOpen();
    LocalSubscription s = new LocalSubscription(topic, handler, config.subscriberQueue());
    scheduler.execute(
        () -> {
          List<LocalSubscription> list = subscriptions.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
          list.add(s);
          if (list.size() == 1) {
            router.join(topic);
            announce(topic, true);
          }
        });
    return s;
  }

  /** Adds (or replaces) the validator of {@code topic}. */
  public void addValidator(String topic, Validator validator) {
    validators.put(topic, validator);
  }

  /** Removes the validator of {@code topic}. */
  public void removeValidator(String topic) {
    validators.remove(topic);
  }

  /**
   * Publishes {@code data} on {@code topic}. Completes with the message id once the message is queued
   * for every peer the router chose. Our own messages are never dropped for a full peer queue: a
   * copy that does not fit waits for room (queued forwards to that peer are dropped first to make
   * it), so a caller that awaits each publish, or bounds the publishes in flight, runs at the pace of
   * its peers. Fails when pubsub is not started or closed, the message is larger than {@link
   * PubSubConfig#maxMessageSize()}, the topic's validator rejects it, {@link
   * PubSubConfig#publishBacklogBytes()} of our messages already wait (refused at once, nothing
   * sent: retry later), or a copy still waited after {@link PubSubConfig#publishWait()} (the others
   * were sent; the exception names the peers). Having no peers is not an error. Under StrictSign
   * the message is signed on the calling thread before this returns.
   */
  public CompletableFuture<MessageId> publish(String topic, byte[] data) {
    if (closed) {
      return CompletableFuture.failedFuture(new PubSubException("pubsub is closed"));
    }
    if (!started) {
      return CompletableFuture.failedFuture(new PubSubException("pubsub is not started"));
    }
    if (data.length > config.maxMessageSize()) {
      return CompletableFuture.failedFuture(
          new PubSubException(
              "message of " + data.length + " bytes exceeds maxMessageSize " + config.maxMessageSize()));
    }
    CompletableFuture<MessageId> result = new CompletableFuture<>();
    byte[] copy = data.clone();
    // Signing runs here, on the caller's thread, not on the router thread: a signature costs tens of
    // microseconds, which the router thread would otherwise spend instead of moving messages.
    PubSubMessage m;
    try {
      m =
          author != null
              ? author.sign(topic, copy, seqno.incrementAndGet())
              : new PubSubMessage(null, copy, null, topic, null, null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new PubSubException("signing failed: " + e));
    }
    scheduler.execute(
        () -> {
          if (ownWaitingBytes + data.length > config.publishBacklogBytes()) {
            publishRefusals.incrementAndGet();
            result.completeExceptionally(new PubSubException(
                "publish refused: " + ownWaitingBytes + " bytes of our own messages already wait for slow peers"
                    + " (publishBacklogBytes " + config.publishBacklogBytes() + "); retry once earlier publishes"
                    + " have completed"));
            return;
          }
          MessageId id = config.messageIdFunction().apply(m);
          if (!seen.add(id)) {
            result.completeExceptionally(new PubSubException("duplicate message id " + id + " on " + topic));
            return;
          }
          Validator v = validators.get(topic);
          if (v == null) {
            publishAccepted(id, m, result);
            return;
          }
          v.validate(host.peerId(), m)
              .whenComplete(
                  (verdict, err) ->
                      scheduler.execute(
                          () -> {
                            if (err != null || verdict != ValidationResult.ACCEPT) {
                              result.completeExceptionally(
                                  new PubSubException(
                                      "own message on " + topic + " not accepted by its validator: "
                                          + (err != null ? err : verdict)));
                            } else {
                              publishAccepted(id, m, result);
                            }
                          }));
        });
    return result;
  }

  private void publishAccepted(MessageId id, PubSubMessage m, CompletableFuture<MessageId> result) {
    counters(m.topic()).published.incrementAndGet();
    Publication pub = new Publication(id, m.topic(), result);
    publishing = pub;
    try {
      router.publish(id, m, null);
    } finally {
      publishing = null;
    }
    if (config.deliverOwnMessages()) {
      deliverLocal(id, m, host.peerId());
    }
    if (pub.waiting == 0) {
      result.complete(id);
    } else {
      pub.deadline = scheduler.schedule(config.publishWait(), () -> publishWaitExpired(pub));
    }
  }

  // ---- our own publishes: never dropped for a full queue; they wait, bounded, and the caller sees it ----

  /** One of our publishes while some of its copies wait for room in peers' queues (router thread). */
  private static final class Publication {
    final MessageId id;
    final String topic;
    final CompletableFuture<MessageId> result;
    int waiting;
    Scheduler.Cancellable deadline;

    Publication(MessageId id, String topic, CompletableFuture<MessageId> result) {
      this.id = id;
      this.topic = topic;
      this.result = result;
    }
  }

  /** A copy of our publish waiting for room in one peer's queue. */
  private record Waiting(byte[] bytes, Publication pub) {}

  /** The publish the router is routing now, so that its publish-lane sends can wait (router thread). */
  private Publication publishing;
  /** Bytes of our publishes waiting in all peers' wait lists (router thread). */
  private long ownWaitingBytes;
  /** Peers with copies of our publishes waiting for room (router thread). */
  private final Set<PeerState> peersWithWaiting = new java.util.LinkedHashSet<>();
  private final AtomicLong publishRefusals = new AtomicLong();
  private final AtomicLong publishTimeouts = new AtomicLong();

  /**
   * Queues a copy of our own publish for {@code p}. When its queue has no room, forwards still
   * queued for it make room first (they are the ones to drop for a slow peer); when that is not
   * enough, the copy waits, in order behind earlier waiting copies, until writes free room.
   */
  private boolean enqueueOwn(PeerState p, Rpc rpc, Publication pub) {
    if (p.out == null) {
      return false;
    }
    byte[] bytes = encodeOnce(rpc);
    if (p.ownWaiting.isEmpty()) {
      makeRoomByDroppingForwards(p, bytes.length);
      if (fits(p, bytes.length)) {
        return enqueue(p, rpc, Lane.PUBLISH);
      }
    }
    p.ownWaiting.add(new Waiting(bytes, pub));
    peersWithWaiting.add(p);
    pub.waiting++;
    ownWaitingBytes += bytes.length;
    return true;
  }

  private boolean fits(PeerState p, int bytes) {
    return p.queuedBytes + bytes <= config.peerQueueBytes() && totalQueued + bytes <= totalQueueLimit();
  }

  /** Drops the newest queued forwards of {@code p} until {@code bytes} more fit its queue, or none are left. */
  private void makeRoomByDroppingForwards(PeerState p, int bytes) {
    ArrayDeque<byte[]> forwards = p.lanes[Lane.FORWARD.ordinal()];
    while (p.queuedBytes + bytes > config.peerQueueBytes() && !forwards.isEmpty()) {
      byte[] dropped = forwards.pollLast();
      p.queuedBytes -= dropped.length;
      totalQueued -= dropped.length;
      long drops = queueDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("queue to {} full: dropped a queued forward to make room for our own publish ({} drops so far)",
            p.id, drops);
      }
    }
  }

  /** Moves waiting copies of our publishes into the queues that now have room (after writes completed). */
  private void admitWaiting() {
    if (peersWithWaiting.isEmpty()) {
      return;
    }
    for (java.util.Iterator<PeerState> it = peersWithWaiting.iterator(); it.hasNext(); ) {
      PeerState p = it.next();
      while (!p.ownWaiting.isEmpty()) {
        Waiting w = p.ownWaiting.peek();
        makeRoomByDroppingForwards(p, w.bytes().length);
        if (!fits(p, w.bytes().length)) {
          break;
        }
        p.ownWaiting.poll();
        ownWaitingBytes -= w.bytes().length;
        p.lanes[Lane.PUBLISH.ordinal()].add(w.bytes());
        p.queuedBytes += w.bytes().length;
        totalQueued += w.bytes().length;
        waitingDone(w.pub());
      }
      if (p.ownWaiting.isEmpty()) {
        it.remove();
      }
      drain(p);
    }
  }

  /** One waiting copy of {@code pub} was queued or its peer left; completes the publish after the last. */
  private void waitingDone(Publication pub) {
    if (--pub.waiting == 0 && !pub.result.isDone()) {
      if (pub.deadline != null) {
        pub.deadline.cancel();
      }
      pub.result.complete(pub.id);
    }
  }

  /** Drops the copies of {@code p}'s waiting publishes (the peer left: not a loss, it is no recipient now). */
  private void releaseWaiting(PeerState p) {
    Waiting w;
    while ((w = p.ownWaiting.poll()) != null) {
      ownWaitingBytes -= w.bytes().length;
      waitingDone(w.pub());
    }
    peersWithWaiting.remove(p);
  }

  private void publishWaitExpired(Publication pub) {
    if (pub.result.isDone()) {
      return;
    }
    List<PeerId> missed = new ArrayList<>();
    for (java.util.Iterator<PeerState> it = peersWithWaiting.iterator(); it.hasNext(); ) {
      PeerState p = it.next();
      if (p.ownWaiting.removeIf(w -> {
        if (w.pub() != pub) {
          return false;
        }
        ownWaitingBytes -= w.bytes().length;
        return true;
      })) {
        missed.add(p.id);
      }
      if (p.ownWaiting.isEmpty()) {
        it.remove();
      }
    }
    pub.waiting = 0;
    long n = publishTimeouts.addAndGet(missed.size());
    RLOG.warn("our message {} on {} not sent to {} peer(s) whose queues stayed full for {} ms ({} so far)",
        pub.id, pub.topic, missed.size(), config.publishWait().toMillis(), n);
    pub.result.completeExceptionally(new PubSubException(
        "message " + pub.id + " on " + pub.topic + " was not sent to " + missed.size() + " peer(s) " + missed
            + ": their queues stayed full for " + config.publishWait().toMillis() + " ms (sent to the others)"));
  }

  /**
   * Publishes refused at once because {@link PubSubConfig#publishBacklogBytes()} of our own messages
   * already waited for slow peers.
   */
  public long publishRefusals() {
    return publishRefusals.get();
  }

  /** Copies of our publishes not sent to a peer whose queue stayed full for {@link PubSubConfig#publishWait()}. */
  public long publishTimeouts() {
    return publishTimeouts.get();
  }

  /** Peers with a pubsub stream that announced {@code topic} (a snapshot, from any thread). */
  public CompletableFuture<Set<PeerId>> peers(String topic) {
    CompletableFuture<Set<PeerId>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(Set.copyOf(topicPeers.getOrDefault(topic, Set.of()))));
    return r;
  }

  /**
   * Completes once at least {@code count} peers with a pubsub stream have announced {@code topic}
   * (for example, to wait for a mesh to be possible before publishing). Never fails by itself:
   * bound the wait with {@code orTimeout}.
   */
  public CompletableFuture<Void> whenPeers(String topic, int count) {
    CompletableFuture<Void> r = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          peerWaiters.add(new PeerWaiter(topic, count, r));
          checkPeerWaiters();
        });
    return r;
  }

  private record PeerWaiter(String topic, int count, CompletableFuture<Void> future) {}

  private final List<PeerWaiter> peerWaiters = new ArrayList<>();

  private void checkPeerWaiters() {
    peerWaiters.removeIf(
        w -> {
          if (w.future().isDone()) {
            return true;
          }
          if (context.peersInTopic(w.topic()).size() >= w.count()) {
            w.future().complete(null);
            return true;
          }
          return false;
        });
  }

  /**
   * Completes once our mesh in {@code topic} has at least {@code count} peers (gossipsub; floodsub
   * has no mesh and never completes it). Checked every 50 ms on the router thread; bound the wait
   * with {@code orTimeout}.
   */
  public CompletableFuture<Void> whenMesh(String topic, int count) {
    CompletableFuture<Void> r = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          if (router.meshPeers(topic).size() >= count) {
            r.complete(null);
            return;
          }
          Scheduler.Cancellable[] task = new Scheduler.Cancellable[1];
          task[0] =
              scheduler.scheduleAtFixedRate(
                  java.time.Duration.ofMillis(50),
                  java.time.Duration.ofMillis(50),
                  () -> {
                    if (r.isDone() || closed) {
                      task[0].cancel();
                    } else if (router.meshPeers(topic).size() >= count) {
                      r.complete(null);
                      task[0].cancel();
                    }
                  });
        });
    return r;
  }

  /** Our mesh peers in {@code topic} (empty for floodsub), a snapshot taken on the router thread. */
  public CompletableFuture<List<PeerId>> meshPeers(String topic) {
    CompletableFuture<List<PeerId>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(router.meshPeers(topic)));
    return r;
  }

  /**
   * The router's score of every pubsub peer (gossipsub v1.1 peer scoring; all 0 for floodsub and for
   * gossipsub without score parameters), a snapshot taken on the router thread.
   */
  public CompletableFuture<Map<PeerId, Double>> scores() {
    CompletableFuture<Map<PeerId, Double>> r = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          Map<PeerId, Double> out = new HashMap<>();
          for (PeerId p : peers.keySet()) {
            out.put(p, router.score(p));
          }
          r.complete(out);
        });
    return r;
  }

  /** The topics we are subscribed to, a snapshot taken on the router thread. */
  public CompletableFuture<Set<String>> topics() {
    CompletableFuture<Set<String>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(Set.copyOf(subscriptions.keySet())));
    return r;
  }

  /** Counters per topic, for metrics. */
  public Map<String, TopicCounters.Snapshot> stats() {
    Map<String, TopicCounters.Snapshot> out = new HashMap<>();
    counters.forEach((t, c) -> out.put(t, c.snapshot()));
    return out;
  }

  /** Messages received on topics we are not subscribed to (dropped, not counted per topic). */
  public long unsubscribedDrops() {
    return unsubscribedDrops.get();
  }

  /**
   * Received StrictSign messages dropped unchecked because {@link PubSubConfig#maxPendingValidations()}
   * messages were already waiting for a signature check or validation (also counted in the topic's
   * {@code dropped}).
   */
  public long checkDrops() {
    return checkDrops.get();
  }

  /** RPCs dropped because a peer's queue, or the queues of all peers together, were full. */
  public long queueDrops() {
    return queueDrops.get();
  }

  /** Peers disconnected because their control queue overflowed (they did not read). */
  public long queueDisconnects() {
    return queueDisconnects.get();
  }

  /** Leaves every topic, closes the pubsub streams and stops the scheduler. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          try {
            if (hostListener != null) {
              hostListener.cancel();
            }
            for (String protocol : router.protocols()) {
              host.removeStreamHandler(protocol);
            }
            router.detach();
            if (tagging != null) {
              tagging.cancel();
            }
            for (PeerState p : peers.values()) {
              for (Waiting w : p.ownWaiting) {
                w.pub().result.completeExceptionally(new PubSubException("pubsub closed before message "
                    + w.pub().id + " could be sent to every peer"));
              }
              host.connectionManager().untag(p.id, TAG);
              if (p.out != null) {
                p.out.closeWrite();
              }
            }
            peers.clear();
          } finally {
            done.complete(null);
          }
        });
    try {
      done.get(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("pubsub close did not finish cleanly: {}", e.toString());
    }
    delivery.shutdownNow();
    if (verifier != null) {
      verifier.shutdownNow();
    }
    if (ownsScheduler && scheduler instanceof ThreadScheduler t) {
      t.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new PubSubException("pubsub is closed");
    }
  }

  // ---- host side (Netty threads hand over to the scheduler) ----

  private void onHostEvent(HostEvent event) {
    if (event instanceof HostEvent.PeerConnected e) {
      scheduler.execute(() -> openStream(e.peer()));
    } else if (event instanceof HostEvent.PeerDisconnected e) {
      scheduler.execute(() -> {
        removePeer(e.peer(), "disconnected");
        reopenCounts.remove(e.peer());
      });
    }
  }

  private void openStream(PeerId peer) {
    openStream(peer, Set.of());
  }

  /**
   * Opens our pubsub stream to {@code peer}. {@code knownTopics} are the peer's subscriptions we
   * learned on its own stream before ours was lost and reopened: the peer does not announce them
   * again, so they carry over.
   */
  private void openStream(PeerId peer, Set<String> knownTopics) {
    if (closed || peers.containsKey(peer)) {
      return;
    }
    PeerState state = new PeerState(peer);
    peers.put(peer, state);
    for (String t : knownTopics) {
      state.topics.add(t);
      topicPeers.computeIfAbsent(t, x -> new HashSet<>()).add(peer);
    }
    host.newStream(peer, router.protocols().toArray(String[]::new))
        .whenComplete(
            (stream, err) ->
                scheduler.execute(
                    () -> {
                      if (peers.get(peer) != state) {
                        if (stream != null) {
                          stream.reset();
                        }
                        return;
                      }
                      if (err != null) {
                        LOG.debug("no pubsub stream to {}: {}", peer, err.toString());
                        removePeer(peer, "no pubsub stream"); // also forgets topics it announced meanwhile
                        return;
                      }
                      state.out = stream;
                      scheduler.execute(PubSub.this::checkPeerWaiters);
                      state.protocol = stream.protocol();
                      boolean outbound = stream.connection().isInitiator();
                      router.addPeer(peer, state.protocol, outbound);
                      state.outbound = outbound;
                      if (!subscriptions.isEmpty()) {
                        List<Rpc.SubOpts> subs = new ArrayList<>();
                        subscriptions.keySet().forEach(t -> subs.add(new Rpc.SubOpts(true, t)));
                        enqueue(state, new Rpc(subs, List.of(), Rpc.Control.EMPTY), Lane.CONTROL);
                      }
                      stream.closeFuture().whenComplete((v, e) -> scheduler.execute(() -> {
                        if (peers.get(peer) == state) {
                          removePeer(peer, "pubsub stream closed");
                          reopenIfConnected(peer, Set.copyOf(state.topics));
                        }
                      }));
                    }));
  }

  /**
   * Our pubsub stream to {@code peer} ended while the connection may still live (the peer reset it,
   * a muxer error on that stream alone): without a stream the peer leaves our meshes and gets none
   * of our messages, so open a new one, with a backoff of 1 s doubling to 64 s per peer.
   */
  private void reopenIfConnected(PeerId peer, Set<String> knownTopics) {
    if (closed || host.connection(peer).isEmpty()) {
      reopenCounts.remove(peer);
      return;
    }
    int n = reopenCounts.getOrDefault(peer, 0) + 1;
    Duration delay = Duration.ofSeconds(1L << Math.min(6, n - 1));
    // Checked again after the delay: a stream that ends because its connection is closing is not
    // reopened (and not logged), since by then the connection is gone.
    scheduler.schedule(delay, () -> {
      if (closed || peers.containsKey(peer) || host.connection(peer).isEmpty()) {
        return;
      }
      reopenCounts.put(peer, n);
      streamReopens.incrementAndGet();
      RLOG.info("pubsub stream to {} was lost while its connection lives; reopened after {} s (reopen {} for this peer)",
          peer, delay.toSeconds(), n);
      openStream(peer, knownTopics);
      if (!peerWaiters.isEmpty()) {
        checkPeerWaiters();
      }
    });
  }

  /**
   * Router thread, every few seconds: tells the connection manager what each pubsub peer is worth,
   * 20 per topic whose mesh it is in, 5 when it shares any of our topics, plus its score clamped
   * to [-100, 100], so trimming keeps mesh peers and drops idle or misbehaving ones first.
   */
  private void tagPeers() {
    if (closed) {
      return;
    }
    Map<PeerId, Integer> value = new HashMap<>();
    for (String t : subscriptions.keySet()) {
      for (PeerId p : router.meshPeers(t)) {
        value.merge(p, 20, Integer::sum);
      }
    }
    ConnectionManager cm = host.connectionManager();
    for (PeerState p : peers.values()) {
      int v = value.getOrDefault(p.id, 0);
      for (String t : p.topics) {
        if (subscriptions.containsKey(t)) {
          v += 5;
          break;
        }
      }
      v += (int) Math.max(-100, Math.min(100, router.score(p.id)));
      cm.tag(p.id, TAG, v);
    }
  }

  /** Pubsub streams reopened on live connections after they were lost ({@link #reopenIfConnected}). */
  public long streamReopens() {
    return streamReopens.get();
  }

  private void removePeer(PeerId peer, String why) {
    PeerState state = peers.remove(peer);
    if (state == null) {
      return;
    }
    LOG.debug("pubsub peer {} removed: {}", peer, why);
    for (String t : state.topics) {
      Set<PeerId> set = topicPeers.get(t);
      if (set != null) {
        set.remove(peer);
      }
    }
    if (state.out != null) {
      router.removePeer(peer);
      state.out.reset();
    }
    releaseWaiting(state);
    // what still waits in its lanes goes; batches in flight give their bytes back as they end
    long waiting = state.queuedBytes - state.inFlightBytes;
    for (ArrayDeque<byte[]> lane : state.lanes) {
      lane.clear();
    }
    state.queuedBytes -= waiting;
    totalQueued -= waiting;
  }

  private void onInboundStream(Stream stream) {
    readLoop(stream, new AtomicLong());
  }

  /**
   * Reads RPCs from one inbound stream and hands them to the router thread. Back-pressure: while
   * more than two maximum-size RPCs of this peer wait for the router thread, the next read starts
   * only once the router has handled the last one, so a fast peer fills its stream window (and the
   * muxer stops it) instead of our memory.
   */
  private void readLoop(Stream stream, AtomicLong queuedBytes) {
    stream
        .readMessage(config.maxRpcSize())
        .whenComplete(
            (bytes, err) -> {
              if (err != null) {
                // end of stream, reset, or an oversized frame (the stream was reset and the host logged it)
                return;
              }
              Rpc rpc;
              try {
                rpc = RpcCodec.decode(bytes, limits);
              } catch (PubSubException e) {
                RLOG.warn("peer {} sent a bad RPC on {}: {}; resetting the stream",
                    stream.remotePeer(), stream.protocol(), e.getMessage());
                stream.reset();
                return;
              }
              PeerId from = stream.remotePeer();
              int size = bytes.length;
              boolean pause = queuedBytes.addAndGet(size) > 2L * config.maxRpcSize();
              scheduler.execute(() -> {
                try {
                  handleRpc(from, rpc);
                } finally {
                  queuedBytes.addAndGet(-size);
                  if (pause) {
                    readLoop(stream, queuedBytes);
                  }
                }
              });
              if (!pause) {
                readLoop(stream, queuedBytes);
              }
            });
  }

  // ---- router thread ----

  private void handleRpc(PeerId from, Rpc rpc) {
    if (closed || !router.acceptFrom(from)) {
      return;
    }
    PeerState state = peers.get(from);
    for (Rpc.SubOpts s : rpc.subscriptions()) {
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
        changed = topicPeers.computeIfAbsent(s.topic(), t -> new HashSet<>()).add(from);
      } else {
        state.topics.remove(s.topic());
        Set<PeerId> set = topicPeers.get(s.topic());
        changed = set != null && set.remove(from);
        if (set != null && set.isEmpty()) {
          topicPeers.remove(s.topic());
        }
      }
      if (changed) {
        router.onSubscription(from, s.topic(), s.subscribe());
      }
    }
    if (!rpc.subscriptions().isEmpty() && !peerWaiters.isEmpty()) {
      checkPeerWaiters();
    }
    for (PubSubMessage m : rpc.publish()) {
      handleMessage(from, m);
    }
    if (!rpc.control().isEmpty()) {
      router.handleControl(from, rpc.control());
    }
  }

  private void handleMessage(PeerId from, PubSubMessage m) {
    if (!subscriptions.containsKey(m.topic())) {
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
    if (verifier != null && config.signaturePolicy() == SignaturePolicy.STRICT_SIGN
        && checks.size() + pendingValidations >= config.maxPendingValidations() && !seen.contains(id)) {
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
    if (m.from() != null && java.util.Arrays.equals(m.from(), host.peerId().toBytes())) {
      // our own messages are in the seen cache, so this one claims our name without being ours
      c.rejected.incrementAndGet();
      rejected(id, m, from, PeerScore.RejectReason.SELF_ORIGIN, "message claims to be ours");
      return;
    }
    if (verifier == null || config.signaturePolicy() != SignaturePolicy.STRICT_SIGN) {
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
      verifier.execute(
          () -> {
            pending.result = MessageSigner.checkSigned(m);
            if (checksDrainQueued.compareAndSet(false, true)) {
              scheduler.execute(this::drainChecks);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the message is dropped with everything else
      checks.remove(pending);
      checking.remove(id);
    }
  }

  /**
   * Router thread: hands on checked messages in the order they arrived (checks finish in any order
   * on the pool; a message waits for the ones before it, so per-peer order is kept).
   */
  private void drainChecks() {
    checksDrainQueued.set(false);
    if (closed) {
      return;
    }
    PendingCheck head;
    while ((head = checks.peek()) != null && head.result != null) {
      checks.poll();
      checking.remove(head.id);
      afterSignatureCheck(head.id, head.message, head.from, head.result);
      if (head.duplicates != null) {
        for (PeerId dup : head.duplicates) {
          router.onDuplicate(head.id, head.message, dup);
        }
      }
    }
  }

  /** A received message waiting for its signature check on the verifier pool. */
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
      accept(id, m, from);
      return;
    }
    pendingValidations++;
    v.validate(from, m)
        .whenComplete(
            (verdict, err) ->
                scheduler.execute(
                    () -> {
                      pendingValidations--;
                      ValidationResult r = err != null ? ValidationResult.IGNORE : verdict;
                      if (err != null) {
                        RLOG.warn("validator of {} failed: {}", m.topic(), err.toString());
                      }
                      onVerdict(id, m, from, r);
                    }));
  }

  private void onVerdict(MessageId id, PubSubMessage m, PeerId from, ValidationResult r) {
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

  /**
   * Received messages not delivered, by reason: refused before validation (signature, size,
   * self-origin, queue full) or by a validator (REJECT as {@code VALIDATION_FAILED}, IGNORE as
   * {@code VALIDATION_IGNORED}). Every reason is present, 0 when it never happened.
   */
  public Map<PeerScore.RejectReason, Long> rejections() {
    Map<PeerScore.RejectReason, Long> out = new java.util.EnumMap<>(PeerScore.RejectReason.class);
    rejections.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * Scores {@code topic} with {@code params} from now on (gossipsub with scoring; otherwise no
   * effect), e.g. for topics joined after start or at a fork boundary.
   */
  public void setTopicScoreParams(String topic, TopicScoreParams params) {
    params.validate();
    scheduler.execute(() -> {
      if (router instanceof GossipSubRouter g) {
        g.setTopicScoreParams(topic, params);
      }
    });
  }

  /** Peers disconnected because their score fell below the graylist threshold. */
  public long graylistDisconnects() {
    return router instanceof GossipSubRouter g ? g.graylistDisconnects() : 0;
  }

  private void accept(MessageId id, PubSubMessage m, PeerId from) {
    counters(m.topic()).validated.incrementAndGet();
    router.publish(id, m, from);
    deliverLocal(id, m, from);
  }

  private void deliverLocal(MessageId id, PubSubMessage m, PeerId from) {
    List<LocalSubscription> list = subscriptions.get(m.topic());
    if (list == null) {
      return;
    }
    ReceivedMessage rm = new ReceivedMessage(id, m, from);
    for (LocalSubscription s : list) {
      s.offer(rm);
    }
  }

  private void announce(String topic, boolean subscribe) {
    Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Rpc.Control.EMPTY);
    for (PeerState p : peers.values()) {
      if (p.out != null) {
        enqueue(p, rpc, Lane.CONTROL);
      }
    }
  }

  private TopicCounters counters(String topic) {
    return counters.computeIfAbsent(topic, t -> new TopicCounters());
  }

  // ---- per-peer outbound queue: bounded in bytes, control before our publishes before forwards ----

  // The router sends one Rpc object to several peers in a row (a forward to the mesh, an announcement
  // to everyone): encode it once. Router thread only; queued byte arrays are never modified.
  private Rpc lastEncoded;
  private byte[] lastEncodedBytes;

  private byte[] encodeOnce(Rpc rpc) {
    if (rpc != lastEncoded) {
      lastEncodedBytes = RpcCodec.encode(rpc);
      lastEncoded = rpc;
    }
    return lastEncodedBytes;
  }

  private boolean enqueue(PeerState p, Rpc rpc, Lane lane) {
    if (p.out == null) {
      return false;
    }
    byte[] bytes = encodeOnce(rpc);
    if (p.queuedBytes + bytes.length > config.peerQueueBytes()) {
      if (lane == Lane.CONTROL) {
        queueDisconnects.incrementAndGet();
        RLOG.warn("control queue to {} overflowed ({} bytes queued); disconnecting a peer that does not read",
            p.id, p.queuedBytes);
        context.disconnect(p.id, "control queue overflow");
        return false;
      }
      long drops = queueDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("queue to {} full ({} bytes): dropped an RPC ({} drops so far)", p.id, p.queuedBytes, drops);
      }
      return false;
    }
    if (lane != Lane.CONTROL && totalQueued + bytes.length > totalQueueLimit()) {
      // many peers that read slowly together: data RPCs wait for nobody beyond the node's bound
      long drops = queueDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("queues to all peers hold {} bytes (limit {}): dropped an RPC to {} ({} drops so far)",
            totalQueued, totalQueueLimit(), p.id, drops);
      }
      return false;
    }
    p.lanes[lane.ordinal()].add(bytes);
    p.queuedBytes += bytes.length;
    totalQueued += bytes.length;
    drain(p);
    return true;
  }

  /** Bytes queued for all peers together (router thread). */
  private long totalQueued;

  /**
   * Bytes queued for all peers together beyond which data RPCs are dropped (counted in {@link
   * #queueDrops()}): eight peers' {@link PubSubConfig#peerQueueBytes()} (128 MiB by default).
   * Control RPCs are only bound per peer.
   */
  public long totalQueueLimit() {
    return 8 * config.peerQueueBytes();
  }

  /** Most bytes of queued RPCs coalesced into one stream write. */
  private static final int MAX_BATCH_BYTES = 64 * 1024;

  /**
   * Most batches handed to a peer's stream and not yet accepted by it. A second write goes out only
   * when a full batch is waiting (large messages, or a backlog): the connection then stays busy while
   * the next batch forms, instead of idling during every hop back to this thread. Small RPCs still
   * wait for the write in flight and gather into one batch, which is what makes them cheap.
   */
  private static final int MAX_WRITES_IN_FLIGHT = 2;

  private void drain(PeerState p) {
    while (p.out != null
        && (p.writesInFlight == 0
            || (p.writesInFlight < MAX_WRITES_IN_FLIGHT && p.queuedBytes - p.inFlightBytes >= MAX_BATCH_BYTES))
        && writeBatch(p)) {
      // keep going: another batch may go out
    }
  }

  /** Forms one batch from the lanes and writes it; false when there was nothing to write. */
  private boolean writeBatch(PeerState p) {
    // Coalesce queued RPCs (each uvarint-length-prefixed) into one write, lanes in priority order:
    // one write and one hop back to this thread per batch instead of per RPC. Sized first, then
    // filled: one exact allocation and one copy of each RPC.
    int count = 0;
    int total = 0;
    int taken = 0;
    // The batch is a prefix of the lanes in priority order: it ends at the first RPC that does not fit.
    sizing:
    for (ArrayDeque<byte[]> lane : p.lanes) {
      for (byte[] next : lane) {
        int framed = io.serenity.p2p.core.Varint.encodedLength(next.length) + next.length;
        if (count > 0 && total + framed > MAX_BATCH_BYTES) {
          break sizing;
        }
        count++;
        total += framed;
        taken += next.length;
      }
    }
    if (count == 0) {
      return false;
    }
    byte[] batch = new byte[total];
    int at = 0;
    int left = count;
    for (ArrayDeque<byte[]> lane : p.lanes) {
      while (left > 0 && !lane.isEmpty()) {
        byte[] next = lane.poll();
        byte[] len = io.serenity.p2p.core.Varint.encode(next.length);
        System.arraycopy(len, 0, batch, at, len.length);
        at += len.length;
        System.arraycopy(next, 0, batch, at, next.length);
        at += next.length;
        left--;
      }
    }
    p.writesInFlight++;
    int size = taken;
    p.inFlightBytes += size;
    p.out
        .write(batch)
        .whenComplete(
            (v, err) ->
                scheduler.execute(
                    () -> {
                      p.writesInFlight--;
                      p.inFlightBytes -= size;
                      p.queuedBytes -= size;
                      totalQueued -= size;
                      if (err != null) {
                        if (peers.get(p.id) == p) {
                          removePeer(p.id, "write failed: " + err.getMessage());
                        }
                        return;
                      }
                      if (peers.get(p.id) == p) {
                        drain(p);
                      }
                      admitWaiting();
                    }));
    return true;
  }

  private static final class PeerState {
    final PeerId id;
    Stream out;
    String protocol;
    boolean outbound;
    final Set<String> topics = new HashSet<>();
    @SuppressWarnings({"unchecked", "rawtypes"})
    final ArrayDeque<byte[]>[] lanes = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>()};
    long queuedBytes;
    /** Copies of our publishes waiting for room in this queue, in publish order. */
    final ArrayDeque<Waiting> ownWaiting = new ArrayDeque<>();
    int writesInFlight;
    long inFlightBytes;
    boolean warnedTopics;

    PeerState(PeerId id) {
      this.id = id;
    }
  }

  private final class LocalSubscription implements Subscription {
    private final String topic;
    private final Consumer<ReceivedMessage> handler;
    private final ArrayBlockingQueue<ReceivedMessage> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean cancelled;

    LocalSubscription(String topic, Consumer<ReceivedMessage> handler, int capacity) {
      this.topic = topic;
      this.handler = handler;
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    void offer(ReceivedMessage m) {
      if (cancelled) {
        return;
      }
      if (!queue.offer(m)) {
        long n = dropped.incrementAndGet();
        counters(topic).subscriberDrops.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) {
          RLOG.warn("subscriber of {} is slower than its messages arrive: its queue of {} is full, dropped a message"
              + " ({} so far)", topic, queue.remainingCapacity() + queue.size(), n);
        }
        return;
      }
      // One delivery task drains whatever is queued: no task (and no wake-up) per message.
      if (draining.compareAndSet(false, true)) {
        try {
          delivery.execute(this::drainQueue);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          draining.set(false); // closed
        }
      }
    }

    /** Most messages handed to the handler per delivery task, so subscriptions sharing the thread take turns. */
    private static final int DRAIN_BATCH = 256;

    private void drainQueue() {
      ReceivedMessage next;
      for (int i = 0; i < DRAIN_BATCH && (next = queue.poll()) != null; i++) {
        if (cancelled) {
          queue.clear();
          break;
        }
        try {
          handler.accept(next);
        } catch (RuntimeException e) {
          RLOG.warn("subscriber of {} threw: {}", topic, e.toString());
        }
      }
      if (queue.isEmpty()) {
        draining.set(false);
        // A message offered after the last poll but before the flag cleared must not wait for the next offer.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
      }
      try {
        delivery.execute(this::drainQueue);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        draining.set(false); // closed
      }
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public long dropped() {
      return dropped.get();
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      if (closed) {
        return;
      }
      scheduler.execute(
          () -> {
            List<LocalSubscription> list = subscriptions.get(topic);
            if (list != null && list.remove(this) && list.isEmpty()) {
              subscriptions.remove(topic);
              router.leave(topic);
              announce(topic, false);
            }
          });
    }
  }

  /** What the router sees of us. */
  private final class Context implements RouterContext {
    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public PeerId self() {
      return host.peerId();
    }

    @Override
    public Set<String> localTopics() {
      return subscriptions.keySet();
    }

    @Override
    public Set<PeerId> peersInTopic(String topic) {
      Set<PeerId> set = topicPeers.get(topic);
      if (set == null) {
        return Set.of();
      }
      Set<PeerId> out = new HashSet<>();
      for (PeerId p : set) {
        PeerState s = peers.get(p);
        if (s != null && s.out != null) {
          out.add(p);
        }
      }
      return out;
    }

    @Override
    public Set<PeerId> peers() {
      Set<PeerId> out = new HashSet<>();
      peers.forEach((id, s) -> {
        if (s.out != null) {
          out.add(id);
        }
      });
      return out;
    }

    @Override
    public String protocolOf(PeerId peer) {
      PeerState s = peers.get(peer);
      return s == null ? null : s.protocol;
    }

    @Override
    public boolean isOutbound(PeerId peer) {
      PeerState s = peers.get(peer);
      return s != null && s.outbound;
    }

    @Override
    public String ipOf(PeerId peer) {
      return host.connection(peer)
          .map(c -> c.remoteAddr().components().isEmpty() ? null : c.remoteAddr().components().get(0).valueText())
          .orElse(null);
    }

    @Override
    public boolean send(PeerId peer, Rpc rpc, Lane lane) {
      PeerState s = peers.get(peer);
      if (s == null) {
        return false;
      }
      if (lane == Lane.PUBLISH && publishing != null) {
        return enqueueOwn(s, rpc, publishing);
      }
      return enqueue(s, rpc, lane);
    }

    @Override
    public boolean seen(MessageId id) {
      return seen.contains(id);
    }

    @Override
    public void connect(PeerId peer, byte[] signedPeerRecord) {
      if (!host.peerStore().addrs(peer).isEmpty()) {
        host.newStream(peer, router.protocols().toArray(String[]::new))
            .whenComplete((s, e) -> {
              if (s != null) {
                s.reset();
              }
            });
      }
    }

    @Override
    public void disconnect(PeerId peer, String reason) {
      RLOG.info("disconnecting {}: {}", peer, reason);
      host.disconnect(peer);
    }
  }
}
