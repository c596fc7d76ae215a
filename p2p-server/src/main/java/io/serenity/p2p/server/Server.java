package io.serenity.p2p.server;

import io.netty.channel.EventLoopGroup;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.event.Feed;
import io.serenity.p2p.event.Subscription;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.mdns.Mdns;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.StaticPeers;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.ReceivedMessage;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A p2p node for an application: register message types (protobuf by default, any type with a
 * pluggable {@link MessageCodec}) on topics, broadcast them, send
 * them to one peer, and consume what arrives from typed feeds, with adapters (middleware) in
 * between. It re-creates the API of Prysm's early {@code p2p} package on top of our host and pubsub.
 *
 * <pre>{@code
 * Server server = new Server(ServerConfig.builder().listen("/ip4/0.0.0.0/tcp/13000").build());
 * server.registerTopic("puzzles", Puzzle.class, Adapters.logging());
 * server.registerTopic("solutions", Solution.class);
 * server.subscribe(Puzzle.class, msg -> server.send(solve(msg.data()), msg.peer()));
 * server.start();
 * server.broadcast(Puzzle.newBuilder().setChallenge("2+2").build()).join();
 * ...
 * server.stop();
 * }</pre>
 *
 * <h2>Message path</h2>
 *
 * Whether a message arrives through pubsub or over a direct stream, it is queued in its topic's
 * bounded inbox (full: dropped and counted, never blocking the network), decoded into a fresh
 * object of the registered type (undecodable: logged and skipped), wrapped in a {@link Message},
 * passed through the topic's adapters (first adapter outermost) and sent to the type's {@link Feed}.
 * Subscribers of a server's feeds run on the topic's own delivery thread, one message at a time, in
 * arrival order; a feed send waits for blocking subscribers, so a slow subscriber slows only its
 * topic (its inbox fills, then drops are counted), never the network.
 *
 * <h2>Raw topics and the layers below</h2>
 *
 * {@link #joinTopic} and {@link #publish(String, byte[])} carry bytes on a topic by name, for
 * applications (such as the {@code p2p-node} command) whose topics are not one type each. {@link
 * #addExtension} runs further protocols on the server's host (the Ethereum req/resp domain is one);
 * {@link #host()} and {@link #pubSub()} give the layers below for inspection and metrics.
 *
 * <h2>Lifecycle</h2>
 *
 * Topics may be registered and feeds subscribed before {@link #start()}. {@link #start()} reports a
 * taken port, an unreadable key or a bad address as a {@link ServerException}; a server whose start
 * failed is stopped. {@link #stop()} is graceful and idempotent; afterwards every call except
 * {@link #stop()} and {@link #status()} throws {@link IllegalStateException}.
 */
public final class Server implements Sender, Broadcaster, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Server.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);
  private static final long START_WAIT_S = 30;
  private static final long SNAPSHOT_WAIT_S = 5;

  private enum State { NEW, RUNNING, STOPPED }

  private final ServerConfig config;
  private final Object lifecycle = new Object();
  private final Object registry = new Object();
  private volatile State state = State.NEW;
  private final Map<Class<?>, RegisteredTopic<?>> byType = new ConcurrentHashMap<>();
  private final Map<String, RegisteredTopic<?>> byTopic = new ConcurrentHashMap<>();
  private final Map<Class<?>, Feed<Message<?>>> feeds = new ConcurrentHashMap<>();
  /** Drop counts by topic name, kept when a topic is left so a rejoin continues them. */
  private final Map<String, RegisteredTopic.Counters> counters = new ConcurrentHashMap<>();
  /** Feeds of raw topics ({@link #joinTopic}), by topic. */
  private final Map<String, Feed<Message<?>>> rawFeeds = new ConcurrentHashMap<>();
  private final List<Extension> extensions = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** What stops each installed extension, in install order; set by start(). */
  private final List<AutoCloseable> installed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final EventLoopGroup sharedEventLoops;
  private final Feed<PeerEvent> peerEvents = Feed.of(PeerEvent.class);
  // Set by start().
  private volatile Host host;
  private volatile PubSub pubsub;
  private volatile ScheduledExecutorService control;
  private volatile StaticPeers staticPeers;
  private volatile Mdns mdns;
  private volatile Host.Subscription hostListener;

  /**
   * A server with {@code config} (validated here); nothing runs until {@link #start()}.
   *
   * @param config the settings
   */
  public Server(ServerConfig config) {
    this(config, null);
  }

  /**
   * A server whose network I/O runs on {@code sharedEventLoops}, for many servers in one process
   * (a local devnet, tests): they then share a few Netty threads instead of each starting its own.
   * The caller owns the group and shuts it down after the servers stopped.
   *
   * @param config the settings
   * @param sharedEventLoops the Netty event loops to run on, owned by the caller
   */
  public Server(ServerConfig config, EventLoopGroup sharedEventLoops) {
    this.config = Objects.requireNonNull(config, "config").validate();
    this.sharedEventLoops = sharedEventLoops;
  }

  /**
   * A protocol beyond topics and direct messages that runs on the server's host, for example the
   * Ethereum req/resp domain. Installed by {@link #start()} once the host is built and before it
   * listens or dials, so no peer connects before the protocol's handlers are in place.
   */
  @FunctionalInterface
  public interface Extension {
    /**
     * Installs the protocol on {@code host}.
     *
     * @param host the server's host, not yet listening
     * @return what stops it; closed by {@link #stop()} before the host closes
     */
    AutoCloseable install(Host host);
  }

  /**
   * Adds {@code extension}, installed at {@link #start()}.
   *
   * @param extension the protocol to install
   * @throws IllegalStateException when the server is already started or stopped
   */
  public void addExtension(Extension extension) {
    Objects.requireNonNull(extension, "extension");
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException("extensions are added before start()");
      }
      extensions.add(extension);
    }
  }

  /** {@return the configuration} */
  public ServerConfig config() {
    return config;
  }

  // ---- lifecycle ----

  /**
   * Loads the key, listens, starts pubsub, subscribes the registered topics, dials bootstrap and
   * static peers (failures there are logged, not thrown) and, when enabled, starts discovery.
   *
   * @throws ServerException "port 13000 already taken (/ip4/0.0.0.0/tcp/13000)", "cannot read private
   *     key file ...", "bad listen address ...", "bad static peer address ...", ...
   * @throws IllegalStateException when already started or stopped
   */
  public void start() {
    synchronized (lifecycle) {
      if (state == State.STOPPED) {
        throw new IllegalStateException("server is stopped; create a new one");
      }
      if (state == State.RUNNING) {
        throw new IllegalStateException("server is already started");
      }
      try {
        doStart();
      } catch (RuntimeException e) {
        LOG.warn("server failed to start: {}", e.getMessage());
        state = State.STOPPED;
        shutdown();
        throw e;
      }
    }
  }

  private void doStart() {
    PrivateKey key = loadKey();
    List<Multiaddr> listen = new ArrayList<>();
    for (String a : config.listenAddrs()) {
      listen.add(parseAddr("listen address", a));
    }
    List<Multiaddr> advertise = new ArrayList<>();
    for (String a : config.advertiseAddrs()) {
      advertise.add(parseAddr("advertise address", a));
    }
    List<PeerInfo> bootstrap = parsePeers("bootstrap peer", config.bootstrapPeers());
    List<PeerInfo> statics = parsePeers("static peer", config.staticPeers());

    HostConfig hc = config.hostConfig();
    // the larger of a direct message and a pubsub RPC (gossip message plus RPC framing), with its
    // varint length prefix: the host refuses pull reads beyond its stream read buffer
    int gossipRpc = config.pubSubConfig().maxRpcSize();
    int readBuffer = Math.max(config.maxDirectMessageSize(), gossipRpc) + 16;
    if (hc.maxStreamReadBuffer() < readBuffer) {
      hc = hc.toBuilder().maxStreamReadBuffer(readBuffer).build();
    }
    if (!advertise.isEmpty()) {
      advertise.addAll(0, hc.advertiseAddrs());
      try {
        hc = hc.toBuilder().advertiseAddrs(advertise).build();
      } catch (IllegalArgumentException e) {
        throw new ServerException("bad advertise address: " + e.getMessage(), e);
      }
    }
    Host.Builder hb = Host.builder().identity(key).config(hc).listen(listen.toArray(Multiaddr[]::new));
    if (sharedEventLoops != null) {
      hb.eventLoopGroup(sharedEventLoops);
    }
    Host h = hb.build();
    host = h;
    for (Extension e : extensions) {
      try {
        installed.add(Objects.requireNonNull(e.install(h), "extension " + e + " returned null from install"));
      } catch (RuntimeException x) {
        throw new ServerException("extension " + e + " failed to install: " + x.getMessage(), x);
      }
    }
    try {
      h.start().get(START_WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw listenFailure(listen, e.getCause());
    } catch (TimeoutException e) {
      throw new ServerException("listening on " + listen + " did not complete within " + START_WAIT_S + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerException("interrupted while starting", e);
    }

    pubsub = createPubSub(h, config.pubSubConfig());
    join(pubsub.start(), "pubsub start");

    String shortId = h.peerId().toBase58().substring(Math.max(0, h.peerId().toBase58().length() - 6));
    control =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "server-" + shortId + "-control");
              t.setDaemon(true);
              return t;
            });
    staticPeers =
        new StaticPeers(h, control, statics, config.reconnectBackoffMin(), config.reconnectBackoffMax());
    staticPeers.onFailure((p, e) -> {
      String why = unwrap(e).getMessage();
      LOG.info("static peer {} unreachable: {} (redialling with backoff)", p.id(), why);
      runOnControl(() -> emit(new PeerEvent.DialFailed(p.id(), String.valueOf(why))));
    });
    hostListener = h.addListener(this::onHostEvent);
    synchronized (registry) {
      for (RegisteredTopic<?> t : byTopic.values()) {
        activate(t);
      }
      // running from here: a registerTopic waiting on the registry now activates its own topic
      state = State.RUNNING;
    }
    staticPeers.start();
    for (PeerInfo p : bootstrap) {
      h.connect(p)
          .whenComplete(
              (c, e) -> {
                if (e != null) {
                  String why = unwrap(e).getMessage();
                  LOG.info("bootstrap peer {} unreachable: {}", p.id(), why);
                  runOnControl(() -> emit(new PeerEvent.DialFailed(p.id(), String.valueOf(why))));
                } else {
                  LOG.info("connected to bootstrap peer {}", p.id());
                }
              });
    }
    if (config.discovery()) {
      startDiscovery();
    }
    LOG.info("server {} started on {} ({} topics, router {})",
        h.peerId(), h.listenAddrs(), byTopic.size(), config.router());
  }

  /** The pubsub instance for the configured router, with peer scoring when configured. */
  private PubSub createPubSub(Host h, PubSubConfig psc) {
    if (config.router() == ServerConfig.Router.FLOODSUB) {
      if (config.peerScoreParams().isPresent()) {
        LOG.warn("peer score parameters are ignored with floodsub");
      }
      return PubSub.floodsub(h, psc);
    }
    PeerScoreParams scoring = config.peerScoreParams().orElseGet(this::standardScoring);
    return PubSub.gossipsub(h, psc, config.gossipSubParams(), scoring,
        config.peerScoreThresholds().orElse(PeerScoreThresholds.defaults()));
  }

  /**
   * Default scoring when none is configured: {@link PeerScoreParams#standard} with every registered
   * topic expected to carry {@link ServerConfig#DEFAULT_TOPIC_RATE} messages per second, so that a
   * peer sending invalid messages is graylisted and then disconnected.
   */
  private PeerScoreParams standardScoring() {
    Map<String, TopicScoreParams> topics = new HashMap<>();
    for (String t : byTopic.keySet()) {
      topics.put(t, TopicScoreParams.forExpectedRate(ServerConfig.DEFAULT_TOPIC_RATE, config.gossipSubParams().d(),
          PeerScoreParams.DEFAULT_DECAY_INTERVAL));
    }
    return PeerScoreParams.standard(topics);
  }

  // ---- local discovery (libp2p mDNS) ----

  /** Starts mDNS: answers for our addresses and dials the peers it finds (see {@link #onDiscovered}). */
  private void startDiscovery() {
    Host h = host;
    try {
      mdns = Mdns.start(config.mdns(), h.peerId(), h::listenAddrs, this::onDiscovered);
    } catch (RuntimeException e) {
      // discovery is a convenience: the node still works with bootstrap and static peers
      LOG.warn("mDNS discovery could not start ({}); only bootstrap and static peers are dialled", e.getMessage());
    }
  }

  /** A peer found by discovery: dialled unless we already have {@code maxPeers}. */
  void onDiscovered(PeerInfo peer) {
    Host h = host;
    if (state != State.RUNNING || h == null || peer.id().equals(h.peerId())) {
      return;
    }
    if (h.connection(peer.id()).isPresent() || h.connections().size() >= config.maxPeers()) {
      return;
    }
    h.connect(peer)
        .whenComplete(
            (c, e) -> {
              if (e != null) {
                LOG.debug("discovered peer {} unreachable: {}", peer.id(), unwrap(e).getMessage());
              }
            });
  }

  /**
   * Stops gracefully: stops redialling, leaves the topics, closes the feeds (their subscriptions'
   * {@code err()} fail with {@link io.serenity.p2p.event.FeedClosedException}), closes streams and
   * connections, and releases the ports. Idempotent.
   */
  public void stop() {
    synchronized (lifecycle) {
      if (state == State.STOPPED) {
        return;
      }
      state = State.STOPPED;
      shutdown();
      LOG.info("server stopped");
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void shutdown() {
    if (mdns != null) {
      mdns.close();
      mdns = null;
    }
    if (staticPeers != null) {
      staticPeers.stop();
    }
    if (control != null) {
      control.shutdownNow();
    }
    if (hostListener != null) {
      hostListener.cancel();
    }
    List<RegisteredTopic<?>> topics;
    synchronized (registry) {
      topics = new ArrayList<>(byTopic.values());
    }
    for (RegisteredTopic<?> t : topics) {
      if (host != null) {
        host.removeStreamHandler(t.protocolId);
      }
      io.serenity.p2p.pubsub.Subscription s = t.pubsubSubscription;
      if (s != null) {
        s.cancel();
      }
      t.halt(); // the feeds' end below is not a failed handler
    }
    for (Feed<Message<?>> f : feeds.values()) {
      f.close(); // releases topic threads blocked on slow subscribers
    }
    for (Feed<Message<?>> f : rawFeeds.values()) {
      f.close();
    }
    peerEvents.close();
    for (RegisteredTopic<?> t : topics) {
      t.stop();
    }
    for (int i = installed.size() - 1; i >= 0; i--) {
      try {
        installed.get(i).close();
      } catch (Exception e) {
        LOG.warn("an extension failed to stop: {}", e.toString());
      }
    }
    installed.clear();
    if (pubsub != null) {
      pubsub.close();
    }
    if (host != null) {
      host.close();
    }
  }

  /**
   * Healthy when running with at least {@link ServerConfig#minPeers()} connected peers; otherwise
   * says why ("not started", "stopped", "fewer than 3 peers (have 1)").
   *
   * @return healthy, or unhealthy with the reason
   */
  public Status status() {
    State s = state;
    if (s == State.NEW) {
      return Status.unhealthy("not started", 0);
    }
    if (s == State.STOPPED) {
      return Status.unhealthy("stopped", 0);
    }
    int n = host.connections().size();
    if (n < config.minPeers()) {
      return Status.unhealthy("fewer than " + config.minPeers() + " peers (have " + n + ")", n);
    }
    return Status.healthy(n);
  }

  // ---- topics and feeds ----

  /**
   * Maps {@code type} to {@code topic}: subscribes to it on pubsub and accepts direct messages for
   * it on {@code /<prefix>/<version>/<topic>}. Received messages pass through {@code adapters}
   * (the first is outermost) to the type's feed. May be called before or after {@link #start()}.
   *
   * @param <T> the message type
   * @param topic the topic name, without whitespace
   * @param type the message class, exactly as {@link #broadcast} will see it
   * @param adapters middleware run on every received message, first to last
   * @throws IllegalArgumentException when the type already has a topic, the topic already has a
   *     type, the topic is blank, or the codec cannot handle the type
   * @throws NullPointerException naming the adapter whose {@code wrap} returned null
   */
  public <T> void registerTopic(
      String topic, Class<T> type, Adapter... adapters) {
    checkNotStopped();
    checkTopicName(topic);
    Objects.requireNonNull(type, "type");
    config.codec().checkType(type);
    Handler h = chain(topic, feedFor(type), adapters);
    MessageCodec codec = config.codec();
    RegisteredTopic<T> t =
        new RegisteredTopic<>(topic, type, config.directProtocolId(topic), h, bytes -> codec.decode(bytes, type),
            codec.name(), config.inboundQueue(), config.inboundQueueBytes(), countersOf(topic));
    synchronized (registry) {
      RegisteredTopic<?> sameType = byType.get(type);
      if (sameType != null) {
        throw new IllegalArgumentException(
            "type " + type.getName() + " is already registered on topic '" + sameType.topic + "'");
      }
      RegisteredTopic<?> sameTopic = byTopic.get(topic);
      if (sameTopic != null) {
        throw new IllegalArgumentException(
            "topic '" + topic + "' is already registered for type " + sameTopic.type.getName());
      }
      byType.put(type, t);
      byTopic.put(topic, t);
      if (state == State.RUNNING) {
        activate(t);
      }
    }
  }

  /**
   * Joins {@code topic} for raw payloads: subscribes to it on pubsub and accepts direct messages for
   * it, as {@link #registerTopic} does, but delivers the bytes as they arrived (no codec) to the
   * topic's own feed, through {@code adapters}. For applications whose topics are not one type
   * each; publish with {@link #publish(String, byte[])}. May be called before or after {@link
   * #start()}.
   *
   * @param topic the topic name, without whitespace
   * @param adapters middleware run on every received message, first to last
   * @return the topic's feed
   * @throws IllegalArgumentException when the topic is blank or already registered or joined
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Feed<Message<byte[]>> joinTopic(String topic, Adapter... adapters) {
    checkNotStopped();
    checkTopicName(topic);
    Feed<Message<?>> feed = topicFeed();
    Handler h = chain(topic, feed, adapters);
    RegisteredTopic<byte[]> t =
        new RegisteredTopic<>(topic, byte[].class, config.directProtocolId(topic), h, bytes -> bytes, "raw",
            config.inboundQueue(), config.inboundQueueBytes(), countersOf(topic));
    synchronized (registry) {
      RegisteredTopic<?> sameTopic = byTopic.get(topic);
      if (sameTopic != null) {
        throw new IllegalArgumentException("topic '" + topic + "' is already "
            + (sameTopic.type == byte[].class ? "joined" : "registered for type " + sameTopic.type.getName()));
      }
      byTopic.put(topic, t);
      rawFeeds.put(topic, feed);
      if (state == State.RUNNING) {
        activate(t);
      }
    }
    return (Feed) feed;
  }

  private RegisteredTopic.Counters countersOf(String topic) {
    return counters.computeIfAbsent(topic, k -> new RegisteredTopic.Counters());
  }

  /**
   * Leaves {@code topic}, registered ({@link #registerTopic}) or joined ({@link #joinTopic}): pubsub
   * unsubscribes (every peer is told, and under gossipsub the mesh peers get a PRUNE with the
   * unsubscribe backoff), the topic's validator set on {@link #pubSub()} is removed, direct messages
   * for it are refused, and its feed is closed: subscriptions see the end ({@code err()} fails
   * with {@link io.serenity.p2p.event.FeedClosedException}) and the topic's delivery thread ends.
   * Received messages not yet delivered are dropped and counted in {@link #droppedMessages}, whose
   * count (and {@link #undecodableMessages}) continues if the topic is joined again. For a
   * registered topic the feed closed is the type's ({@link #feed(Class)}), and the type is free for
   * another topic. May be called before or after {@link #start()}; the topic may be registered or
   * joined again afterwards.
   *
   * @param topic the topic name
   * @return true when the topic was registered or joined and is now left; false (nothing done) for
   *     a topic the server does not hold
   * @throws IllegalStateException when the server is stopped
   */
  public boolean leaveTopic(String topic) {
    checkNotStopped();
    Objects.requireNonNull(topic, "topic");
    RegisteredTopic<?> t;
    Feed<Message<?>> feed;
    synchronized (registry) {
      t = byTopic.remove(topic);
      if (t == null) {
        return false;
      }
      feed = rawFeeds.remove(topic);
      if (feed == null) { // a registered topic: its type's feed
        byType.remove(t.type, t);
        feed = feeds.remove(t.type);
      }
      // activated (under this lock) or never will be: nothing activates a removed topic
      io.serenity.p2p.pubsub.Subscription s = t.pubsubSubscription;
      if (s != null) {
        s.cancel(); // the router leaves the topic: unsubscribe to every peer, PRUNE to the mesh
        host.removeStreamHandler(t.protocolId);
        pubsub.removeValidator(topic);
      }
    }
    t.halt();
    if (feed != null) {
      feed.close(); // consumers see the end; a send blocked on a slow subscriber is released
    }
    int discarded = t.leave();
    LOG.info("left topic {}{}", topic, discarded > 0 ? " (" + discarded + " undelivered messages dropped)" : "");
    return true;
  }

  /** {@return the names of every topic registered or joined and not left} */
  public Set<String> topicNames() {
    return Set.copyOf(byTopic.keySet());
  }

  private static void checkTopicName(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isBlank() || topic.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("topic must be non-empty without whitespace: '" + topic + "'");
    }
  }

  /** {@code adapters} around {@code feed::send}, the first adapter outermost. */
  private static Handler chain(String topic, Feed<Message<?>> feed, Adapter... adapters) {
    Adapter[] chain = adapters.clone(); // the caller's array stays as it was (Prysm reversed it in place)
    Handler h = feed::send;
    for (int i = chain.length - 1; i >= 0; i--) {
      Adapter a = Objects.requireNonNull(chain[i], "adapter #" + i + " of topic " + topic + " is null");
      Handler wrapped = a.wrap(h);
      if (wrapped == null) {
        throw new NullPointerException(
            "adapter #" + i + " (" + a.getClass().getName() + ") of topic " + topic + " returned null from wrap");
      }
      h = wrapped;
    }
    return h;
  }

  /** {@return the topics registered so far, by type} */
  public Map<Class<?>, String> topics() {
    Map<Class<?>, String> out = new java.util.HashMap<>();
    byType.forEach((k, v) -> out.put(k, v.topic));
    return Map.copyOf(out);
  }

  /**
   * The feed of {@code type}: every received message of that type, after the adapters. Created on
   * first use, so consumers may subscribe before the topic is registered.
   *
   * @param <T> the message type
   * @param type the registered (or soon registered) message class
   * @return the feed; subscribe a queue or a callback to it
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <T> Feed<Message<T>> feed(Class<T> type) {
    checkNotStopped();
    return (Feed) feedFor(type);
  }

  /**
   * Shorthand for {@code feed(type).subscribe(sink)}: a blocking consumer on a delivery thread.
   *
   * @param <T> the message type
   * @param type the message class
   * @param sink receives every message of the type, one at a time
   * @return the subscription; unsubscribe to stop
   */
  public <T> Subscription subscribe(
      Class<T> type, Consumer<? super Message<T>> sink) {
    return feed(type).subscribe(sink);
  }

  /**
   * {@return messages of {@code topic} dropped because its inbox was full, or received but not yet
   * delivered when the topic was left; counted since the topic was first registered or joined, across
   * {@link #leaveTopic} and rejoins}
   *
   * @param topic a registered or joined topic, or one left
   */
  public long droppedMessages(String topic) {
    RegisteredTopic.Counters c = counters.get(topic);
    return c == null ? 0 : c.dropped.get();
  }

  /**
   * {@return messages of {@code topic} that could not be decoded and were skipped, counted as
   * {@link #droppedMessages} is}
   *
   * @param topic a registered topic, or one left
   */
  public long undecodableMessages(String topic) {
    RegisteredTopic.Counters c = counters.get(topic);
    return c == null ? 0 : c.undecodable.get();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Feed<Message<?>> feedFor(Class<?> type) {
    return feeds.computeIfAbsent(type, k -> topicFeed());
  }

  /**
   * A feed whose consumers run on the sending topic's delivery thread. Every send to a server feed
   * comes from a topic's own thread ({@link RegisteredTopic}), which exists to keep the network from
   * waiting for subscribers; a second hop to an executor per message cost more CPU than the rest of
   * the delivery (docs/benchmarks.md, "One pipeline").
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Feed<Message<?>> topicFeed() {
    return (Feed) Feed.of(Message.class, Runnable::run);
  }

  /** Subscribes {@code t} on pubsub and serves its direct protocol. Called under {@code registry}. */
  private void activate(RegisteredTopic<?> t) {
    if (config.peerScoreParams().isEmpty() && config.router() == ServerConfig.Router.GOSSIPSUB) {
      // default scoring covers topics registered after start too
      pubsub.setTopicScoreParams(t.topic, TopicScoreParams.forExpectedRate(ServerConfig.DEFAULT_TOPIC_RATE,
          config.gossipSubParams().d(), PeerScoreParams.DEFAULT_DECAY_INTERVAL));
    }
    t.start(host.peerId().toBase58().substring(host.peerId().toBase58().length() - 6));
    host.setStreamHandler(t.protocolId, s -> receiveDirect(t, s));
    // straight from the router thread into the topic's bounded inbox: no queue or thread between them
    t.pubsubSubscription = pubsub.subscribeInline(t.topic, m -> receivePubSub(t, m));
  }

  private void receivePubSub(RegisteredTopic<?> t, ReceivedMessage m) {
    PeerId author = m.message().author();
    PeerId from = m.receivedFrom() != null ? m.receivedFrom() : host.peerId(); // null: our own, delivered back
    t.offer(new RegisteredTopic.Inbound(
        m.data(), author, from, MessageContext.Source.PUBSUB, m.id().toString(), Instant.now()));
  }

  /** One message per stream: read it (size-limited), queue it, close our side as the receipt. */
  private void receiveDirect(RegisteredTopic<?> t, Stream s) {
    s.readMessage(config.maxDirectMessageSize())
        .whenComplete(
            (bytes, e) -> {
              if (e != null) {
                RLOG.info("direct message on {} from {} failed: {}", t.protocolId, s.remotePeer(), unwrap(e).getMessage());
                s.reset();
                return;
              }
              t.offer(new RegisteredTopic.Inbound(
                  bytes, s.remotePeer(), s.remotePeer(), MessageContext.Source.DIRECT, "", Instant.now()));
              s.closeWrite();
            });
  }

  // ---- broadcast and send ----

  /**
   * Publishes {@code message} on the topic registered for its type. The future completes once the
   * message is queued for every peer the router chose (so awaiting it, or bounding the broadcasts in
   * flight, paces the caller to its peers; see {@link PubSub#publish}), and fails with {@link
   * ServerException} for an unregistered type, a message over {@link
   * ServerConfig#maxGossipMessageSize()}, or a pubsub refusal (validator, backlog of own publishes
   * full, a peer whose queue stayed full). Our own feeds get it only with {@link
   * ServerConfig#deliverOwnMessages()}.
   *
   * @throws IllegalStateException when the server is not running
   */
  @Override
  public CompletableFuture<Void> broadcast(Object message) {
    checkRunning();
    Objects.requireNonNull(message, "message");
    RegisteredTopic<?> t = byType.get(message.getClass());
    if (t == null) {
      return CompletableFuture.failedFuture(unregistered(message));
    }
    byte[] data;
    try {
      data = config.codec().encode(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new ServerException("cannot encode " + message.getClass().getName() + ": " + e.getMessage(), e));
    }
    // the encoder's output is ours alone: pubsub takes it without a copy
    return publish(t.topic, data, false).thenApply(id -> null);
  }

  /**
   * Publishes {@code data} as it is on {@code topic} (joined or not: pubsub then sends it to topic
   * peers without joining) and completes with the message id in hex. Completion and failures are
   * those of {@link #broadcast}.
   *
   * @param topic the topic name
   * @param data the payload, sent as it is (copied first: the caller may reuse the array)
   * @return completes with the message id in hex
   * @throws IllegalStateException when the server is not running
   */
  public CompletableFuture<String> publish(String topic, byte[] data) {
    return publish(topic, data, true);
  }

  /**
   * As {@link #publish(String, byte[])}, without copying {@code data}: the caller hands the array
   * over and must not change it afterwards (see {@link PubSub#publishWithoutCopy}).
   *
   * @param topic the topic name
   * @param data the payload, owned by the server from now on
   * @return completes with the message id in hex
   * @throws IllegalStateException when the server is not running
   */
  public CompletableFuture<String> publishWithoutCopy(String topic, byte[] data) {
    return publish(topic, data, false);
  }

  private CompletableFuture<String> publish(String topic, byte[] data, boolean copyFirst) {
    checkRunning();
    checkTopicName(topic);
    Objects.requireNonNull(data, "data");
    if (data.length > config.maxGossipMessageSize()) {
      return CompletableFuture.failedFuture(
          new ServerException("message of " + data.length + " bytes on topic '" + topic
              + "' exceeds maxGossipMessageSize " + config.maxGossipMessageSize()));
    }
    return (copyFirst ? pubsub.publish(topic, data) : pubsub.publishWithoutCopy(topic, data))
        .handle(
            (id, e) -> {
              if (e != null) {
                Throwable c = unwrap(e);
                throw new ServerException("broadcast on topic '" + topic + "' failed: " + c.getMessage(), c);
              }
              return id.toString();
            });
  }

  /**
   * Sends {@code message} to {@code peer} alone, on a new stream with protocol {@code
   * /<prefix>/<version>/<topic>} carrying one varint-length-prefixed message; the peer is dialled
   * at a known address when not connected. The future completes when the peer has read the message
   * and closed the stream, and fails with a {@link ServerException} naming peer and protocol: no
   * topic for the type, message over {@link ServerConfig#maxDirectMessageSize()}, dial failed, the
   * peer does not serve the topic, stream reset, or {@link ServerConfig#directSendTimeout()} passed.
   *
   * @throws IllegalStateException when the server is not running
   */
  @Override
  public CompletableFuture<Void> send(Object message, PeerId peer) {
    checkRunning();
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(peer, "peer");
    RegisteredTopic<?> t = byType.get(message.getClass());
    if (t == null) {
      return CompletableFuture.failedFuture(unregistered(message));
    }
    if (peer.equals(host.peerId())) {
      return CompletableFuture.failedFuture(new ServerException("cannot send to ourselves (" + peer + ")"));
    }
    byte[] data;
    try {
      data = config.codec().encode(message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new ServerException("cannot encode " + message.getClass().getName() + ": " + e.getMessage(), e));
    }
    if (data.length > config.maxDirectMessageSize()) {
      return CompletableFuture.failedFuture(
          new ServerException("message of " + data.length + " bytes to " + peer + " on " + t.protocolId
              + " exceeds maxDirectMessageSize " + config.maxDirectMessageSize()));
    }
    AtomicReference<Stream> stream = new AtomicReference<>();
    CompletableFuture<Void> result = new CompletableFuture<>();
    host.newStream(peer, t.protocolId)
        .thenCompose(
            s -> {
              stream.set(s);
              return s.writeMessage(data).thenCompose(v -> s.closeWrite()).thenCompose(v -> remoteClose(s));
            })
        .orTimeout(config.directSendTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                result.complete(null);
                return;
              }
              Throwable c = unwrap(e);
              Stream s = stream.get();
              if (s != null) {
                s.reset();
              }
              String why =
                  c instanceof TimeoutException
                      ? "timed out after " + config.directSendTimeout().toMillis() + " ms"
                      : c.getMessage();
              result.completeExceptionally(
                  new ServerException("send to " + peer + " on " + t.protocolId + " failed: " + why, c));
            });
    return result;
  }

  /**
   * Sends to a peer given by address ({@code /ip4/.../tcp/.../p2p/<id>}); see {@link #send}.
   *
   * @param message an instance of a registered type
   * @param peer the receiver and its addresses
   * @return as {@link #send(Object, PeerId)}
   */
  public CompletableFuture<Void> send(Object message, PeerInfo peer) {
    checkRunning();
    if (!peer.addrs().isEmpty()) {
      host.peerStore().addAddrs(peer.id(), peer.addrs());
    }
    return send(message, peer.id());
  }

  /** Completes when the peer closes its side (its receipt), fails when it resets. */
  private static CompletableFuture<Void> remoteClose(Stream s) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    s.receive(
        new StreamReceiver() {
          @Override
          public void onData(Stream stream, ByteBuffer data) {
            // the protocol has no reply; anything sent back is ignored
          }

          @Override
          public void onEnd(Stream stream) {
            f.complete(null);
          }

          @Override
          public void onReset(Stream stream) {
            f.completeExceptionally(new ServerException("peer reset the stream before confirming receipt"));
          }
        });
    return f;
  }

  private static ServerException unregistered(Object m) {
    return new ServerException("no topic registered for type " + m.getClass().getName());
  }

  // ---- peers ----

  /**
   * Completes once everything published so far has been written to its peers' streams (see {@link
   * PubSub#whenFlushed()}): wait for it before {@link #stop()} to leave without losing the last
   * broadcasts. Never fails by itself: bound it with {@code orTimeout}.
   *
   * @return completes when everything published so far is written out
   * @throws IllegalStateException when the server is not running
   */
  public CompletableFuture<Void> whenFlushed() {
    checkRunning();
    return pubsub.whenFlushed();
  }

  /**
   * The libp2p host under this server, for what the server does not wrap (traffic counters, the
   * peer store, further protocols: prefer {@link #addExtension} for those, installed before
   * peers connect). Closing it stops the server's networking; use {@link #stop()}.
   *
   * @return the host
   * @throws IllegalStateException when the server is not running
   */
  public Host host() {
    checkRunning();
    return host;
  }

  /**
   * The pubsub router under this server, for inspection (meshes, scores, counters) and metrics.
   * Messages published or subscribed here bypass the server's topics, codecs and feeds.
   *
   * @return the pubsub router
   * @throws IllegalStateException when the server is not running
   */
  public PubSub pubSub() {
    checkRunning();
    return pubsub;
  }

  /** {@return our peer id} */
  public PeerId peerId() {
    checkRunning();
    return host.peerId();
  }

  /**
   * Our listen addresses, each ending in {@code /p2p/<our id>}: what others dial. A wildcard listen
   * address appears as the machine's interface addresses ({@link Host#listenAddrs()}).
   *
   * @return the listen addresses with our peer id
   */
  public List<Multiaddr> listenAddrs() {
    checkRunning();
    Multiaddr me = Multiaddr.parse("/p2p/" + host.peerId().toBase58());
    return host.listenAddrs().stream().map(a -> a.encapsulate(me)).toList();
  }

  /**
   * The addresses peers are told in identify, each ending in {@code /p2p/<our id>}: the advertised
   * ones ({@link HostConfig#advertiseAddrs()}, then {@link ServerConfig#advertiseAddrs()}) first, then
   * {@link #listenAddrs()}.
   *
   * @return the advertised addresses with our peer id
   */
  public List<Multiaddr> advertisedAddrs() {
    checkRunning();
    Multiaddr me = Multiaddr.parse("/p2p/" + host.peerId().toBase58());
    return host.advertisedAddrs().stream().map(a -> a.encapsulate(me)).toList();
  }

  /**
   * Connects to {@code multiaddr} ({@code .../p2p/<id>}); completes with the peer's id.
   *
   * @param multiaddr the peer's address, ending in its peer id
   * @return completes with the peer id once connected; fails with {@link ServerException} on a bad
   *     address or a failed dial
   */
  public CompletableFuture<PeerId> connect(String multiaddr) {
    checkRunning();
    PeerInfo p;
    try {
      p = PeerInfo.makePeer(multiaddr);
    } catch (FormatException e) {
      return CompletableFuture.failedFuture(
          new ServerException("bad peer address '" + multiaddr + "': " + e.getMessage(), e));
    }
    return host.connect(p)
        .handle(
            (c, e) -> {
              if (e != null) {
                Throwable cause = unwrap(e);
                throw new ServerException("cannot connect to " + multiaddr + ": " + cause.getMessage(), cause);
              }
              return c.remotePeer();
            });
  }

  /**
   * Closes the connection to {@code peer} (a static peer is redialled after the backoff).
   *
   * @param peer a connected peer
   * @return completes when the connection is closed
   */
  public CompletableFuture<Void> disconnect(PeerId peer) {
    checkRunning();
    return host.disconnect(peer);
  }

  /** {@return the connected peers, with identify data and gossipsub scores} */
  public List<Peer> peers() {
    checkRunning();
    Map<PeerId, Double> scores = scores();
    return host.connections().stream().map(c -> peerOf(c, scores)).toList();
  }

  /**
   * {@return the connected peer {@code id}, if connected}
   *
   * @param id the peer's id
   */
  public Optional<Peer> peer(PeerId id) {
    checkRunning();
    return host.connection(id).map(c -> peerOf(c, scores()));
  }

  private Peer peerOf(Connection c, Map<PeerId, Double> scores) {
    PeerId id = c.remotePeer();
    Set<Multiaddr> addrs = new LinkedHashSet<>();
    addrs.add(c.remoteAddr());
    addrs.addAll(host.peerStore().addrs(id));
    return new Peer(
        id,
        List.copyOf(addrs),
        host.peerStore().agentVersion(id),
        host.peerStore().protocols(id),
        scores.getOrDefault(id, 0.0),
        c.isInitiator() ? Peer.Direction.OUTBOUND : Peer.Direction.INBOUND);
  }

  private Map<PeerId, Double> scores() {
    try {
      return pubsub.scores().get(SNAPSHOT_WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("no score snapshot: {}", e.toString());
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Host events arrive on Netty threads: hand everything to the control thread. */
  private void onHostEvent(HostEvent event) {
    if (event instanceof HostEvent.PeerConnected c) {
      LOG.debug("peer {} connected", c.peer());
      Connection conn = c.connection();
      Peer.Direction dir = conn.isInitiator() ? Peer.Direction.OUTBOUND : Peer.Direction.INBOUND;
      runOnControl(() -> emit(new PeerEvent.Connected(c.peer(), dir, conn.remoteAddr(), conn.muxer())));
      if (host.connections().size() > config.maxPeers()) {
        runOnControl(this::prune);
      }
    } else if (event instanceof HostEvent.PeerIdentified i) {
      runOnControl(() -> emit(new PeerEvent.Identified(
          i.peer(), i.info().agentVersion().orElse(""), i.info().protocols())));
    } else if (event instanceof HostEvent.ProtocolViolation v) {
      runOnControl(() -> emit(new PeerEvent.ProtocolViolation(v.peer(), v.protocol(), v.violation())));
    } else if (event instanceof HostEvent.PeerDisconnected d) {
      LOG.debug("peer {} disconnected", d.peer());
      runOnControl(() -> emit(new PeerEvent.Disconnected(d.peer())));
    }
  }

  private void emit(PeerEvent e) {
    if (state != State.STOPPED) {
      try {
        peerEvents.send(e);
      } catch (io.serenity.p2p.event.FeedClosedException ignored) {
        // stopping
      }
    }
  }

  /**
   * Peer connections, identifications, disconnections, failed dials of bootstrap and static peers,
   * and protocol violations, in order. Sent from the control thread: see {@link PeerEvent}.
   *
   * @return the feed of peer events
   */
  public Feed<PeerEvent> peerEvents() {
    checkNotStopped();
    return peerEvents;
  }

  /**
   * Completes once at least {@code count} pubsub peers have joined {@code topic} (for example, to
   * wait before a first broadcast). Never fails by itself: bound it with {@code orTimeout}.
   *
   * @param topic the topic
   * @param count how many peers to wait for
   * @return completes once that many peers are on the topic
   */
  public CompletableFuture<Void> whenTopicPeers(String topic, int count) {
    checkRunning();
    return pubsub.whenPeers(topic, count);
  }

  /** Disconnects the lowest-scored peers beyond {@code maxPeers}; static peers are kept. */
  private void prune() {
    if (state != State.RUNNING) {
      return;
    }
    List<Connection> conns = host.connections();
    if (conns.size() <= config.maxPeers()) {
      return;
    }
    Map<PeerId, Double> scores = scores();
    List<Candidate> candidates =
        conns.stream()
            .map(c -> new Candidate(c.remotePeer(), scores.getOrDefault(c.remotePeer(), 0.0), c.isInitiator()))
            .toList();
    List<PeerId> victims = choosePrunable(candidates, staticPeers.ids(), config.maxPeers());
    for (PeerId p : victims) {
      RLOG.info("disconnecting {}: over maxPeers {}", p, config.maxPeers());
      host.disconnect(p);
    }
  }

  /**
   * Which peers to disconnect to get down to {@code max}: lowest score first; among equal scores
   * inbound before outbound (we chose the outbound ones), then by id so the choice is stable.
   * Protected (static) peers are never chosen.
   */
  static List<PeerId> choosePrunable(List<Candidate> connected, Set<PeerId> protectedPeers, int max) {
    int excess = connected.size() - max;
    if (excess <= 0) {
      return List.of();
    }
    return connected.stream()
        .filter(c -> !protectedPeers.contains(c.id()))
        .sorted(
            Comparator.comparingDouble(Candidate::score)
                .thenComparing(Candidate::outbound)
                .thenComparing(c -> c.id().toBase58()))
        .limit(excess)
        .map(Candidate::id)
        .toList();
  }

  /** A connected peer as pruning sees it. */
  record Candidate(PeerId id, double score, boolean outbound) {}

  private void runOnControl(Runnable r) {
    try {
      control.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // stopping
    }
  }

  // ---- helpers ----

  private PrivateKey loadKey() {
    if (config.privateKey().isPresent()) {
      return config.privateKey().get();
    }
    if (config.privateKeyFile().isPresent()) {
      java.nio.file.Path f = config.privateKeyFile().get();
      try {
        return PrivateKey.load(f);
      } catch (java.io.UncheckedIOException e) {
        String why =
            e.getCause() instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getCause().toString();
        throw new ServerException("cannot read private key file " + f + ": " + why, e);
      } catch (RuntimeException e) {
        throw new ServerException("cannot read private key file " + f + ": " + e.getMessage(), e);
      }
    }
    return PrivateKey.generate(KeyType.SECP256K1);
  }

  private static Multiaddr parseAddr(String what, String text) {
    try {
      return Multiaddr.parse(text);
    } catch (FormatException e) {
      throw new ServerException("bad " + what + " '" + text + "': " + e.getMessage(), e);
    }
  }

  private static List<PeerInfo> parsePeers(String what, List<String> addrs) {
    List<PeerInfo> out = new ArrayList<>();
    for (String a : addrs) {
      try {
        out.add(PeerInfo.makePeer(a));
      } catch (FormatException e) {
        throw new ServerException("bad " + what + " address '" + a + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static ServerException listenFailure(List<Multiaddr> listen, Throwable e) {
    Throwable c = unwrap(e);
    for (Throwable x = c; x != null; x = x.getCause()) {
      if (x instanceof BindException) {
        String port = listen.stream().map(Server::portOf).distinct().reduce((a, b) -> a + ", " + b).orElse("?");
        return new ServerException("port " + port + " already taken (" + listen + "): " + x.getMessage(), c);
      }
    }
    return new ServerException("cannot listen on " + listen + ": " + c.getMessage(), c);
  }

  private static String portOf(Multiaddr a) {
    try {
      return Integer.toString(a.toTcpSocketAddress().getPort());
    } catch (FormatException e) {
      return a.toString();
    }
  }

  private void checkNotStopped() {
    if (state == State.STOPPED) {
      throw new IllegalStateException("server is stopped");
    }
  }

  private void checkRunning() {
    State s = state;
    if (s == State.STOPPED) {
      throw new IllegalStateException("server is stopped");
    }
    if (s != State.RUNNING) {
      throw new IllegalStateException("server is not started");
    }
  }

  private static <T> T join(CompletableFuture<T> f, String what) {
    try {
      return f.get(START_WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new ServerException(what + " failed: " + unwrap(e.getCause()).getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new ServerException(what + " did not complete within " + START_WAIT_S + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerException("interrupted during " + what, e);
    }
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
