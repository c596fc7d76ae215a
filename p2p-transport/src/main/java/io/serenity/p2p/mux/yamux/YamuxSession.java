package io.serenity.p2p.mux.yamux;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.mux.InboundStreams;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxerException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A yamux session on one secured connection: the last handler of the channel's pipeline, fed {@link
 * YamuxFrame}s by the decoder in front of it. All state lives on the channel's event loop; public
 * methods may be called from any thread and hop onto it.
 *
 * <pre>{@code
 * YamuxSession session = Yamux.create().install(channel, true);
 * Duration rtt = session.ping().get(5, TimeUnit.SECONDS);
 * }</pre>
 */
public final class YamuxSession extends ChannelInboundHandlerAdapter implements MuxedConnection {
  private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final io.serenity.p2p.core.internal.RateLimitedLog RLOG = io.serenity.p2p.core.internal.RateLimitedLog.perMinute(LOG, 5);

  private record PendingPing(long startNanos, CompletableFuture<Duration> rtt) {}

  private final Channel channel;
  private final boolean initiator;
  private final YamuxConfig config;
  private final LongSupplier nanoClock;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private final Map<Long, YamuxStream> streams = new HashMap<>();
  private volatile int streamCount;
  private int inboundCount;
  private int outboundCount;
  private int unackedOutbound;

  /** Dialer odd, listener even (spec "StreamID Field"); ids are never reused. */
  private long nextStreamId;

  private final ArrayDeque<CompletableFuture<MuxedStream>> pendingOpens = new ArrayDeque<>();

  private final InboundStreams inbound = new InboundStreams("yamux", this);

  private final Map<Long, PendingPing> pings = new LinkedHashMap<>();
  private long nextPingId;

  /** Latest measured round-trip time, 0 until a ping was answered; drives window auto-tuning. */
  private long rttNanos;

  private boolean started;
  private CompletableFuture<Duration> keepAlivePing;
  private io.netty.util.concurrent.ScheduledFuture<?> keepAliveTask;

  private boolean localGoAway;
  private boolean remoteGoAway;
  private boolean closed;
  private boolean flushScheduled;

  private volatile long bufferedBytes;
  private volatile long maxBufferedBytes;

  /** The connection's share of the host's write budget; null when the channel has none. */
  private final io.serenity.p2p.transport.WriteBudget.Account writeAccount;

  YamuxSession(Channel channel, boolean initiator, YamuxConfig config, LongSupplier nanoClock) {
    this.channel = channel;
    this.writeAccount = io.serenity.p2p.transport.WriteBudget.accountOf(channel);
    if (writeAccount != null) {
      writeAccount.setMuxer("yamux");
    }
    this.initiator = initiator;
    this.config = config;
    this.nanoClock = nanoClock;
    this.nextStreamId = initiator ? 1 : 2;
    channel
        .closeFuture()
        .addListener(f -> runOnLoop(() -> shutDown("connection closed"), () -> {}));
  }

  // ---- MuxedConnection ----

  @Override
  public String protocolId() {
    return Yamux.PROTOCOL_ID;
  }

  @Override
  public CompletableFuture<MuxedStream> openStream() {
    CompletableFuture<MuxedStream> opened = new CompletableFuture<>();
    runOnLoop(
        () -> {
          if (closed) {
            opened.completeExceptionally(new MuxerException("yamux: session is closed"));
          } else if (localGoAway || remoteGoAway) {
            opened.completeExceptionally(
                new MuxerException("yamux: session is going away, no new streams"));
          } else if (outboundCount + pendingOpens.size() >= config.maxOutboundStreams()) {
            opened.completeExceptionally(
                new MuxerException(
                    "yamux: outbound stream limit " + config.maxOutboundStreams() + " reached"));
          } else {
            pendingOpens.add(opened);
            openPending();
          }
        },
        () ->
            opened.completeExceptionally(new MuxerException("yamux: session event loop is gone")));
    return opened;
  }

  @Override
  public CompletableFuture<Void> setInboundStreamAcceptor(Consumer<MuxedStream> acceptor) {
    Objects.requireNonNull(acceptor, "acceptor");
    CompletableFuture<Void> inForce = new CompletableFuture<>();
    runOnLoop(
        () -> {
          inbound.install(acceptor);
          inForce.complete(null);
        },
        () -> inForce.complete(null)); // the loop is gone: so is the session
    return inForce;
  }

  @Override
  public long refusedEarlyStreams() {
    return inbound.refusedCount();
  }

  @Override
  public int streamCount() {
    return streamCount;
  }

