package io.serenity.p2p.host;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.protocol.identify.Identify;
import io.serenity.p2p.protocol.identify.IdentifyInfo;
import io.serenity.p2p.protocol.ping.Ping;
import io.serenity.p2p.quic.QuicTransport;
import io.serenity.p2p.time.Clock;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import io.serenity.p2p.upgrade.UpgradedConnection;
import io.serenity.p2p.upgrade.Upgrader;
import io.serenity.p2p.upgrade.UpgraderConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libp2p node: listens and dials over TCP (secured with Noise, multiplexed with yamux or mplex)
 * and QUIC v1 (TLS and streams built in), keeps one connection per peer, serves streams by protocol
 * id, and runs identify and ping. Dials prefer a peer's QUIC addresses and fall back to TCP.
 *
 * <pre>{@code
 * Host host = Host.builder().identity(PrivateKey.generate(KeyType.SECP256K1))
 *     .listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).build();
 * host.setStreamHandler("/echo/1.0.0", s -> s.readMessage(1024).thenCompose(s::writeMessage));
 * host.start().join();
 * Stream s = host.newStream(otherPeer, "/echo/1.0.0").join();
 * ...
 * host.close();
 * }</pre>
 */
public final class Host implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Host.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /**
   * How long a dial gives a peer's QUIC addresses before it tries TCP as well (go-libp2p's dial
   * ranker uses the same head start for public addresses).
   */
  static final java.time.Duration QUIC_HEAD_START = java.time.Duration.ofMillis(250);

  private final PrivateKey identity;
  private final PeerId peerId;
  private final HostConfig config;
  private final Clock clock;
  private final List<Multiaddr> requestedListenAddrs;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final TcpTransport tcp;
  /** Made on first use: it loads the native QUIC library, which a TCP-only host never needs. */
  private QuicTransport quic;
  private final Upgrader upgrader;
  private final PeerStore peerStore = new PeerStore();
  private final Traffic traffic = new Traffic();
  private final Identify identify;
  private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
  private final Set<String> longLived = ConcurrentHashMap.newKeySet();
  private final ConnectionManager connectionManager;
  private final CopyOnWriteArrayList<Consumer<HostEvent>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Map<PeerId, Connection> connections = new HashMap<>();
  private final Map<PeerId, CompletableFuture<Connection>> dials = new HashMap<>();
  private final ResourceManager resources;
  private final ArrayPool readBufferPool;
  private final io.serenity.p2p.transport.WriteBudget writeBudget;
  private final List<Multiaddr> boundAddrs = new CopyOnWriteArrayList<>();
  private final InterfaceAddrs interfaceAddrs;
  private volatile boolean started;
  private volatile boolean closed;

  private Host(Builder b) {
    this.identity = b.identity != null ? b.identity : PrivateKey.generate(KeyType.SECP256K1);
    this.peerId = PeerId.fromPublicKey(identity.publicKey());
    this.config = b.config.validate();
    this.clock = b.clock;
    this.requestedListenAddrs = List.copyOf(b.listenAddrs);
    this.interfaceAddrs = new InterfaceAddrs(clock, InterfaceAddrs::machine);
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(b.threads, NioIoHandler.newFactory()) : b.group;
    this.tcp = new TcpTransport(TcpConfig.defaults().withConnectTimeout(config.dialTimeout()), group);
    this.upgrader =
        new Upgrader(
            identity,
            new UpgraderConfig(
                config.handshakeTimeout(),
                config.maxMultistreamMessageLength(),
                UpgraderConfig.DEFAULT_MAX_MULTISTREAM_PROPOSALS,
                config.maxNoiseFrame(),
                config.inlineMuxerNegotiation(),
                config.securityProtocols()),
            config.muxers().stream().map(id -> Muxers.create(id, config)).toList());
    this.identify = new Identify(this::localIdentify, config.maxIdentifyMessageSize(), this::onIdentified);
    handlers.put(Identify.PROTOCOL_ID, identify::serve);
    handlers.put(Identify.PUSH_PROTOCOL_ID, identify::servePush);
    handlers.put(Ping.PROTOCOL_ID, Ping::serve);
    this.connectionManager = new ConnectionManager(this, config, clock);
    this.resources = new ResourceManager(config);
    this.readBufferPool = new ArrayPool(config.readBufferPool());
    this.writeBudget = new io.serenity.p2p.transport.WriteBudget(
        config.maxConnectionWriteBuffer(), config.maxNodeWriteBuffer());
  }

  /**
   * Bytes queued for writing, per connection and over the node, their bounds
   * ({@link HostConfig#maxConnectionWriteBuffer()}, {@link HostConfig#maxNodeWriteBuffer()}) and how
   * often a write-path bound was met.
   *
   * @return the write budget
   */
  public io.serenity.p2p.transport.WriteBudget writeBudget() {
    return writeBudget;
  }

  /** The large read buffers the node's streams share ({@link HostConfig#readBufferPool()}). */
  ArrayPool readBufferPool() {
    return readBufferPool;
  }

  /** {@return the resource manager: limits and current usage of connections, streams and unread bytes} */
  public ResourceManager resourceManager() {
    return resources;
  }

  /** {@return the connection manager: tags, protections and trimming between the watermarks} */
  public ConnectionManager connectionManager() {
    return connectionManager;
  }

  /**
   * The clock connection ages, stream idleness and ping round trips are measured on (default
   * {@link Clock#system()}; see {@link Builder#clock}).
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  EventLoopGroup eventLoops() {
    return group;
  }

  /** {@return a builder; without an identity a fresh secp256k1 key is generated} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return our peer id} */
  public PeerId peerId() {
    return peerId;
  }

  /** {@return our identity key} */
  public PrivateKey privateKey() {
    return identity;
  }

  /** {@return the configuration} */
  public HostConfig config() {
    return config;
  }

  /**
   * Payload bytes in and out by protocol (for metrics).
   *
   * @return the counters
   */
  public Traffic traffic() {
    return traffic;
  }

  /** {@return what we know about other peers} */
  public PeerStore peerStore() {
    return peerStore;
  }

  /**
   * Binds the listen addresses. Port 0 picks a free port; {@link #listenAddrs()} then reports the
   * bound one.
   *
   * @return completes when every address is bound
   */
  public CompletableFuture<Void> start() {
    if (closed) {
      return CompletableFuture.failedFuture(new HostException("host is closed"));
    }
    started = true;
    List<CompletableFuture<Multiaddr>> binds = new ArrayList<>();
    for (Multiaddr a : requestedListenAddrs) {
      CompletableFuture<Multiaddr> bind;
      if (QuicTransport.canHandle(a)) {
        QuicTransport q;
        try {
          q = quic();
        } catch (RuntimeException e) {
          binds.add(CompletableFuture.failedFuture(new HostException("cannot listen on " + a + ": " + e.getMessage(), e)));
          continue;
        }
        bind = q.listen(a, this::onQuicAccepted);
      } else {
        bind = tcp.listen(a, this::onAccepted);
      }
      binds.add(bind.thenApply(bound -> {
        Multiaddr reported = InterfaceAddrs.asBound(a, bound);
        boundAddrs.add(reported);
        return reported;
      }));
    }
    return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new))
        .thenRun(() -> {
          if (boundAddrs.isEmpty()) {
            LOG.debug("host {} started (dial only, not listening)", peerId);
          } else if (config.advertiseAddrs().isEmpty()) {
            LOG.info("host {} listening on {}", peerId, listenAddrs());
          } else {
            LOG.info("host {} listening on {}, advertising {}", peerId, listenAddrs(), config.advertiseAddrs());
          }
        });
  }

  /**
   * The addresses the listeners are bound to, with the port actually bound; a wildcard stays one
   * ({@code /ip4/0.0.0.0/tcp/9000}). Peers cannot dial a wildcard: give them {@link #listenAddrs()}.
   *
   * @return the bound addresses
   */
  public List<Multiaddr> boundAddrs() {
    return List.copyOf(boundAddrs);
  }

  /**
   * Where we listen, as others dial it (without {@code /p2p}): the bound addresses with each wildcard
   * replaced by the machine's interface addresses on the bound port. {@code /ip4/0.0.0.0} gives every
   * IPv4 address, loopback included; {@code /ip6/::} gives the IPv6 addresses and then the IPv4 ones,
   * since Java's sockets are dual-stack. Link-local IPv6 addresses are left out (they need a zone);
   * loopback addresses come last. The interfaces are re-read at most every 5 s.
   *
   * @return the dialable listen addresses
   */
  public List<Multiaddr> listenAddrs() {
    return interfaceAddrs.expand(boundAddrs());
  }

  /**
   * The addresses identify sends to peers: {@link HostConfig#advertiseAddrs()} first, then {@link
   * #listenAddrs()}, without duplicates.
   *
   * @return the addresses peers are told
   */
  public List<Multiaddr> advertisedAddrs() {
    LinkedHashSet<Multiaddr> all = new LinkedHashSet<>(config.advertiseAddrs());
    all.addAll(listenAddrs());
    return List.copyOf(all);
  }

  /** {@return our id and listen addresses, for handing to another host} */
  public PeerInfo peerInfo() {
    return new PeerInfo(peerId, listenAddrs());
  }

  /** {@return protocol ids we serve} */
  public Set<String> protocols() {
    return Set.copyOf(handlers.keySet());
  }

  /**
   * Serves {@code protocolId} with {@code handler}, replacing any earlier handler. Connected peers
   * learn of the change by identify push.
   *
   * @param protocolId the protocol id
   * @param handler serves each inbound stream of it
   */
  public void setStreamHandler(String protocolId, StreamHandler handler) {
    StreamHandler old = handlers.put(protocolId, handler);
    if (old == null) {
      protocolsChanged();
    }
  }

  /**
   * Declares streams of {@code protocolId} long-lived: they last as long as their connection and may
   * carry nothing for hours (a pubsub stream on a quiet topic), so the idle-stream timeout
   * ({@link HostConfig#idleStreamTimeout()}) never resets them, inbound or outbound. A dead peer is
   * found by connection liveness instead (muxer keepalive). Pubsub declares its protocols itself.
   *
   * @param protocolId the protocol id
   */
  public void markLongLived(String protocolId) {
    longLived.add(java.util.Objects.requireNonNull(protocolId, "protocolId"));
  }

  /**
   * {@return true when streams of {@code protocolId} are exempt from the idle-stream timeout}
   *
   * @param protocolId the protocol id
   */
  public boolean isLongLived(String protocolId) {
    return protocolId != null && longLived.contains(protocolId);
  }

  /**
   * Stops serving {@code protocolId}.
   *
   * @param protocolId the protocol id
   */
  public void removeStreamHandler(String protocolId) {
    if (handlers.remove(protocolId) != null) {
      protocolsChanged();
    }
  }

  /**
   * Subscribes to host events; the returned handle unsubscribes.
   *
   * @param listener called with each event
   * @return the handle
   */
  public Subscription addListener(Consumer<HostEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** A listener registration. */
  @FunctionalInterface
  public interface Subscription {
    /** Removes the listener; calling it again does nothing. */
    void cancel();
  }

  /**
   * {@return the open connection to {@code peer}, if any}
   *
   * @param peer the peer
   */
  public Optional<Connection> connection(PeerId peer) {
    synchronized (lock) {
      return Optional.ofNullable(connections.get(peer)).filter(Connection::isOpen);
    }
  }

  /** {@return all open connections} */
  public List<Connection> connections() {
    synchronized (lock) {
      return connections.values().stream().filter(Connection::isOpen).toList();
    }
  }

  /**
   * Connects to {@code addr}, which must end in {@code /p2p/<peer id>}.
   *
   * @param addr the peer's address
   * @return completes with the connection
   */
  public CompletableFuture<Connection> connect(Multiaddr addr) {
    Optional<PeerId> id = addr.peerId();
    if (id.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("address has no /p2p component: " + addr));
    }
    return connect(new PeerInfo(id.get(), List.of(addr.withoutPeerId())));
  }

  /**
   * Returns the connection to {@code peer.id()}, dialling its addresses in order when there is
   * none. Concurrent calls for one peer share one dial. The remote must prove it is {@code
   * peer.id()}; otherwise the dial fails.
   *
   * @param peer the peer and its addresses
   * @return completes with the connection
   */
  public CompletableFuture<Connection> connect(PeerInfo peer) {
    if (closed) {
      return CompletableFuture.failedFuture(new HostException("host is closed"));
    }
    if (peer.id().equals(peerId)) {
      return CompletableFuture.failedFuture(new HostException("cannot dial ourselves"));
    }
    if (!peer.addrs().isEmpty()) {
      peerStore.addAddrs(peer.id(), peer.addrs());
    }
    CompletableFuture<Connection> dial;
    boolean mine = false;
    synchronized (lock) {
      Connection c = connections.get(peer.id());
      if (c != null && c.isOpen()) {
        return CompletableFuture.completedFuture(c);
      }
      dial = dials.get(peer.id());
      if (dial == null) {
        dial = new CompletableFuture<>();
        dials.put(peer.id(), dial);
        mine = true;
      }
    }
    if (mine) {
      CompletableFuture<Connection> d = dial;
      List<Multiaddr> addrs = peerStore.addrs(peer.id());
      dialAddrs(peer.id(), addrs)
          .whenComplete(
              (c, e) -> {
                synchronized (lock) {
                  dials.remove(peer.id(), d);
                }
                if (e != null) {
                  d.completeExceptionally(unwrap(e));
                } else {
                  d.complete(c);
                }
              });
    }
    return dial;
  }

  /**
   * Opens a stream to {@code peer} for the first of {@code protocolIds} it supports, dialling a
   * known address first when not connected.
   *
   * @param peer the peer
   * @param protocolIds protocol ids, best first
   * @return completes with the stream, its protocol agreed
   */
  public CompletableFuture<Stream> newStream(PeerId peer, String... protocolIds) {
    return connect(new PeerInfo(peer, List.of()))
        .thenCompose(
            c ->
                c.newStream(protocolIds)
                    .exceptionallyCompose(
                        e -> {
                          // the connection may have just lost a simultaneous-dial tie: retry once
                          // on the one that replaced it
                          Optional<Connection> now = connection(peer);
                          if (!c.isOpen() && now.isPresent() && now.get() != c) {
                            return now.get().newStream(protocolIds);
                          }
                          return CompletableFuture.failedFuture(unwrap(e));
                        }));
  }

  /**
   * Closes the connection to {@code peer}; completes when it is closed.
   *
   * @param peer the peer
   * @return a future of the close
   */
  public CompletableFuture<Void> disconnect(PeerId peer) {
    Optional<Connection> c = connection(peer);
    if (c.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    c.get().close();
    return c.get().closeFuture();
  }

  /**
   * Pings {@code peer} once; see {@link Ping}.
   *
   * @param peer the peer
   * @return completes with the round-trip time
   */
  public CompletableFuture<java.time.Duration> ping(PeerId peer) {
    return Ping.ping(this, peer);
  }

  /** Closes listeners and connections and, when the host created it, the event loop group. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    tcp.close();
    QuicTransport q;
    synchronized (lock) {
      q = quic;
    }
    if (q != null) {
      q.close();
    }
    List<Connection> all;
    synchronized (lock) {
      all = new ArrayList<>(connections.values());
      for (CompletableFuture<Connection> d : dials.values()) {
        d.completeExceptionally(new HostException("host is closed"));
      }
    }
    for (Connection c : all) {
      c.close();
    }
    for (Connection c : all) {
      c.closeFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  // ---- connection lifecycle ----

  /**
   * Dials {@code addrs}: QUIC addresses first, each after the previous failed, and the TCP ones the
   * same way, starting {@link #QUIC_HEAD_START} after the first QUIC attempt (at once when the QUIC
   * attempts have all failed, or when there are none). The first connection wins; one that comes
   * up later meets the one-connection-per-peer rule in {@link #register} and is closed.
   */
  private CompletableFuture<Connection> dialAddrs(PeerId peer, List<Multiaddr> addrs) {
    List<Multiaddr> quicAddrs = new ArrayList<>();
    List<Multiaddr> tcpAddrs = new ArrayList<>();
    List<Multiaddr> other = new ArrayList<>();
    for (Multiaddr a : addrs) {
      if (QuicTransport.canHandle(a)) {
        quicAddrs.add(a);
      } else if (TcpTransport.canHandle(a)) {
        tcpAddrs.add(a);
      } else {
        other.add(a);
      }
    }
    if (!quicAddrs.isEmpty() && !quicAvailable()) {
      other.addAll(quicAddrs);
      quicAddrs.clear();
    }
    Throwable unsupported = other.isEmpty() ? null
        : new HostException("unsupported address " + other.get(other.size() - 1)
            + (QuicTransport.canHandle(other.get(other.size() - 1)) ? " (QUIC is not available here: "
                + quicUnavailableReason() + ")" : ""));
    if (quicAddrs.isEmpty() || tcpAddrs.isEmpty()) {
      List<Multiaddr> only = quicAddrs.isEmpty() ? tcpAddrs : quicAddrs;
      return dialInOrder(peer, only, 0, unsupported);
    }
    CompletableFuture<Connection> result = new CompletableFuture<>();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean tcpStarted = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable startTcp = () -> {
      if (!result.isDone() && tcpStarted.compareAndSet(false, true)) {
        dialInOrder(peer, tcpAddrs, 0, null).whenComplete((c, e) -> settle(result, c, e, firstFailure));
      }
    };
    dialInOrder(peer, quicAddrs, 0, null).whenComplete((c, e) -> {
      settle(result, c, e, firstFailure);
      if (e != null) {
        startTcp.run();
      }
    });
    // counted from when the first QUIC handshake is under way
    io.netty.util.concurrent.ScheduledFuture<?> headStart =
        group.next().schedule(startTcp, QUIC_HEAD_START.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((c, e) -> headStart.cancel(false));
    return result;
  }

  /** The first success completes {@code result}; the second failure fails it, naming both. */
  private static void settle(
      CompletableFuture<Connection> result, Connection c, Throwable e, AtomicReference<Throwable> firstFailure) {
    if (e == null) {
      result.complete(c);
    } else if (!firstFailure.compareAndSet(null, unwrap(e))) {
      Throwable first = firstFailure.get();
      Throwable second = unwrap(e);
      HostException both = new HostException(first.getMessage() + "; " + second.getMessage(), second);
      both.addSuppressed(first);
      result.completeExceptionally(both);
    }
  }

  private CompletableFuture<Connection> dialInOrder(
      PeerId peer, List<Multiaddr> addrs, int index, Throwable last) {
    if (index >= addrs.size()) {
      String why = last == null ? "no known address" : last.getMessage();
      return CompletableFuture.failedFuture(
          new HostException("cannot connect to " + peer + ": " + why, last));
    }
    Multiaddr addr = addrs.get(index);
    return dialOne(peer, addr)
        .handle(
            (c, e) ->
                e == null
                    ? CompletableFuture.completedFuture(c)
                    : dialInOrder(peer, addrs, index + 1, unwrap(e)))
        .thenCompose(f -> f);
  }

  private CompletableFuture<Connection> dialOne(PeerId peer, Multiaddr addr) {
    if (!resources.tryOpenConnection(false, peer)) {
      return CompletableFuture.failedFuture(resources.connectionLimit(false));
    }
    CompletableFuture<UpgradedConnection> upgraded;
    if (QuicTransport.canHandle(addr)) {
      upgraded = quic().dial(addr, peer).whenComplete((up, e) -> {
        if (e != null) {
          resources.closeConnection(false);
        } else {
          up.channel().closeFuture().addListener(f -> resources.closeConnection(false));
        }
      });
    } else {
      upgraded = tcp.dial(addr, writeBudget::attach)
          .whenComplete(
              (ch, e) -> {
                if (e != null) {
                  resources.closeConnection(false);
                } else {
                  ch.closeFuture().addListener(f -> resources.closeConnection(false));
                }
              })
          .thenCompose(ch -> upgrader.upgradeOutbound(ch, peer));
    }
    return upgraded
        .thenApply(this::register)
        .exceptionally(
            e -> {
              Throwable cause = unwrap(e);
              throw new HostException(
                  "dial to " + peer + " at " + addr + " failed: " + cause.getMessage(), cause);
            });
  }

  /** The QUIC transport, made on first use. */
  private QuicTransport quic() {
    synchronized (lock) {
      if (closed) {
        throw new HostException("host is closed");
      }
      if (quic == null) {
        if (!quicAvailable()) {
          throw new HostException("QUIC is not available here: " + quicUnavailableReason());
        }
        quic = new QuicTransport(identity, config.quic().withMaxStreams(
            Math.min(config.quic().maxStreams(), config.maxStreamsPerConnection())), group);
      }
      return quic;
    }
  }

  private static boolean quicAvailable() {
    return io.netty.handler.codec.quic.Quic.isAvailable();
  }

  private static String quicUnavailableReason() {
    Throwable why = io.netty.handler.codec.quic.Quic.unavailabilityCause();
    return why == null ? "unknown" : why.toString();
  }

  /** An inbound QUIC connection, at its first packet: takes a connection slot for its handshake and life. */
  private void onQuicAccepted(QuicTransport.Inbound in) {
    Channel ch = in.channel();
    if (closed || !resources.tryOpenConnection(true, in.remote())) {
      ch.close();
      in.upgraded().exceptionally(e -> null);
      return;
    }
    ch.closeFuture().addListener(f -> resources.closeConnection(true));
    in.upgraded()
        .thenApply(this::register)
        .exceptionally(
            e -> {
              RLOG.info("inbound QUIC connection from {} failed: {}", in.remote(), unwrap(e).getMessage());
              return null;
            });
  }

  private void onAccepted(Channel ch) {
    if (closed) {
      ch.close();
      return;
    }
    if (!resources.tryOpenConnection(true, ch.remoteAddress())) {
      ch.close();
      return;
    }
    writeBudget.attach(ch);
    // The slot is freed once: when the upgrade fails (before the channel closes, so a peer that
    // sees the close can immediately take the slot) or when the connection closes.
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        resources.closeConnection(true);
      }
    };
    ch.closeFuture().addListener(f -> release.run());
    upgrader
        .upgradeInbound(ch)
        .whenComplete((up, e) -> {
          if (e != null) {
            release.run();
          }
        })
        .thenApply(this::register)
        .exceptionally(
            e -> {
              RLOG.info("inbound connection from {} failed: {}", ch.remoteAddress(), unwrap(e).getMessage());
              return null;
            });
  }

  /**
   * Adopts an upgraded connection, or closes it when a connection to the same peer exists and wins
   * the tie. Returns the connection that stays.
   */
  private Connection register(UpgradedConnection up) {
    Connection c = new Connection(this, up);
    PeerId peer = c.remotePeer();
    Connection loser = null;
    Connection survivor;
    boolean first;
    boolean replacedDead;
    synchronized (lock) {
      if (closed) {
        c.close();
        throw new HostException("host is closed");
      }
      Connection existing = connections.get(peer);
      // A closed connection whose close callback has not run yet: once we replace it, that
      // callback finds another connection in the map and stays silent, so this peer's
      // disconnect and new connect are ours to report.
      replacedDead = existing != null && !existing.isOpen();
      first = existing == null || replacedDead;
      if (existing == null || replacedDead || keepsOver(c, existing)) {
        connections.put(peer, c);
        survivor = c;
        loser = existing;
      } else {
        survivor = existing;
        loser = c;
      }
    }
    peerStore.setPublicKey(peer, c.remotePublicKey());
    if (c.isInitiator()) {
      peerStore.addAddrs(peer, List.of(c.remoteAddr()));
    }
    if (loser != null && loser.isOpen()) {
      retire(loser, survivor);
    }
    if (survivor == c) {
      c.start();
      c.channel().closeFuture().addListener(f -> onClosed(c));
      if (replacedDead) {
        connectionManager.onDisconnected(peer);
        emit(new HostEvent.PeerDisconnected(peer));
      }
      connectionManager.onConnected();
      if (first) {
        emit(new HostEvent.PeerConnected(peer, c));
      }
      identify
          .identify(c)
          .exceptionally(
              e -> {
                LOG.debug("identify of {} failed: {}", peer, unwrap(e).getMessage());
                return null;
              });
    }
    return survivor;
  }

  /**
   * Retires the losing connection of a tie. Only its dialer closes it: were the listener to close
   * it, the dialer could see its dial fail mid-upgrade. The listener parks it (no new streams) and
   * closes it only if the dialer has not within the handshake timeout.
   */
  private void retire(Connection loser, Connection survivor) {
    loser.refuseStreams();
    if (loser.isInitiator()) {
      LOG.debug("closing duplicate {}; keeping {}", loser, survivor);
      loser.close();
    } else {
      loser
          .channel()
          .eventLoop()
          .schedule(loser::close, config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Simultaneous dial tie-break: of two connections between the same pair, keep the one dialled
   * by the peer with the smaller id bytes. Both ends compute the same answer, so both close the
   * same connection. Two connections with the same dialer: keep the older.
   */
  private boolean keepsOver(Connection candidate, Connection existing) {
    PeerId a = candidate.isInitiator() ? peerId : candidate.remotePeer();
    PeerId b = existing.isInitiator() ? peerId : existing.remotePeer();
    if (a.equals(b)) {
      return false;
    }
    return Arrays.compareUnsigned(a.toBytes(), b.toBytes()) < 0;
  }

  private void onClosed(Connection c) {
    boolean gone;
    synchronized (lock) {
      gone = connections.remove(c.remotePeer(), c);
    }
    if (gone) {
      connectionManager.onDisconnected(c.remotePeer());
      emit(new HostEvent.PeerDisconnected(c.remotePeer()));
    }
  }

  // ---- streams and protocols ----

  void dispatchInbound(Stream s, String protocol) {
    StreamHandler h = handlers.get(protocol);
    if (h == null) {
      s.reset();
      return;
    }
    emit(new HostEvent.StreamOpened(s));
    try {
      h.handle(s);
    } catch (RuntimeException e) {
      LOG.warn("handler for {} failed on stream from {}; resetting", protocol, s.remotePeer(), e);
      s.reset();
    }
  }

  void reportViolation(PeerId peer, String protocol, String violation) {
    emit(new HostEvent.ProtocolViolation(peer, protocol, violation));
  }

  private void protocolsChanged() {
    if (!started) {
      return;
    }
    List<String> now = List.copyOf(handlers.keySet());
    emit(new HostEvent.ProtocolsChanged(now));
    for (Connection c : connections()) {
      identify.push(c);
    }
  }

  private IdentifyInfo localIdentify(Connection c) {
    return new IdentifyInfo(
        Optional.of(identity.publicKey()),
        advertisedAddrs(),
        List.copyOf(handlers.keySet()),
        Optional.of(c.remoteAddr()),
        Optional.of(config.protocolVersion()),
        Optional.of(config.agentVersion()));
  }

  private void onIdentified(Connection c, IdentifyInfo info) {
    PeerId peer = c.remotePeer();
    if (!info.listenAddrs().isEmpty()) {
      peerStore.addAddrs(peer, info.listenAddrs());
    }
    peerStore.setProtocols(peer, info.protocols());
    peerStore.setIdentity(peer, info.agentVersion(), info.protocolVersion(), info.observedAddr());
    emit(new HostEvent.PeerIdentified(peer, info));
  }

  private void emit(HostEvent event) {
    for (Consumer<HostEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("host listener failed on {}", event, e);
      }
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Builds a {@link Host}. */
  public static final class Builder {
    private PrivateKey identity;
    private HostConfig config = HostConfig.defaults();
    private final List<Multiaddr> listenAddrs = new ArrayList<>();
    private EventLoopGroup group;
    private int threads;
    private Clock clock = Clock.system();

    private Builder() {}

    /**
     * Sets our identity key (default: a fresh secp256k1 key).
     *
     * @param key the key
     * @return this builder
     */
    public Builder identity(PrivateKey key) {
      this.identity = key;
      return this;
    }

    /**
     * Sets limits and settings (default {@link HostConfig#defaults()}).
     *
     * @param config the settings
     * @return this builder
     */
    public Builder config(HostConfig config) {
      this.config = config;
      return this;
    }

    /**
     * Adds listen addresses, e.g. {@code /ip4/0.0.0.0/tcp/9000} (every IPv4 interface) or {@code
     * /ip6/::/tcp/9000} (every interface, IPv4 too: Java listens dual-stack, so do not add both on
     * one port).
     *
     * @param addrs the addresses
     * @return this builder
     */
    public Builder listen(Multiaddr... addrs) {
      listenAddrs.addAll(List.of(addrs));
      return this;
    }

    /**
     * Adds listen addresses given as text.
     *
     * @param addrs the addresses
     * @return this builder
     */
    public Builder listen(String... addrs) {
      for (String a : addrs) {
        listenAddrs.add(Multiaddr.parse(a));
      }
      return this;
    }

    /**
     * Shares an event loop group owned by the caller (the host will not shut it down). By default
     * the host creates its own.
     *
     * @param group the group
     * @return this builder
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = group;
      return this;
    }

    /**
     * Threads of the host's own event loop group (default 0: Netty's choice).
     *
     * @param threads how many
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * The monotonic clock for connection ages, stream idleness and ping round trips (default
     * {@link Clock#system()}); tests pass one they drive.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** {@return a host with these settings, not yet listening} */
    public Host build() {
      return new Host(this);
    }
  }
}
