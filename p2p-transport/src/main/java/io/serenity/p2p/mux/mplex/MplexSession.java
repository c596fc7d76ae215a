package io.serenity.p2p.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;
import io.serenity.p2p.mux.InboundStreams;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.transport.WriteBudget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mplex connection: the last handler of a pipeline whose {@link MplexFrameCodec} turns the
 * plaintext bytes into frames. It routes frames to {@link MplexStream}s and writes theirs.
 *
 * <p>All state is touched only on the channel's event loop; public methods hop onto it.
 */
final class MplexSession extends ChannelInboundHandlerAdapter implements MuxedConnection {

  private static final Logger LOG = LoggerFactory.getLogger(MplexSession.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final io.serenity.p2p.core.internal.RateLimitedLog RLOG = io.serenity.p2p.core.internal.RateLimitedLog.perMinute(LOG, 5);

  private final Channel channel;
  private final boolean initiator;
  private final MplexConfig config;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // Both sides allocate ids from 0 independently (spec "Opening a new stream"), so a stream is
  // named by its id and by who opened it: one map per side.
  private final Map<Long, MplexStream> localStreams = new HashMap<>();
  private final Map<Long, MplexStream> remoteStreams = new HashMap<>();

  private volatile int streamCount;
  private final InboundStreams inbound = new InboundStreams("mplex", this);

  private ChannelHandlerContext ctx;
  private long nextStreamId;
  private boolean closed;
  /** A flush is queued behind this event-loop turn's tasks (loop-confined). */
  private boolean flushScheduled;

  /** The connection's share of the host's write budget; null when the channel has none. */
  private final WriteBudget.Account writeAccount;

  /** Streams that held their connection's reads, all mplex sessions of the process. */
  static final java.util.concurrent.atomic.AtomicLong READ_HOLDS = new java.util.concurrent.atomic.AtomicLong();
  /** Streams reset for holding their connection's reads past the timeout, all sessions. */
  static final java.util.concurrent.atomic.AtomicLong READ_HOLD_RESETS = new java.util.concurrent.atomic.AtomicLong();
  /** Streams whose reader is behind: while any is, the socket is not read. Event loop only. */
  private final java.util.Set<MplexStream> holdingReads = new java.util.HashSet<>();

  /** Writes refused or streams reset by the write bounds, all mplex sessions of the process. */
  static final java.util.concurrent.atomic.AtomicLong WRITE_BOUND_HITS = new java.util.concurrent.atomic.AtomicLong();

  MplexSession(Channel channel, boolean initiator, MplexConfig config) {
    this.channel = channel;
    this.writeAccount = WriteBudget.accountOf(channel);
    if (writeAccount != null) {
      writeAccount.setMuxer("mplex");
    }
    this.initiator = initiator;
    this.config = config;
    channel.closeFuture().addListener(f -> closeFuture.complete(null));
  }

  // ---- MuxedConnection ----------------------------------------------------------------------

  @Override
  public String protocolId() {
    return Mplex.PROTOCOL_ID;
  }

  @Override
  public CompletableFuture<MuxedStream> openStream() {
    CompletableFuture<MuxedStream> result = new CompletableFuture<>();
    runOnLoop(
        () -> openStreamOnLoop(result),
        () -> result.completeExceptionally(new MplexException("mplex: session is closed")));
    return result;
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

  @Override
  public void close() {
    // mplex has no GoAway: resetting our streams and closing the connection is all we can say.
    runOnLoop(
        () -> {
          shutdown();
          channel.close();
        },
        channel::close);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  // ---- Netty --------------------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    shutdown();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof MplexFrame frame) || closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (frame instanceof MplexFrame.NewStream newStream) {
      onNewStream(newStream);
      return;
    }
    // An Initiator flag means the sender opened the stream, so it is one of the remote's streams;
    // a Receiver flag names one we opened (spec "Flag Values").
    MplexStream stream =
        (frame.fromInitiator() ? remoteStreams : localStreams).get(frame.streamId());
    if (frame instanceof MplexFrame.Message message) {
      if (stream == null) {
        // Normal after we reset or fully closed a stream; go-mplex drops such data too.
        if (LOG.isDebugEnabled()) {
          LOG.debug("mplex {}: dropping {} bytes for unknown stream {} ({})", remote(),
              message.data().readableBytes(), frame.streamId(), side(frame));
        }
        message.release();
        return;
      }
      stream.onRemoteData(message.data());
    } else if (frame instanceof MplexFrame.Close) {
      if (stream != null) {
        stream.onRemoteClose();
      }
    } else if (frame instanceof MplexFrame.Reset) {
      if (stream != null) {
        stream.onRemoteReset();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    shutdown();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason = cause instanceof DecoderException && cause.getCause() != null
        ? cause.getCause() : cause;
    if (reason instanceof MplexException) {
      // The message names the violation and starts with "mplex:".
      RLOG.warn("closing connection to {}: {}", remote(), reason.getMessage());
    } else if (reason instanceof IOException) {
      // A socket error (reset by peer and the like) is routine for a p2p node.
      LOG.debug("mplex: connection to {} failed: {}", remote(), reason.toString());
    } else {
      LOG.warn("mplex: closing connection to {} after an unexpected error", remote(), reason);
    }
    shutdown();
    ctx.close();
  }

  // ---- inbound ------------------------------------------------------------------------------

  private void onNewStream(MplexFrame.NewStream frame) {
    long id = frame.streamId();
    if (remoteStreams.containsKey(id)) {
      // go-mplex treats this as an invalid state and drops the connection.
      exceptionCaught(ctx, new MplexException(
          "mplex: NewStream for stream " + id + " which the remote already has open"));
      return;
    }
    if (remoteStreams.size() >= config.maxInboundStreams()) {
      LOG.debug("mplex {}: resetting inbound stream {}: limit of {} inbound streams reached",
          remote(), id, config.maxInboundStreams());
      writeAndFlush(new MplexFrame.Reset(id, false));
      return;
    }
    if (!inbound.admit(id)) {
      // too many already wait for an acceptor; counted and logged
      writeAndFlush(new MplexFrame.Reset(id, false));
      return;
    }
    MplexStream stream = new MplexStream(this, id, false);
    remoteStreams.put(id, stream);
    updateStreamCount();
    // Held until an acceptor is installed when there is none yet (InboundStreams).
    inbound.arrived(stream);
  }

  // ---- outbound -----------------------------------------------------------------------------

  private void openStreamOnLoop(CompletableFuture<MuxedStream> result) {
    if (!isOpen()) {
      result.completeExceptionally(new MplexException("mplex: session is closed"));
      return;
    }
    if (localStreams.size() >= config.maxOutboundStreams()) {
      result.completeExceptionally(new MplexException(
          "mplex: limit of " + config.maxOutboundStreams() + " outbound streams reached"));
      return;
    }
    if (nextStreamId > MplexFrame.MAX_STREAM_ID) {
      result.completeExceptionally(new MplexException("mplex: stream ids exhausted"));
      return;
    }
    long id = nextStreamId++;
    MplexStream stream = new MplexStream(this, id, true);
    localStreams.put(id, stream);
    updateStreamCount();
    // Name = the id in decimal, as go-mplex and js-mplex do; the name is debug-only.
    writeAndFlush(new MplexFrame.NewStream(id, Long.toString(id))).addListener(f -> {
      if (f.isSuccess()) {
        result.complete(stream);
      } else {
        stream.onConnectionClosed();
        streamFinished(stream);
        result.completeExceptionally(new MplexException("mplex: could not open stream", f.cause()));
      }
    });
  }

  /**
   * Writes {@code data} on {@code stream} as messages of at most {@code writeChunkSize} bytes;
   * takes ownership of {@code data}. The returned future completes when the last one is written.
   */
  ChannelFuture writeData(MplexStream stream, ByteBuf data) {
    if (data.readableBytes() <= config.writeChunkSize()) {
      return writeAndFlush(new MplexFrame.Message(stream.id(), stream.isInitiator(), data));
    }
    ChannelPromise all = ctx.newPromise();
    PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
    try {
      while (data.isReadable()) {
        int n = Math.min(config.writeChunkSize(), data.readableBytes());
        combiner.add(write(new MplexFrame.Message(
            stream.id(), stream.isInitiator(), data.readRetainedSlice(n))));
      }
    } finally {
      data.release();
    }
    flushSoon();
    combiner.finish(all);
    return all;
  }

  /** Writes {@code frame}; it leaves with the flush of this event-loop turn (see {@link #flushSoon}). */
  ChannelFuture writeAndFlush(MplexFrame frame) {
    ChannelFuture future = write(frame);
    flushSoon();
    return future;
  }

  /**
   * Flushes once per batch of event-loop tasks instead of once per frame: the frames written in one
   * turn leave in one socket write, sealed by a secure channel in as few messages as fit.
   */
  private void flushSoon() {
    if (!channel.eventLoop().inEventLoop()) {
      ctx.flush();
      return;
    }
    if (!flushScheduled) {
      flushScheduled = true;
      try {
        channel.eventLoop().execute(this::flushNow);
      } catch (RejectedExecutionException e) {
        flushNow();
      }
    }
  }

  private void flushNow() {
    flushScheduled = false;
    ctx.flush();
  }

  private ChannelFuture write(MplexFrame frame) {
    return ctx.write(MplexFrameCodec.encode(frame, config.maxMessageSize(), ctx.alloc()));
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** True while frames can be written: installed, not shut down. Event loop only. */
  boolean isOpen() {
    return ctx != null && !closed && channel.isActive();
  }

  MplexConfig config() {
    return config;
  }

  /**
   * Bytes this connection holds for the peer to read: mplex has no flow control, so everything
   * written waits in the socket's outbound buffer until the peer reads it.
   */
  long queuedForWrite() {
    if (writeAccount != null) {
      return writeAccount.held();
    }
    io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** The bound on {@link #queuedForWrite()}: the write budget's, or its default. */
  long connectionWriteLimit() {
    return writeAccount != null ? writeAccount.connectionLimit() : WriteBudget.DEFAULT_CONNECTION_LIMIT;
  }

  /** Counts a write bound met on this connection. */
  void boundHit(WriteBudget.Scope scope) {
    WRITE_BOUND_HITS.incrementAndGet();
    if (writeAccount != null) {
      writeAccount.hit(scope);
    }
  }

  /**
   * {@code stream}'s reader is behind: stop reading the socket until it (and any other stream
   * behind) catches up. Frames already read are still delivered. Event loop only.
   */
  void holdReads(MplexStream stream) {
    if (holdingReads.add(stream)) {
      READ_HOLDS.incrementAndGet();
      if (holdingReads.size() == 1) {
        LOG.debug("mplex {}: reader of {} is behind; pausing reads of the connection", remote(), stream);
        channel.config().setAutoRead(false);
      }
    }
  }

  /** {@code stream} caught up, was reset or closed: read again once no stream is behind. */
  void releaseReads(MplexStream stream) {
    if (holdingReads.remove(stream) && holdingReads.isEmpty() && channel.isActive()) {
      LOG.debug("mplex {}: reader of {} caught up; reading the connection again", remote(), stream);
      channel.config().setAutoRead(true); // from false: Netty also asks for a read
    }
  }

  io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, java.time.Duration delay) {
    return channel.eventLoop().schedule(task, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Forgets a stream that is reset or closed both ways, so its id no longer routes frames. */
  void streamFinished(MplexStream stream) {
    Map<Long, MplexStream> streams = stream.isInitiator() ? localStreams : remoteStreams;
    if (streams.get(stream.id()) == stream) {
      streams.remove(stream.id());
      updateStreamCount();
    }
  }

  /** Runs {@code task} on the event loop, or {@code rejected} when the loop is shut down. */
  /** {@return true on the connection's event loop} */
  boolean inLoop() {
    return channel.eventLoop().inEventLoop();
  }

  void runOnLoop(Runnable task, Runnable rejected) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      rejected.run();
    }
  }

  /** The remote's address and our role, for log lines. */
  String remote() {
    return channel.remoteAddress() + (initiator ? " (we dialled)" : " (they dialled)");
  }

  private void shutdown() {
    if (closed) {
      return;
    }
    closed = true;
    inbound.clear();
    List<MplexStream> all = new ArrayList<>(localStreams.values());
    all.addAll(remoteStreams.values());
    localStreams.clear();
    remoteStreams.clear();
    updateStreamCount();
    for (MplexStream stream : all) {
      stream.onConnectionClosed();
    }
  }

  private void updateStreamCount() {
    streamCount = localStreams.size() + remoteStreams.size();
  }

  @Override
  public String toString() {
    return "MplexSession{" + remote() + "}";
  }

  private static String side(MplexFrame frame) {
    return frame.fromInitiator() ? "remote-initiated" : "locally initiated";
  }
}