  /** Sends GoAway(normal), resets every stream and closes the connection. */
  @Override
  public void close() {
    runOnLoop(() -> terminate(YamuxFrame.GO_AWAY_NORMAL, "closed locally"), () -> {});
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  // ---- yamux extras ----

  /**
   * Sends a ping (spec "Ping") and completes with the round-trip time. Fails when the session
   * closes first or too many pings are outstanding; add a timeout with {@code orTimeout}.
   *
   * @return completes with the round-trip time
   */
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> rtt = new CompletableFuture<>();
    runOnLoop(
        () -> {
          if (closed) {
            rtt.completeExceptionally(new MuxerException("yamux: session is closed"));
          } else if (pings.size() >= config.maxOutstandingPings()) {
            rtt.completeExceptionally(
                new MuxerException("yamux: " + pings.size() + " pings already outstanding"));
          } else {
            long opaque = nextPingId;
            nextPingId = (nextPingId + 1) & YamuxFrame.MAX_UINT32;
            pings.put(opaque, new PendingPing(nanoClock.getAsLong(), rtt));
            send(new YamuxFrame.Ping(YamuxFlag.SYN.bit(), opaque), voidPromise());
          }
        },
        () -> rtt.completeExceptionally(new MuxerException("yamux: session event loop is gone")));
    return rtt;
  }

  /**
   * Tells the remote we are going away (GoAway normal) without closing: existing streams carry on,
   * new inbound streams are refused with RST and {@link #openStream()} fails.
   */
  public void goAway() {
    runOnLoop(
        () -> {
          if (!closed && !localGoAway) {
            localGoAway = true;
            failPendingOpens("yamux: session is going away, no new streams");
            send(new YamuxFrame.GoAway(YamuxFrame.GO_AWAY_NORMAL), voidPromise());
          }
        },
        () -> {});
  }

  /** Bytes held by this session: unread inbound data plus queued outbound data. */
  long bufferedBytes() {
    return bufferedBytes;
  }

