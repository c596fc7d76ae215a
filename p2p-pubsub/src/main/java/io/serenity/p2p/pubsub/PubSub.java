package io.serenity.p2p.pubsub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.ConnectionManager;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.HostException;
import io.serenity.p2p.host.MessageReader;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.time.Scheduler;
import io.serenity.p2p.time.ThreadScheduler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import io.serenity.p2p.core.internal.RateLimitedLog;
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
  private final ExecutorService delivery;
  /** The I/O-free pipeline (peer and topic tables, seen cache, checks, validation, the router). */
  private final PubSubCore core;

  // Router-thread state.
  private final Map<PeerId, PeerState> peers = new HashMap<>();
  private final Map<String, List<LocalSubscription>> subscriptions = new HashMap<>();
  private final AtomicLong seqno = new AtomicLong(initialSeqno(java.time.Instant.now()));
  private final MessageSigner.Author author;
  // StrictSign checks off the router thread (null when checks run inline); the core orders the results.
  private final java.util.concurrent.ThreadPoolExecutor verifier;
  private volatile boolean started;
  private volatile boolean closed;
  private Host.Subscription hostListener;

  private final AtomicLong queueDrops = new AtomicLong();
  private final AtomicLong queueDisconnects = new AtomicLong();
  private final AtomicLong streamReopens = new AtomicLong();
  /** Connection-manager tag: what a peer is worth to pubsub (mesh membership, shared topics, score). */
  static final String TAG = "pubsub";
  private static final Duration TAG_PERIOD = Duration.ofSeconds(5);
  private io.serenity.p2p.time.Scheduler.Cancellable tagging; // router thread
  /** Router thread only: recent reopens per peer, for the backoff (entries leave with the peer's connection). */
  private final Map<PeerId, Integer> reopenCounts = new HashMap<>();

  /** Topics one peer may announce (see {@link PubSubCore#MAX_TOPICS_PER_PEER}). */
  static final int MAX_TOPICS_PER_PEER = PubSubCore.MAX_TOPICS_PER_PEER;

  private PubSub(Host host, PubSubConfig config, Router router, Scheduler scheduler, boolean ownsScheduler) {
    this.host = host;
    this.config = config.validate();
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
    this.core = new PubSubCore(host.peerId(), config, router, scheduler, verifier, new HostWire(), this::deliverLocal);
  }

  /**
   * floodsub ({@code /floodsub/1.0.0}) on {@code host}.
   *
   * @param host the host to run on
   * @param config the settings
   * @return the router, not yet started
   */
  public static PubSub floodsub(Host host, PubSubConfig config) {
    return create(host, config, new FloodSubRouter());
  }

  /**
   * gossipsub ({@code /meshsub/1.2.0}, falling back to 1.1, 1.0 and floodsub peers) on {@code host},
   * without peer scoring.
   *
   * @param host the host to run on
   * @param config the settings
   * @param params the gossipsub parameters
   * @return the router, not yet started
   */
  public static PubSub gossipsub(Host host, PubSubConfig config, GossipSubParams params) {
    return gossipsub(host, config, params, GossipSubOptions.defaults());
  }

  /**
   * gossipsub with gossipsub v1.1 peer scoring acting on {@code thresholds}.
   *
   * @param host the host to run on
   * @param config the settings
   * @param params the gossipsub parameters
   * @param scoreParams how peers are scored
   * @param thresholds what each score level costs a peer
   * @return the router, not yet started
   */
  public static PubSub gossipsub(
      Host host, PubSubConfig config, GossipSubParams params, PeerScoreParams scoreParams,
      PeerScoreThresholds thresholds) {
    return gossipsub(host, config, params, GossipSubOptions.defaults().withScoring(scoreParams, thresholds));
  }

  /**
   * gossipsub with {@code options}: scoring, direct peers (whose addresses go into the host's peer
   * store, so the router can redial them) and peer exchange.
   *
   * @param host the host to run on
   * @param config the settings
   * @param params the gossipsub parameters
   * @param options scoring, direct peers, peer exchange
   * @return the router, not yet started
   */
  public static PubSub gossipsub(Host host, PubSubConfig config, GossipSubParams params, GossipSubOptions options) {
    for (io.serenity.p2p.core.PeerInfo p : options.directPeers()) {
      host.peerStore().addAddrs(p.id(), p.addrs());
    }
    checkSeenCoversCache(config, params);
    return create(host, config, new GossipSubRouter(params.validate(), options.validate(), new java.util.Random()));
  }

  /** The seen cache must outlive the message cache, or gossip re-announces messages already forgotten as seen. */
  static void checkSeenCoversCache(PubSubConfig config, GossipSubParams params) {
    if (config.seenTtl().compareTo(params.messageCacheSpan()) < 0) {
      throw new IllegalArgumentException("seenTtl (" + config.seenTtl() + ") must cover the gossipsub message cache ("
          + params.historyLength() + " x " + params.heartbeatInterval()
          + "), or gossip would re-announce messages already forgotten as seen");
    }
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

  /** {@return the host this pubsub runs on} */
  public Host host() {
    return host;
  }

  /** {@return our PeerId} */
  public PeerId peerId() {
    return host.peerId();
  }

  /**
   * Registers the pubsub protocols on the host and opens a pubsub stream to every connected peer
   * (and to every peer that connects later).
   *
   * @return completes when the protocols are registered
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
          core.attach();
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
   *
   * @param topic the topic
   * @param handler called with each accepted message
   * @return the subscription; cancel it to leave
   */
  public Subscription subscribe(String topic, Consumer<ReceivedMessage> handler) {
    return subscribe(topic, handler, false);
  }

  /**
   * Subscribes to {@code topic} with a handler that runs on the router thread itself, in arrival
   * order, with no queue and no thread hop between pubsub and it. Every message of every topic waits
   * for it, so it must return at once: hand the message to a bounded queue of your own and count
   * what does not fit (as the {@code Server} does with its topic inboxes). {@link
   * Subscription#dropped()} stays 0; a handler that throws is logged and the message counts as
   * delivered.
   *
   * @param topic the topic
   * @param handler called with each accepted message, on the router thread
   * @return the subscription; cancel it to leave
   */
  public Subscription subscribeInline(String topic, Consumer<ReceivedMessage> handler) {
    return subscribe(topic, handler, true);
  }

  private Subscription subscribe(String topic, Consumer<ReceivedMessage> handler, boolean inline) {
    checkOpen();
    LocalSubscription s = new LocalSubscription(topic, handler, inline ? 0 : config.subscriberQueue());
    scheduler.execute(
        () -> {
          List<LocalSubscription> list = subscriptions.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
          list.add(s);
          if (list.size() == 1) {
            core.join(topic);
          }
        });
    return s;
  }

  /**
   * Adds (or replaces) the validator of {@code topic}.
   *
   * @param topic the topic
   * @param validator judges every message of it
   */
  public void addValidator(String topic, Validator validator) {
    core.addValidator(topic, validator);
  }

  /**
   * Removes the validator of {@code topic}.
   *
   * @param topic the topic
   */
  public void removeValidator(String topic) {
    core.removeValidator(topic);
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
   *
   * @param topic the topic
   * @param data the payload, copied before this returns (the caller may reuse the array)
   * @return completes with the message id
   */
  public CompletableFuture<MessageId> publish(String topic, byte[] data) {
    return publish(topic, data, true);
  }

  /**
   * Publishes {@code data} on {@code topic} as {@link #publish} does, without copying it first: the
   * caller hands the array over and must not change it afterwards. Queued copies, the message cache
   * (which answers peers' requests for a few heartbeats) and, with {@link
   * PubSubConfig#deliverOwnMessages()}, our own subscribers read it later, so a change would send
   * bytes that no longer match the message id or signature. For payloads built fresh for each
   * publish (an encoder's output, a line read from input) this saves a copy of every message.
   *
   * @param topic the topic
   * @param data the payload, owned by pubsub from now on
   * @return completes with the message id
   */
  public CompletableFuture<MessageId> publishWithoutCopy(String topic, byte[] data) {
    return publish(topic, data, false);
  }

  private CompletableFuture<MessageId> publish(String topic, byte[] data, boolean copyFirst) {
    java.util.Objects.requireNonNull(data, "data");
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
    byte[] copy = copyFirst ? data.clone() : data;
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
          core.publish(m, true, result);
        });
    return result;
  }

  /** Routes our accepted publish; its future completes once every copy is queued (see {@link #publish}). */
  private void routeOwn(MessageId id, String topic, Runnable route, CompletableFuture<MessageId> result) {
    routingId = id;
    routingTopic = topic;
    routingResult = result;
    Publication pub;
    try {
      route.run();
    } finally {
      pub = publishing; // made only if a copy had to wait
      publishing = null;
      routingId = null;
      routingTopic = null;
      routingResult = null;
    }
    if (pub == null || pub.waiting == 0) {
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
  private record Waiting(Outgoing out, Publication pub) {}

  /** The publish the router is routing now, so that its publish-lane sends can wait (router thread). */
  private Publication publishing;
  /** Our publish being routed (router thread; null otherwise): its record is made when a copy must wait. */
  private MessageId routingId;
  private String routingTopic;
  private CompletableFuture<MessageId> routingResult;
  /**
   * Bytes of our publishes waiting in all peers' wait lists. Written by the router thread only;
   * volatile because a write completion reads it to decide whether the router must look for room.
   */
  private volatile long ownWaitingBytes;
  /** Peers with copies of our publishes waiting for room (router thread). */
  private final Set<PeerState> peersWithWaiting = new java.util.LinkedHashSet<>();
  private final AtomicLong publishRefusals = new AtomicLong();
  private final AtomicLong publishTimeouts = new AtomicLong();

  /**
   * Queues a copy of our own publish for {@code p}. When its queue has no room, forwards still
   * queued for it make room first (they are the ones to drop for a slow peer); when that is not
   * enough, the copy waits, in order behind earlier waiting copies, until writes free room.
   */
  private boolean enqueueOwn(PeerState p, Rpc rpc) {
    if (p.out == null) {
      return false;
    }
    Outgoing out = outgoing(rpc);
    if (p.ownWaiting.isEmpty()) {
      makeRoomByDroppingForwards(p, out.length);
      if (fits(p, out.length)) {
        return enqueue(p, rpc, Lane.PUBLISH);
      }
    }
    boolean first = ownWaitingBytes == 0;
    Publication pub = publishing;
    if (pub == null) {
      publishing = pub = new Publication(routingId, routingTopic, routingResult);
    }
    p.ownWaiting.add(new Waiting(out, pub));
    peersWithWaiting.add(p);
    pub.waiting++;
    ownWaitingBytes += out.length;
    if (first) {
      // A write that completed after fits() was checked saw no waiting publish and did not call the
      // router back: look for room again once this publish is routed (the wait is visible now).
      scheduler.execute(this::admitWaiting);
    }
    return true;
  }

  private boolean fits(PeerState p, int bytes) {
    return p.queuedBytes() + bytes <= config.peerQueueBytes() && totalQueued() + bytes <= totalQueueLimit();
  }

  /** Drops the newest queued forwards of {@code p} until {@code bytes} more fit its queue, or none are left. */
  private void makeRoomByDroppingForwards(PeerState p, int bytes) {
    ArrayDeque<Outgoing> forwards = p.lanes[Lane.FORWARD.ordinal()];
    while (p.queuedBytes() + bytes > config.peerQueueBytes() && !forwards.isEmpty()) {
      Outgoing dropped = forwards.pollLast();
      p.laneBytes -= dropped.length;
      totalLaneBytes -= dropped.length;
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
        makeRoomByDroppingForwards(p, w.out().length);
        if (!fits(p, w.out().length)) {
          break;
        }
        p.ownWaiting.poll();
        ownWaitingBytes -= w.out().length;
        p.lanes[Lane.PUBLISH.ordinal()].add(w.out());
        p.laneBytes += w.out().length;
        totalLaneBytes += w.out().length;
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
      ownWaitingBytes -= w.out().length;
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
        ownWaitingBytes -= w.out().length;
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
   *
   * @return how many
   */
  public long publishRefusals() {
    return publishRefusals.get();
  }

  /**
   * Copies of our publishes not sent to a peer whose queue stayed full for {@link PubSubConfig#publishWait()}.
   *
   * @return how many
   */
  public long publishTimeouts() {
    return publishTimeouts.get();
  }

  /**
   * {@return peers with a pubsub stream that announced {@code topic} (a snapshot, from any thread)}
   *
   * @param topic the topic
   */
  public CompletableFuture<Set<PeerId>> peers(String topic) {
    CompletableFuture<Set<PeerId>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(core.peersIn(topic)));
    return r;
  }

  /**
   * Completes once at least {@code count} peers with a pubsub stream have announced {@code topic}
   * (for example, to wait for a mesh to be possible before publishing). Never fails by itself:
   * bound the wait with {@code orTimeout}.
   *
   * @param topic the topic
   * @param count how many peers to wait for
   * @return completes once that many have announced it
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
          if (core.readyPeersIn(w.topic()).size() >= w.count()) {
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
   *
   * @param topic the topic
   * @param count how many mesh peers to wait for
   * @return completes once the mesh has that many
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

  /**
   * {@return our mesh peers in {@code topic} (empty for floodsub), a snapshot taken on the router thread}
   *
   * @param topic the topic
   */
  public CompletableFuture<List<PeerId>> meshPeers(String topic) {
    CompletableFuture<List<PeerId>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(router.meshPeers(topic)));
    return r;
  }

  /**
   * The router's score of every pubsub peer (gossipsub v1.1 peer scoring; all 0 for floodsub and for
   * gossipsub without score parameters), a snapshot taken on the router thread.
   *
   * @return completes with the scores
   */
  public CompletableFuture<Map<PeerId, Double>> scores() {
    CompletableFuture<Map<PeerId, Double>> r = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          Map<PeerId, Double> out = new HashMap<>();
          for (PeerId p : core.peerIds()) {
            out.put(p, router.score(p));
          }
          r.complete(out);
        });
    return r;
  }

  /** {@return the topics we are subscribed to, a snapshot taken on the router thread} */
  public CompletableFuture<Set<String>> topics() {
    CompletableFuture<Set<String>> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(Set.copyOf(subscriptions.keySet())));
    return r;
  }

  /** {@return counters per topic, for metrics} */
  public Map<String, TopicCounters.Snapshot> stats() {
    return core.stats();
  }

  /** {@return messages received on topics we are not subscribed to (dropped, not counted per topic)} */
  public long unsubscribedDrops() {
    return core.unsubscribedDrops();
  }

  /**
   * Received StrictSign messages dropped unchecked because {@link PubSubConfig#maxPendingValidations()}
   * messages were already waiting for a signature check or validation (also counted in the topic's
   * {@code dropped}).
   *
   * @return how many
   */
  public long checkDrops() {
    return core.checkDrops();
  }

  /**
   * RPCs dropped because a peer's queue, or the queues of all peers together, were full.
   *
   * @return how many
   */
  public long queueDrops() {
    return queueDrops.get();
  }

  /** {@return peers disconnected because their control queue overflowed (they did not read)} */
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
            core.detach();
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

  /**
   * The first sequence number of our signed messages (each publish takes the next): the Unix time in
   * nanoseconds, as go-libp2p does. Counting up from there keeps numbers unique across restarts, and
   * the top byte is never zero before 2262: js-libp2p's floodsub turns a received seqno into an integer
   * and back into minimal big-endian bytes before it checks the signature, so a seqno with a leading
   * zero byte fails verification there. (A random start did that in 1 run of 128, and js then dropped
   * every message of the run.)
   *
   * @param now the current time
   * @return the first sequence number
   */
  static long initialSeqno(java.time.Instant now) {
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }

  private void checkOpen() {
    if (closed) {
      throw new PubSubException("pubsub is closed");
    }
  }

  // ---- host side (Netty threads hand over to the scheduler) ----

  private void onHostEvent(HostEvent event) {
    if (closed) {
      // an event dispatched while close() ran: the scheduler may be gone, and the peer with it
      return;
    }
    try {
      handOver(event);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  private void handOver(HostEvent event) {
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
    core.addPeer(peer, knownTopics);
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
                      core.peerReady(peer, stream.protocol(), stream.connection().isInitiator());
                      stream.closeFuture().whenComplete((v, e) -> scheduler.execute(() -> {
                        if (peers.get(peer) == state) {
                          reopenIfConnected(peer, removePeer(peer, "pubsub stream closed"));
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
      for (String t : core.topicsOf(p.id)) {
        if (subscriptions.containsKey(t)) {
          v += 5;
          break;
        }
      }
      v += (int) Math.max(-100, Math.min(100, router.score(p.id)));
      cm.tag(p.id, TAG, v);
    }
  }

  /**
   * Pubsub streams reopened on live connections after they were lost ({@link #reopenIfConnected}).
   *
   * @return how many
   */
  public long streamReopens() {
    return streamReopens.get();
  }

  /**
   * Messages the gossipsub message cache forgot before their time because it held {@link
   * GossipSubOptions#messageCacheBytes()} of payloads (IWANT for them goes unanswered).
   *
   * @return how many
   */
  public long messageCacheEvictedEarly() {
    return router.messageCacheEvictedEarly();
  }

  /** Forgets {@code peer}'s stream and queue; returns the topics it had announced. */
  private Set<String> removePeer(PeerId peer, String why) {
    PeerState state = peers.remove(peer);
    Set<String> topics = core.removePeer(peer);
    if (state == null) {
      return topics == null ? Set.of() : topics;
    }
    LOG.debug("pubsub peer {} removed: {}", peer, why);
    if (state.out != null) {
      state.out.reset();
    }
    releaseWaiting(state);
    // what still waits in its lanes goes; batches in flight give their bytes back as they end
    for (ArrayDeque<Outgoing> lane : state.lanes) {
      lane.clear();
    }
    totalLaneBytes -= state.laneBytes;
    state.laneBytes = 0;
    checkFlushed();
    return topics == null ? Set.of() : topics;
  }

  /** The most RPCs one inbound stream's inbox held at once (for tests). */
  private final AtomicInteger inboxHighWater = new AtomicInteger();

  int inboxHighWater() {
    return inboxHighWater.get();
  }

  /** Most RPCs one drain task of an inbound stream handles before it lets other tasks run. */
  private static final int INBOX_BATCH = 64;
  /** Most RPCs of one inbound stream that wait for the router thread before reading pauses. */
  static final int MAX_INBOX_RPCS = 4096;

  private void onInboundStream(Stream stream) {
    stream.readMessages(config.maxRpcSize(), new RpcReader(stream.remotePeer()));
  }

  /**
   * Reads RPCs from one inbound stream, decoding each in place on the event loop, and hands them to
   * the router thread through an inbox: one router task drains every RPC that arrived before it runs
   * (at most {@value #INBOX_BATCH} per task, so other peers take turns), instead of a task per RPC.
   * Back-pressure: while more than two maximum-size RPCs of this peer, or {@value #MAX_INBOX_RPCS}
   * RPCs, wait for the router thread, reading pauses until the router has handled enough of them, so a
   * fast peer fills its stream window (and the muxer stops it) instead of our memory.
   */
  private final class RpcReader implements MessageReader, Runnable {
    private final PeerId from;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Decoded RPCs waiting for the router, guarded by itself, with their sizes in {@link #sizes}. */
    private final ArrayDeque<Rpc> inbox = new ArrayDeque<>();
    /** The sizes of the RPCs in the inbox, a ring in the same order (guarded by inbox). */
    private int[] sizes = new int[16];
    private int sizesHead;
    /** A drain task is queued or running (guarded by inbox). */
    private boolean draining;
    /** Reading is paused (or about to be) until the router catches up. */
    private final java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Stream stream;

    RpcReader(PeerId from) {
      this.from = from;
    }

    @Override
    public boolean onMessage(Stream stream, ByteBuffer frame) {
      this.stream = stream;
      int size = frame.remaining();
      Rpc rpc = RpcCodec.decode(frame, limits); // a bad RPC throws: the stream is reset, onClose says why
      boolean pause = queuedBytes.addAndGet(size) > 2L * config.maxRpcSize();
      boolean schedule;
      synchronized (inbox) {
        int n = inbox.size();
        // bytes bound what large RPCs hold, the count what a flood of tiny ones holds
        pause |= n + 1 >= MAX_INBOX_RPCS;
        if (pause) {
          paused.set(true); // before the RPC is visible to the router: the drain that takes it sees the pause
        }
        if (n == sizes.length) {
          int[] grown = new int[n * 2];
          for (int i = 0; i < n; i++) {
            grown[i] = sizes[(sizesHead + i) & (n - 1)];
          }
          sizes = grown;
          sizesHead = 0;
        }
        sizes[(sizesHead + n) & (sizes.length - 1)] = size;
        inbox.add(rpc);
        if (n + 1 > inboxHighWater.get()) {
          inboxHighWater.accumulateAndGet(n + 1, Math::max);
        }
        schedule = !draining;
        draining = true;
      }
      if (schedule) {
        scheduler.execute(this);
      }
      return !pause;
    }

    /** The drain, on the router thread. */
    @Override
    public void run() {
      for (int handled = 0; ; handled++) {
        Rpc rpc;
        int size;
        int left;
        synchronized (inbox) {
          if (inbox.isEmpty()) {
            draining = false;
            return;
          }
          if (handled == INBOX_BATCH) {
            break; // still draining: queued again below, behind what else waits for this thread
          }
          rpc = inbox.poll();
          size = sizes[sizesHead];
          sizesHead = (sizesHead + 1) & (sizes.length - 1);
          left = inbox.size();
        }
        try {
          handleRpc(from, rpc);
        } catch (RuntimeException e) {
          // our failure, not the peer's: this RPC is lost (counted in the log), the inbox goes on
          RLOG.warn("handling an RPC from {} failed", from, e);
        } finally {
          long bytes = queuedBytes.addAndGet(-size);
          if (bytes <= 2L * config.maxRpcSize() && left < MAX_INBOX_RPCS / 2 && paused.get()
              && paused.compareAndSet(true, false)) {
            stream.resumeMessages();
          }
        }
      }
      scheduler.execute(this);
    }

    @Override
    public void onClose(Stream stream, Throwable cause) {
      if (cause instanceof PubSubException e) {
        RLOG.warn("peer {} sent a bad RPC on {}: {}; the stream was reset", from, stream.protocol(),
            e.getMessage());
      } else if (!(cause instanceof HostException)) {
        // not the end or a reset of the stream (the host logged those) but a failure of ours: say so
        RLOG.warn("reading RPCs from {} on {} failed; the stream was reset", from, stream.protocol(), cause);
      }
    }
  }

  // ---- router thread ----

  private void handleRpc(PeerId from, Rpc rpc) {
    if (!closed) {
      core.handleRpc(from, rpc);
    }
  }

  /**
   * Received messages not delivered, by reason: refused before validation (signature, size,
   * self-origin, queue full) or by a validator (REJECT as {@code VALIDATION_FAILED}, IGNORE as
   * {@code VALIDATION_IGNORED}). Every reason is present, 0 when it never happened.
   *
   * @return the counts by reason
   */
  public Map<PeerScore.RejectReason, Long> rejections() {
    return core.rejections();
  }

  /**
   * Scores {@code topic} with {@code params} from now on (gossipsub with scoring; otherwise no
   * effect), e.g. for topics joined after start or at a fork boundary.
   *
   * @param topic the topic
   * @param params its parameters
   */
  public void setTopicScoreParams(String topic, TopicScoreParams params) {
    java.util.Objects.requireNonNull(params, "params");
    scheduler.execute(() -> {
      if (router instanceof GossipSubRouter g) {
        g.setTopicScoreParams(topic, params);
      }
    });
  }

  /** {@return peers disconnected because their score fell below the graylist threshold} */
  public long graylistDisconnects() {
    return router instanceof GossipSubRouter g ? g.graylistDisconnects() : 0;
  }

  private void deliverLocal(MessageId id, PubSubMessage m, PeerId from) {
    List<LocalSubscription> list = subscriptions.get(m.topic());
    if (list == null) {
      return;
    }
    ReceivedMessage rm = new ReceivedMessage(id, m, from);
    // by index, no iterator per message: the list changes only in tasks of this thread, never during this loop
    for (int i = 0, n = list.size(); i < n; i++) {
      list.get(i).offer(rm);
    }
  }

  private TopicCounters counters(String topic) {
    return core.counters(topic);
  }

  // ---- per-peer outbound queue: bounded in bytes, control before our publishes before forwards ----

  // The router sends one Rpc object to several peers in a row (a forward to the mesh, an announcement
  // to everyone): size it once, and queue the same Outgoing for each. Router thread only.
  private Rpc lastQueued;
  private Outgoing lastOutgoing;

  private Outgoing outgoing(Rpc rpc) {
    if (rpc != lastQueued) {
      lastOutgoing = new Outgoing(rpc);
      lastQueued = rpc;
    }
    return lastOutgoing;
  }

  /**
   * An RPC queued for one or more peers: its encoded length, computed once, and the RPC itself, which
   * {@link #writeBatch} encodes straight into each peer's batch buffer. No encoded array per RPC:
   * that array was as large as the payloads it carried and garbage as soon as the last peer's batch
   * had copied it (a seventh of the heap allocated per forwarded 1 KiB message).
   */
  static final class Outgoing {
    final Rpc rpc;
    final int length;

    Outgoing(Rpc rpc) {
      this.rpc = rpc;
      this.length = RpcCodec.size(rpc);
    }
  }

  private boolean enqueue(PeerState p, Rpc rpc, Lane lane) {
    if (p.out == null) {
      return false;
    }
    Outgoing out = outgoing(rpc);
    if (p.queuedBytes() + out.length > config.peerQueueBytes()) {
      if (lane == Lane.CONTROL) {
        queueDisconnects.incrementAndGet();
        RLOG.warn("control queue to {} overflowed ({} bytes queued); disconnecting a peer that does not read",
            p.id, p.queuedBytes());
        disconnectPeer(p.id, "control queue overflow");
        return false;
      }
      long drops = queueDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("queue to {} full ({} bytes): dropped an RPC ({} drops so far)", p.id, p.queuedBytes(), drops);
      }
      return false;
    }
    if (lane != Lane.CONTROL && totalQueued() + out.length > totalQueueLimit()) {
      // many peers that read slowly together: data RPCs wait for nobody beyond the node's bound
      long drops = queueDrops.incrementAndGet();
      if (drops == 1 || Long.bitCount(drops) == 1) {
        RLOG.warn("queues to all peers hold {} bytes (limit {}): dropped an RPC to {} ({} drops so far)",
            totalQueued(), totalQueueLimit(), p.id, drops);
      }
      return false;
    }
    p.lanes[lane.ordinal()].add(out);
    p.laneBytes += out.length;
    totalLaneBytes += out.length;
    drain(p);
    return true;
  }

  /** Bytes in all peers' lanes, not yet handed to a stream (router thread). */
  private long totalLaneBytes;
  /** Bytes handed to peers' streams and not yet written; decreased by the write completions. */
  private final AtomicLong totalInFlight = new AtomicLong();
  /**
   * Whether callers of {@link #whenFlushed()} wait: a write completion then calls the router back.
   * Written by the router thread only.
   */
  private volatile boolean flushWanted;

  /** Bytes queued for all peers together: waiting in lanes, or written and not yet completed. */
  private long totalQueued() {
    return totalLaneBytes + totalInFlight.get();
  }
  /** Callers of {@link #whenFlushed()} waiting for every queue to empty; router thread only. */
  private final List<CompletableFuture<Void>> flushWaiters = new ArrayList<>();

  /**
   * Completes once nothing is queued for any peer: every RPC queued so far (our own publishes
   * waiting for room included) was written to its peer's stream, or dropped with its peer. For a
   * clean exit after publishing. Never fails by itself: bound it with {@code orTimeout}.
   *
   * @return completes when every peer's queue is empty
   */
  public CompletableFuture<Void> whenFlushed() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    scheduler.execute(() -> {
      flushWaiters.add(f);
      flushWanted = true;
      checkFlushed();
    });
    return f;
  }

  /** Completes the flush waiters when every queue is empty. Router thread. */
  private void checkFlushed() {
    if (flushWaiters.isEmpty() || totalQueued() > 0) {
      return;
    }
    for (PeerState p : peers.values()) {
      if (!p.ownWaiting.isEmpty() || p.writesInFlight.get() > 0) {
        return;
      }
    }
    List<CompletableFuture<Void>> done = new ArrayList<>(flushWaiters);
    flushWaiters.clear();
    flushWanted = false;
    done.forEach(f -> f.complete(null));
  }

  /**
   * Bytes queued for all peers together beyond which data RPCs are dropped (counted in {@link
   * #queueDrops()}): eight peers' {@link PubSubConfig#peerQueueBytes()} (128 MiB by default).
   * Control RPCs are only bound per peer.
   *
   * @return the limit in bytes
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
        && (p.writesInFlight.get() == 0
            || (p.writesInFlight.get() < MAX_WRITES_IN_FLIGHT && p.laneBytes >= MAX_BATCH_BYTES))
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
    for (ArrayDeque<Outgoing> lane : p.lanes) {
      for (Outgoing next : lane) {
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
    // a pooled heap buffer the stream takes over and releases: no batch array on the heap and no
    // second copy into the muxer's buffer (Noise seals straight from its array)
    ByteBuf batch = PooledByteBufAllocator.DEFAULT.heapBuffer(total, total);
    int left = count;
    for (ArrayDeque<Outgoing> lane : p.lanes) {
      while (left > 0 && !lane.isEmpty()) {
        Outgoing next = lane.poll();
        writeVarint(batch, next.length);
        RpcCodec.encodeInto(next.rpc, next.length, batch.array(), batch.arrayOffset() + batch.writerIndex());
        batch.writerIndex(batch.writerIndex() + next.length);
        left--;
      }
    }
    int size = taken;
    p.laneBytes -= size;
    totalLaneBytes -= size;
    p.inFlightBytes.addAndGet(size);
    totalInFlight.addAndGet(size);
    p.writesInFlight.incrementAndGet();
    p.out.write(batch).whenComplete((v, err) -> writeCompleted(p, size, err));
    return true;
  }

  /** An unsigned LEB128 length prefix, written in place (no array per RPC per batch). */
  private static void writeVarint(ByteBuf out, int v) {
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  /**
   * A batch was written (or failed), on whichever thread completed the write. The bytes are given
   * back here; the router thread is called back only when it has something to do: more in this
   * peer's lanes, our publishes waiting for room, flush waiters, or a failure. Most completions of a
   * lightly loaded node need none of these, and skipping the hand-over saves a queue insertion and
   * often a thread wake-up per batch. Each side writes its own flag before reading the other's
   * (the router: lane bytes, waiting bytes or flushWanted, then the in-flight counters; this
   * method: the counters, then those flags), so at least one of them sees the other's change and
   * no queued RPC or waiting publish is left without a write to take it.
   */
  private void writeCompleted(PeerState p, int size, Throwable err) {
    p.inFlightBytes.addAndGet(-size);
    totalInFlight.addAndGet(-size);
    p.writesInFlight.decrementAndGet();
    if (err == null && p.laneBytes == 0 && ownWaitingBytes == 0 && !flushWanted) {
      return;
    }
    try {
      scheduler.execute(() -> afterWrite(p, err));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  /** Router thread: what a completed write left to do ({@link #writeCompleted}). */
  private void afterWrite(PeerState p, Throwable err) {
    boolean current = peers.get(p.id) == p;
    if (err != null) {
      if (current) {
        removePeer(p.id, "write failed: " + err.getMessage());
      }
      checkFlushed();
      return;
    }
    if (current) {
      drain(p);
    }
    checkFlushed();
    admitWaiting();
  }

  private static final class PeerState {
    final PeerId id;
    Stream out;
    @SuppressWarnings({"unchecked", "rawtypes"})
    final ArrayDeque<Outgoing>[] lanes = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>()};
    /**
     * Bytes in the lanes, not yet handed to the stream. Written by the router thread only; volatile
     * because write completions read it (see {@link #writeCompleted}).
     */
    volatile long laneBytes;
    /** Copies of our publishes waiting for room in this queue, in publish order. */
    final ArrayDeque<Waiting> ownWaiting = new ArrayDeque<>();
    /** Batches handed to the stream and not yet completed. */
    final AtomicInteger writesInFlight = new AtomicInteger();
    /** Bytes of those batches. */
    final AtomicLong inFlightBytes = new AtomicLong();

    /** Bytes queued for this peer: in the lanes, or written and not yet completed. */
    long queuedBytes() {
      return laneBytes + inFlightBytes.get();
    }

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

    /** @param capacity its queue's; 0 runs the handler inline, on the router thread */
    LocalSubscription(String topic, Consumer<ReceivedMessage> handler, int capacity) {
      this.topic = topic;
      this.handler = handler;
      this.queue = capacity == 0 ? null : new ArrayBlockingQueue<>(capacity);
    }

    void offer(ReceivedMessage m) {
      if (cancelled) {
        return;
      }
      if (queue == null) {
        try {
          handler.accept(m);
        } catch (RuntimeException e) {
          RLOG.warn("subscriber of {} threw: {}", topic, e.toString());
        }
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
              core.leave(topic);
            }
          });
    }
  }

  private void disconnectPeer(PeerId peer, String reason) {
    RLOG.info("disconnecting {}: {}", peer, reason);
    host.disconnect(peer);
  }

  /** The core's port to the host: per-peer queues, our publishes' back-pressure, the connections. */
  private final class HostWire implements PubSubCore.Wire {
    @Override
    public boolean send(PeerId peer, Rpc rpc, Lane lane) {
      PeerState s = peers.get(peer);
      if (s == null) {
        return false;
      }
      if (lane == Lane.PUBLISH && routingId != null) {
        return enqueueOwn(s, rpc);
      }
      return enqueue(s, rpc, lane);
    }

    @Override
    public void routeOwn(MessageId id, String topic, Runnable route, CompletableFuture<MessageId> result) {
      PubSub.this.routeOwn(id, topic, route, result);
    }

    @Override
    public String ipOf(PeerId peer) {
      return host.connection(peer)
          .map(c -> c.remoteAddr().components().isEmpty() ? null : c.remoteAddr().components().get(0).valueText())
          .orElse(null);
    }

    @Override
    public void dial(PeerId peer, byte[] signedPeerRecord) {
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
      disconnectPeer(peer, reason);
    }

    @Override
    public void topicsChanged() {
      if (!peerWaiters.isEmpty()) {
        checkPeerWaiters();
      }
    }
  }
}
