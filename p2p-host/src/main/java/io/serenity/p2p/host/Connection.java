package io.serenity.p2p.host;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.multistream.MultistreamConfig;
import io.serenity.p2p.multistream.MultistreamSelect;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.upgrade.UpgradedConnection;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secured, multiplexed connection to one peer. The {@link Host} keeps at most one per peer; get
 * it with {@link Host#connect} or {@link Host#connection}.
 */
public final class Connection {

  /** {@link #transport()} of a TCP connection (secured by Noise or TLS, multiplexed by yamux or mplex). */
  public static final String TCP = "tcp";
  /** {@link #transport()} of a QUIC v1 connection (its own TLS 1.3 and streams). */
  public static final String QUIC = "quic";

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Host host;
  private final UpgradedConnection up;
  private final Multiaddr remoteAddr;
  private final Multiaddr localAddr;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final MultistreamConfig multistreamConfig;
  private volatile ScheduledFuture<?> idleCheck;
  /** The keep-alive ping in flight (QUIC only); touched on the connection's event loop. */
  private CompletableFuture<?> keepAlivePing;
  private final long openedAtNanos;
  private final ResourceManager.PeerCounters resources;

  Connection(Host host, UpgradedConnection up) {
    this.host = host;
    this.up = up;
    this.openedAtNanos = host.clock().nanos();
    this.remoteAddr = up.remoteAddr();
    this.localAddr = up.localAddr();
    HostConfig c = host.config();
    this.multistreamConfig = new MultistreamConfig(c.maxMultistreamMessageLength(), 16);
    this.resources = host.resourceManager().attachPeer(up.remotePeer());
    up.channel().closeFuture().addListener(f -> host.resourceManager().detachPeer(resources));
  }

  /** {@return the authenticated remote peer} */
  public PeerId remotePeer() {
    return up.remotePeer();
  }

  /** {@return the remote's identity key, proven in the security handshake} */
  public PublicKey remotePublicKey() {
    return up.remotePublicKey();
  }

  /** {@return the remote's address ({@code /ip4/…/tcp/…}, or {@code /ip4/…/udp/…/quic-v1} over QUIC)} */
  public Multiaddr remoteAddr() {
    return remoteAddr;
  }

  /** {@return the transport: {@link #QUIC} for a {@code quic-v1} connection, else {@link #TCP}} */
  public String transport() {
    return remoteAddr.has(Multiaddr.Protocol.QUIC_V1) ? QUIC : TCP;
  }

  /** {@return our address on this connection} */
  public Multiaddr localAddr() {
    return localAddr;
  }

  /** {@return true when we dialled} */
  public boolean isInitiator() {
    return up.initiator();
  }

  /** {@return the muxer protocol id in use} */
  public String muxer() {
    return up.muxed().protocolId();
  }

  /**
   * {@return the security protocol id in use: {@link HostConfig#NOISE} or {@link HostConfig#TLS} over TCP,
   * {@code quic-v1} over QUIC (its own TLS 1.3)}
   */
  public String security() {
    return up.security();
  }

  /** When this connection was adopted by the host (on {@link Host#clock()}). */
  long openedAtNanos() {
    return openedAtNanos;
  }

  /** {@return true until the connection closes} */
  public boolean isOpen() {
    return up.channel().isOpen();
  }

  /**
   * Opens a stream and agrees on the first of {@code protocolIds} (in preference order) that the
   * peer supports. Fails with {@link HostException} when it supports none, or the stream limit is
   * reached.
   *
   * @param protocolIds protocol ids, best first
   * @return completes with the stream, its protocol agreed
   */
  public CompletableFuture<Stream> newStream(String... protocolIds) {
    if (protocolIds.length == 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no protocol id given"));
    }
    ResourceManager.StreamScope scope;
    try {
      scope = host.resourceManager().openStream(resources, false, openStreams());
    } catch (ResourceLimitException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<String> proposals = List.of(protocolIds);
    return up.muxed()
        .openStream()
        .whenComplete((ms, e) -> {
          if (e != null) {
            scope.close();
          }
        })
        .thenCompose(
            ms -> {
              Stream s = track(ms, scope);
              return MultistreamSelect.select(ms, proposals, s::bind, multistreamConfig)
                  .thenApply(p -> {
                    s.accountProtocol(p);
                    return s;
                  });
            })
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              throw new HostException(
                  "cannot open stream for " + Arrays.toString(protocolIds) + " to " + remotePeer()
                      + ": " + cause.getMessage(),
                  cause);
            });
  }

  /** {@return open streams} */
  public List<Stream> streams() {
    return streams.stream().filter(s -> !s.muxed().closeFuture().isDone()).toList();
  }

  /** {@return number of open streams} */
  public int streamCount() {
    return openStreams();
  }

  /** Closes the connection; its streams are reset. */
  public void close() {
    up.muxed().close();
    up.channel().close();
  }

  /**
   * Completes when the connection has closed.
   *
   * @return a future of the close
   */
  public CompletableFuture<Void> closeFuture() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    up.channel().closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  @Override
  public String toString() {
    return "connection to " + remotePeer() + " at " + remoteAddr + (isInitiator() ? " (out)" : " (in)");
  }

  /** {@return the host this connection belongs to} */
  public Host host() {
    return host;
  }

  // ---- package-private ----

  Channel channel() {
    return up.channel();
  }

  /**
   * Starts serving inbound streams and the idle-stream check. Streams the peer opened before this
   * (it may open identify or a pubsub stream the moment its handshake ends) were held by the muxer
   * and are served now, in the order they arrived; this may run on any thread.
   */
  void start() {
    up.muxed().setInboundStreamAcceptor(this::accept);
    long idle = host.config().idleStreamTimeout().toNanos();
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(idle / 4, TimeUnit.SECONDS.toNanos(30)));
    idleCheck =
        up.channel().eventLoop().scheduleAtFixedRate(() -> resetIdle(idle), period, period, TimeUnit.NANOSECONDS);
    up.channel().closeFuture().addListener(f -> idleCheck.cancel(false));
    if (up.security().equals(io.serenity.p2p.quic.QuicTransport.SECURITY)) {
      long every = keepAliveNanos(host.config().quic().maxIdleTimeout());
      ScheduledFuture<?> keepAlive =
          up.channel().eventLoop().scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.NANOSECONDS);
      up.channel().closeFuture().addListener(f -> keepAlive.cancel(false));
    }
  }

  /**
   * How often a QUIC connection is pinged: a third of the idle timeout, at most every 10 s, so that two
   * pings may be lost before QUIC closes a quiet connection. QUIC closes a connection that carries no
   * packet for its idle timeout (the smaller of both sides' values); yamux has its own keep-alive, and a
   * TCP connection does not time out by itself.
   */
  static long keepAliveNanos(java.time.Duration idleTimeout) {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(idleTimeout.toNanos() / 3, TimeUnit.SECONDS.toNanos(10)));
  }

  /**
   * Sends one libp2p ping, unless one is in flight. A peer that refuses the ping protocol still answers
   * the negotiation, which is all the idle timer needs; a dead peer is QUIC's idle timeout to find.
   */
  private void keepAlive() {
    if (keepAlivePing != null && !keepAlivePing.isDone()) {
      return;
    }
    keepAlivePing = newStream(io.serenity.p2p.protocol.ping.Ping.PROTOCOL_ID)
        .thenCompose(s -> io.serenity.p2p.protocol.ping.Ping.ping(s).whenComplete((rtt, e) -> s.closeWrite()))
        .whenComplete((rtt, e) -> {
          if (e != null && LOG.isDebugEnabled()) {
            LOG.debug("peer {}: keep-alive ping failed: {}", remotePeer(), e.getMessage());
          }
        });
  }

  /** A connection that lost a simultaneous-dial tie: refuses streams until it is closed. */
  void refuseStreams() {
    up.muxed().setInboundStreamAcceptor(MuxedStream::reset);
  }

  /**
   * Streams not yet closed. A stream leaves {@code streams} in a close callback that may run
   * after others observe the close, so the limit counts by state, not by set size.
   */
  private int openStreams() {
    int n = 0;
    for (Stream s : streams) {
      if (!s.muxed().closeFuture().isDone()) {
        n++;
      }
    }
    return n;
  }

  private Stream track(MuxedStream ms, ResourceManager.StreamScope scope) {
    Stream s = new Stream(this, ms, host.config().maxStreamReadBuffer(), scope);
    streams.add(s);
    ms.closeFuture().whenComplete((v, e) -> {
      streams.remove(s);
      s.releaseResources();
    });
    return s;
  }

  private void accept(MuxedStream ms) {
    ResourceManager.StreamScope scope;
    try {
      scope = host.resourceManager().openStream(resources, true, openStreams());
    } catch (ResourceLimitException e) {
      ms.reset(); // counted and logged (rate-limited) by the resource manager
      return;
    }
    Stream s = track(ms, scope);
    MultistreamSelect.accept(ms, host.protocols(), s::bind, multistreamConfig)
        .whenComplete(
            (p, e) -> {
              if (e != null) {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
                if (c instanceof io.serenity.p2p.multistream.MultistreamAbortedException) {
                  // the peer reset or closed the stream first, e.g. because it is going away
                  LOG.debug("peer {}: stream ended during negotiation: {}", remotePeer(), c.getMessage());
                } else {
                  RLOG.info("peer {}: stream negotiation failed: {}", remotePeer(), c.getMessage());
                }
                return;
              }
              try {
                s.accountProtocol(p);
              } catch (ResourceLimitException limit) {
                return; // the stream was reset; counted and logged by the resource manager
              }
              host.dispatchInbound(s, p);
            });
  }

  /**
   * Resets streams without traffic for {@code idleNanos}, except those of long-lived protocols
   * ({@link Host#markLongLived}); a stream still negotiating its protocol is never exempt, so a
   * peer cannot park streams by stalling multistream-select.
   */
  private void resetIdle(long idleNanos) {
    long now = host.clock().nanos();
    for (Stream s : streams) {
      if (s.idleNanos(now) > idleNanos && !host.isLongLived(s.protocol())) {
        LOG.debug("resetting {}: no traffic for {} ms", s, TimeUnit.NANOSECONDS.toMillis(idleNanos));
        s.reset();
      }
    }
  }
}