  /** The highest {@link #bufferedBytes()} seen. */
  long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  // ---- Netty ----

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (channel.isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (started || closed) {
      return;
    }
    started = true;
    startKeepAlive();
    if (config.maxStreamWindow() > config.initialStreamWindow()) {
      // Window auto-tuning needs a round-trip time; go-yamux also pings once at session start.
      ping();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    shutDown("connection closed");
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    shutDown("yamux session removed from the pipeline");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof YamuxFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closed) {
      release(frame);
      return;
    }
    try {
      if (frame instanceof YamuxFrame.Ping ping) {
        onPing(ping);
      } else if (frame instanceof YamuxFrame.GoAway goAway) {
        onGoAway(goAway);
      } else {
        onStreamFrame(frame);
      }
    } catch (YamuxException e) {
      protocolError(e.getMessage());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable c =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (c instanceof YamuxException) {
      protocolError(c.getMessage());
    } else {
      LOG.debug("yamux: connection to {} failed; closing", remote(), c);
      terminate(YamuxFrame.GO_AWAY_INTERNAL_ERROR, "connection error: " + c);
    }
  }

  // ---- inbound frames ----

  private void onStreamFrame(YamuxFrame frame) {
    long id = frame.streamId();
    int flags = frame.flags();
    YamuxFrame.Data data = frame instanceof YamuxFrame.Data d ? d : null;
    boolean dataHandedOn = false;
    try {
      if (id == 0) {
        throw new YamuxException("yamux: stream frame (type " + frame.type() + ") on session id 0");
      }
      YamuxStream stream;
      if (YamuxFlag.SYN.isSetIn(flags)) {
        stream = openInbound(id);
      } else {
        stream = streams.get(id);
      }
      if (stream == null) {
        // A stream we reset, finished or refused: frames already in flight are dropped (go-yamux
        // does the same), they are not an error.
        return;
      }
      if (YamuxFlag.ACK.isSetIn(flags)) {
        stream.onAck();
      }
      if (YamuxFlag.RST.isSetIn(flags)) {
        stream.onRemoteReset();
        return;
      }
      if (frame instanceof YamuxFrame.WindowUpdate wu) {
        stream.onWindowUpdate(wu.delta());
      } else if (data != null) {
        dataHandedOn = true;
        stream.onData(data.data());
      }
      if (YamuxFlag.FIN.isSetIn(flags) && !stream.isReset()) {
        stream.onRemoteFin();
      }
    } finally {
      if (data != null && !dataHandedOn) {
        data.data().release();
      }
    }
  }

  /** A SYN from the remote (spec "Opening a stream"); returns null when refused with RST. */
  private YamuxStream openInbound(long id) {
    if ((id % 2 == 0) != initiator) {
      throw new YamuxException("yamux: SYN for stream " + id + ", an id of our own parity");
    }
    if (streams.containsKey(id)) {
      throw new YamuxException("yamux: SYN for stream " + id + ", which is already open");
    }
    if (localGoAway) {
      sendStreamReset(id);
      return null;
    }
    if (inboundCount >= config.maxInboundStreams()) {
      RLOG.warn(
          "yamux: {} opened stream {} beyond the limit of {} inbound streams; resetting it",
          remote(),
          id,
          config.maxInboundStreams());
      sendStreamReset(id);
      return null;
    }
    if (!inbound.admit(id)) {
      sendStreamReset(id); // too many already wait for an acceptor; counted and logged
      return null;
    }
    YamuxStream stream = new YamuxStream(this, id, false, config.initialStreamWindow());
    register(stream);
    inboundCount++;
    send(new YamuxFrame.WindowUpdate(id, YamuxFlag.ACK.bit(), extraWindow()), voidPromise());
    inbound.arrived(stream);
    return stream;
  }

  private void onPing(YamuxFrame.Ping ping) {
    if (YamuxFlag.SYN.isSetIn(ping.flags())) {
      if (!channel.isWritable()) {
        // A peer that pings without reading must not grow our outbound buffer; go-yamux also
        // drops replies it cannot queue.
        LOG.debug("yamux: dropping ping reply to {}: connection not writable", remote());
        return;
      }
      send(new YamuxFrame.Ping(YamuxFlag.ACK.bit(), ping.opaque()), voidPromise());
    } else if (YamuxFlag.ACK.isSetIn(ping.flags())) {
      PendingPing p = pings.remove(ping.opaque());
      if (p != null) {
        rttNanos = Math.max(1, nanoClock.getAsLong() - p.startNanos());
        p.rtt().complete(Duration.ofNanos(rttNanos));
      }
    }
  }

  private void onGoAway(YamuxFrame.GoAway goAway) {
    remoteGoAway = true;
    failPendingOpens("yamux: remote sent GoAway, no new streams");
    if (goAway.errorCode() == YamuxFrame.GO_AWAY_NORMAL) {
      LOG.debug("yamux: {} is going away", remote());
    } else {
      RLOG.warn("yamux: {} sent GoAway with error code {}; closing", remote(), goAway.errorCode());
      shutDown("remote sent GoAway " + goAway.errorCode());
      channel.close();
    }
  }

  private void protocolError(String violation) {
    if (closed) {
      return;
    }
    RLOG.warn(
        "yamux: protocol error by {}: {}; sending GoAway(protocol error) and closing",
        remote(),
        violation);
    terminate(YamuxFrame.GO_AWAY_PROTOCOL_ERROR, "protocol error: " + violation);
  }

  // ---- outbound ----

  private void openPending() {
    CompletableFuture<MuxedStream> opened;
    while (!closed
        && unackedOutbound < config.maxUnackedOutboundStreams()
        && (opened = pendingOpens.poll()) != null) {
      if (opened.isDone()) {
        continue; // the caller gave up (cancelled or timed out)
      }
      if (nextStreamId > YamuxFrame.MAX_UINT32) {
        opened.completeExceptionally(new MuxerException("yamux: stream ids exhausted"));
        continue;
      }
      long id = nextStreamId;
      nextStreamId += 2;
      YamuxStream stream = new YamuxStream(this, id, true, config.initialStreamWindow());
      register(stream);
      outboundCount++;
      unackedOutbound++;
      // The SYN goes out at once on a window update, as go-yamux does, so the remote learns of
      // the stream even before we write.
      send(new YamuxFrame.WindowUpdate(id, YamuxFlag.SYN.bit(), extraWindow()), voidPromise());
      opened.complete(stream);
    }
  }

  void onStreamAcked() {
    unackedOutbound--;
    openPending();
  }

  void sendStreamReset(long id) {
    send(new YamuxFrame.WindowUpdate(id, YamuxFlag.RST.bit(), 0), voidPromise());
  }

  /** The window above the spec's 256 KiB that we grant with SYN/ACK (spec "Flow Control"). */
  private long extraWindow() {
    return config.initialStreamWindow() - YamuxConfig.SPEC_INITIAL_WINDOW;
  }

  /** Encodes and writes {@code frame}; flushes once per event-loop task batch. */
  void send(YamuxFrame frame, ChannelPromise promise) {
    if (frame instanceof YamuxFrame.Data data && data.data().isReadable() && channel.eventLoop().inEventLoop()) {
      // Header and body as two writes, nothing between them on the loop: a secure channel seals all
      // writes up to the flush together, so a composite buffer per frame would buy nothing.
      channel.write(YamuxFrameCodec.encodeHeader(channel.alloc(), frame), channel.voidPromise());
      channel.write(data.data(), promise);
    } else {
      channel.write(YamuxFrameCodec.encode(channel.alloc(), frame), promise);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      try {
        channel.eventLoop().execute(this::flush);
      } catch (RejectedExecutionException e) {
        flush();
      }
    }
  }

  private void flush() {
    flushScheduled = false;
    channel.flush();
  }

  ChannelPromise newPromise() {
    return channel.newPromise();
  }

  ChannelPromise voidPromise() {
    return channel.voidPromise();
  }

  // ---- bookkeeping ----

  private void register(YamuxStream stream) {
    streams.put(stream.id(), stream);
    streamCount = streams.size();
  }

  void removeStream(YamuxStream stream) {
    if (streams.remove(stream.id()) == null) {
      return;
    }
    streamCount = streams.size();
    if (stream.isInitiator()) {
      outboundCount--;
      if (!stream.isAcked()) {
        unackedOutbound--;
        openPending();
      }
    } else {
      inboundCount--;
    }
  }

  void addBuffered(long delta) {
    long now = bufferedBytes + delta;
    bufferedBytes = now;
    if (now > maxBufferedBytes) {
      maxBufferedBytes = now;
    }
  }

  YamuxConfig config() {
    return config;
  }

  /**
   * Charges bytes a stream queues for the peer's window to the write budget; false when the node's
   * bound refused them (this connection holds the most and is being closed).
   */
  boolean reserveWrite(long n) {
    return writeAccount == null || writeAccount.reserve(n);
  }

  /** Gives back bytes charged by {@link #reserveWrite} (sent, or dropped). */
  void releaseWrite(long n) {
    if (writeAccount != null && n > 0) {
      writeAccount.release(n);
    }
  }

  /** Counts a write bound met on this connection. */
  void boundHit(io.serenity.p2p.transport.WriteBudget.Scope scope) {
    YamuxStream.WRITE_BOUND_HITS.incrementAndGet();
    if (writeAccount != null) {
      writeAccount.hit(scope);
    }
  }

  long nanoTime() {
    return nanoClock.getAsLong();
  }

  long rttNanos() {
    return rttNanos;
  }

  SocketAddress remote() {
    return channel.remoteAddress();
  }

  /** Runs {@code task} on the event loop; {@code onRejected} if the loop no longer runs tasks. */
  /** {@return true on the connection's event loop} */
  boolean inLoop() {
    return channel.eventLoop().inEventLoop();
  }

  void runOnLoop(Runnable task, Runnable onRejected) {
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      onRejected.run();
    }
  }

  /** Says GoAway with {@code code}, resets everything and closes the channel once that is sent. */
  private void terminate(long code, String why) {
    if (closed) {
      return;
    }
    if (channel.isActive()) {
      ChannelPromise sent = newPromise();
      sent.addListener(ChannelFutureListener.CLOSE);
      send(new YamuxFrame.GoAway(code), sent);
      flush();
    } else {
      channel.close();
    }
    shutDown(why);
  }

  /** Resets every stream and fails everything pending; idempotent. */
  private void shutDown(String why) {
    if (closed && streams.isEmpty() && closeFuture.isDone()) {
      return;
    }
    closed = true;
    if (keepAliveTask != null) {
      keepAliveTask.cancel(false);
    }
    failPendingOpens("yamux: session " + why);
    List<YamuxStream> open = new ArrayList<>(streams.values());
    for (YamuxStream s : open) {
      s.terminate("reset: session " + why);
    }
    inbound.clear();
    MuxerException failure = new MuxerException("yamux: session " + why);
    for (PendingPing p : pings.values()) {
      p.rtt().completeExceptionally(failure);
    }
    pings.clear();
    if (!channel.isOpen()) {
      closeFuture.complete(null);
    }
  }

  private void failPendingOpens(String why) {
    CompletableFuture<MuxedStream> f;
    while ((f = pendingOpens.poll()) != null) {
      f.completeExceptionally(new MuxerException(why));
    }
  }

  private void startKeepAlive() {
    long nanos = config.keepAliveInterval().toNanos();
    if (nanos == 0 || keepAliveTask != null || closed) {
      return;
    }
    keepAliveTask =
        channel
            .eventLoop()
            .scheduleAtFixedRate(this::keepAliveTick, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  private void keepAliveTick() {
    if (closed) {
      return;
    }
    if (keepAlivePing != null && !keepAlivePing.isDone()) {
      RLOG.warn(
          "yamux: keep-alive ping to {} unanswered after {}; closing",
          remote(),
          config.keepAliveInterval());
      terminate(YamuxFrame.GO_AWAY_NORMAL, "keep-alive timeout");
      return;
    }
    keepAlivePing = ping();
  }

  private static void release(YamuxFrame frame) {
    if (frame instanceof YamuxFrame.Data d) {
      d.data().release();
    }
  }

  @Override
  public String toString() {
    return "YamuxSession{remote=" + remote() + ", initiator=" + initiator + "}";
  }
}
