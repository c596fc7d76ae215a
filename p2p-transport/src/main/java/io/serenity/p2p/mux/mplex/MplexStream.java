package io.serenity.p2p.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.transport.WriteBudget;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mplex stream. Its state lives on the session's event loop; public methods hop onto it.
 *
 * <p>mplex has no flow control, so inbound data that arrives before a handler is installed is
 * queued up to {@link MplexConfig#maxBufferedBytesPerStream()}, then the stream is reset (spec
 * "Implementation notes": reset the offending stream).
 *
 * <p>A reader that switched to {@link #creditOnConsume} gets the one back-pressure mplex allows: when
 * it holds {@code maxBuffered} delivered bytes it has not consumed, the session stops reading the
 * socket (every stream of the connection waits, as in go-mplex) until it is down to half of that;
 * a stream that holds the reads longer than {@link MplexConfig#readHoldTimeout()} is reset.
 */
final class MplexStream implements MuxedStream {

  private static final Logger LOG = LoggerFactory.getLogger(MplexStream.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /**
   * Bytes of a stream's writes that may wait in the socket's outbound buffer (the peer has not read
   * them) when it writes again; beyond it the write is refused and the producer must await its
   * earlier writes. One write of any size is always taken. The same bound as yamux's.
   */
  static final long MAX_PENDING_WRITE_BYTES = 4L << 20;

  private final MplexSession session;
  private final long id;
  private final boolean initiator;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // Event loop only from here on.
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private MuxedStreamHandler handler;
  private int pendingBytes;
  /** Bytes written and not yet taken by the socket. */
  private long unsentBytes;
  /** We sent Close: no more writes. */
  private boolean localClosed;
  /** The remote sent Close: no more data will arrive. */
  private boolean remoteClosed;
  private boolean remoteCloseDelivered;
  private boolean reset;
  private boolean resetDelivered;
  /** The reader asked us to hold inbound data (up to the per-stream buffer limit). */
  private boolean readPaused;
  /** Reader-driven credit: unconsumed bytes at which we hold the connection's reads; -1 when off. */
  private int creditCap = -1;
  /** Bytes handed to the handler under reader credit and not yet reported consumed. */
  private long unconsumed;
  /** This stream holds the connection's reads (its reader is {@link #creditCap} behind). */
  private boolean holding;
  private io.netty.util.concurrent.ScheduledFuture<?> holdTimer;

  MplexStream(MplexSession session, long id, boolean initiator) {
    this.session = session;
    this.id = id;
    this.initiator = initiator;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public boolean isInitiator() {
    return initiator;
  }

  @Override
  public MuxedConnection connection() {
    return session;
  }

  @Override
  public void setHandler(MuxedStreamHandler handler) {
    session.runOnLoop(() -> installHandler(handler), () -> {});
  }

  @Override
  public void setReadPaused(boolean paused) {
    session.runOnLoop(
        () -> {
          if (readPaused == paused) {
            return;
          }
          readPaused = paused;
          if (!paused && handler != null && !reset) {
            drainPending(handler);
          }
        },
        () -> {});
  }

  @Override
  public boolean creditOnConsume(int maxBuffered) {
    if (maxBuffered <= 0) {
      throw new IllegalArgumentException("maxBuffered must be > 0: " + maxBuffered);
    }
    session.runOnLoop(() -> creditCap = maxBuffered, () -> {});
    return true;
  }

  @Override
  public void consumed(int bytes) {
    if (bytes <= 0) {
      return;
    }
    if (session.inLoop()) {
      credit(bytes); // the usual caller, a reader on the event loop: no task object per read
    } else {
      session.runOnLoop(() -> credit(bytes), () -> {});
    }
  }

  private void credit(int bytes) {
    // bytes delivered before the switch were never counted: clamp, as yamux does
    unconsumed = Math.max(0, unconsumed - bytes);
    if (holding && unconsumed <= creditCap / 2) {
      stopHolding();
    }
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf data) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    session.runOnLoop(
        () -> writeOnLoop(data, result),
        () -> {
          data.release();
          result.completeExceptionally(new MplexException("mplex: session is closed"));
        });
    return result;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> result = new CompletableFuture<>();
    session.runOnLoop(
        () -> closeWriteOnLoop(result),
        () -> result.completeExceptionally(new MplexException("mplex: session is closed")));
    return result;
  }

  @Override
  public void reset() {
    session.runOnLoop(() -> resetOnLoop(true), () -> {});
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "MplexStream[" + id + (initiator ? ", outbound]" : ", inbound]");
  }

  // ---- local operations, on the event loop --------------------------------------------------

  private void writeOnLoop(ByteBuf data, CompletableFuture<Void> result) {
    String refusal = reset ? "stream was reset"
        : localClosed ? "stream is closed for writing"
        : !session.isOpen() ? "session is closed"
        : null;
    if (refusal != null) {
      data.release();
      result.completeExceptionally(new MplexException("mplex: " + refusal + ": " + this));
      return;
    }
    if (!data.isReadable()) {
      data.release();
      result.complete(null);
      return;
    }
    int n = data.readableBytes();
    if (unsentBytes > 0 && unsentBytes + n > MAX_PENDING_WRITE_BYTES) {
      // mplex has no flow control: what waits is in the socket's outbound buffer, for a peer that
      // does not read. A producer that awaits its writes never gets here.
      data.release();
      session.boundHit(WriteBudget.Scope.STREAM);
      RLOG.warn("mplex {}: refusing a write of {} bytes on {}: {} bytes of it still wait for the peer to read",
          session.remote(), n, this, unsentBytes);
      result.completeExceptionally(new MplexException("mplex: write queue of " + this + " full ("
          + unsentBytes + " bytes wait for the peer to read); await earlier writes"));
      return;
    }
    long queued = session.queuedForWrite();
    if (queued + n > session.connectionWriteLimit()) {
      data.release();
      session.boundHit(WriteBudget.Scope.CONNECTION);
      RLOG.warn("mplex {}: connection holds {} bytes the peer has not read (limit {}); resetting {}",
          session.remote(), queued, session.connectionWriteLimit(), this);
      result.completeExceptionally(new MplexException("mplex: connection write buffer limit reached; "
          + this + " reset (" + n + " bytes not sent)"));
      resetOnLoop(true);
      return;
    }
    unsentBytes += n;
    session.writeData(this, data).addListener(f -> {
      unsentBytes -= n;
      complete(result, f.cause(), "write failed");
    });
  }

  private void closeWriteOnLoop(CompletableFuture<Void> result) {
    if (reset) {
      result.completeExceptionally(new MplexException("mplex: stream was reset: " + this));
      return;
    }
    if (localClosed) {
      result.complete(null);
      return;
    }
    if (!session.isOpen()) {
      result.completeExceptionally(new MplexException("mplex: session is closed"));
      return;
    }
    localClosed = true;
    session.writeAndFlush(new MplexFrame.Close(id, initiator))
        .addListener(f -> complete(result, f.cause(), "close failed"));
    finishIfClosedBothWays();
  }

  private void resetOnLoop(boolean tellRemote) {
    if (reset || isClosedBothWays()) {
      return;
    }
    reset = true;
    stopHolding();
    releasePending();
    if (tellRemote && session.isOpen()) {
      session.writeAndFlush(new MplexFrame.Reset(id, initiator));
    }
    session.streamFinished(this);
    deliverReset();
    closeFuture.complete(null);
  }

  private void installHandler(MuxedStreamHandler newHandler) {
    this.handler = newHandler;
    if (newHandler == null) {
      return;
    }
    if (reset) {
      // The stream died before anyone listened; tell the first handler that can hear it.
      deliverReset();
      return;
    }
    // Data held while no handler was installed goes first, in order (MuxedStream#setHandler).
    drainPending(newHandler);
  }

  /** Hands held data, then a held remote close, to {@code h} while it is installed and not paused. */
  private void drainPending(MuxedStreamHandler h) {
    ByteBuf data;
    while (handler == h && !reset && !readPaused && (data = pending.poll()) != null) {
      pendingBytes -= data.readableBytes();
      deliverData(data);
    }
    if (handler == h && !reset && !readPaused && remoteClosed && !remoteCloseDelivered
        && pending.isEmpty()) {
      deliverRemoteClose();
    }
  }

  // ---- remote events, from the session on the event loop ------------------------------------

  void onRemoteData(ByteBuf data) {
    if (reset) {
      data.release();
      return;
    }
    if (remoteClosed) {
      // Spec "Closing a stream": writing after close is a violation; go-mplex resets the stream.
      LOG.debug("mplex {}: data after remote close on {}; resetting it", session.remote(), this);
      data.release();
      resetOnLoop(true);
      return;
    }
    if (handler != null && pending.isEmpty() && !readPaused) {
      deliverData(data);
      return;
    }
    int size = data.readableBytes();
    if ((long) pendingBytes + size > session.config().maxBufferedBytesPerStream()) {
      RLOG.info("mplex {}: resetting {}: more than {} inbound bytes buffered for {}",
          session.remote(), this, session.config().maxBufferedBytesPerStream(),
          readPaused ? "a paused reader" : "no reader");
      data.release();
      resetOnLoop(true);
      return;
    }
    pending.add(data);
    pendingBytes += size;
  }

  void onRemoteClose() {
    if (reset || remoteClosed) {
      return;
    }
    remoteClosed = true;
    stopHolding(); // nothing more will come on this stream: holding the socket would only stall the others
    if (handler != null && pending.isEmpty() && !readPaused) {
      deliverRemoteClose();
    }
  }

  void onRemoteReset() {
    resetOnLoop(false);
  }

  /** The connection is gone: every stream that is still open counts as reset. */
  void onConnectionClosed() {
    if (reset || isClosedBothWays()) {
      return;
    }
    reset = true;
    stopHolding();
    releasePending();
    deliverReset();
    closeFuture.complete(null);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Closed both ways once we sent Close and the handler has seen the remote's Close. */
  private boolean isClosedBothWays() {
    return localClosed && remoteCloseDelivered;
  }

  private void finishIfClosedBothWays() {
    if (isClosedBothWays() && !reset) {
      session.streamFinished(this);
      closeFuture.complete(null);
    }
  }

  private void deliverData(ByteBuf data) {
    if (creditCap > 0) {
      unconsumed += data.readableBytes(); // before the call: a reader may report it consumed at once
    }
    try {
      handler.onData(this, data);
    } catch (RuntimeException e) {
      // The handler owned data from the moment of the call; we cannot know whether it released.
      LOG.warn("mplex {}: stream handler failed on data; resetting {}", session.remote(), this, e);
      resetOnLoop(true);
      return;
    }
    if (creditCap > 0 && !holding && !reset && !remoteClosed && unconsumed >= creditCap) {
      startHolding();
    }
  }

  private void startHolding() {
    holding = true;
    session.holdReads(this);
    holdTimer = session.schedule(this::holdExpired, session.config().readHoldTimeout());
  }

  private void stopHolding() {
    if (!holding) {
      return;
    }
    holding = false;
    if (holdTimer != null) {
      holdTimer.cancel(false);
      holdTimer = null;
    }
    session.releaseReads(this);
  }

  private void holdExpired() {
    if (!holding) {
      return;
    }
    MplexSession.READ_HOLD_RESETS.incrementAndGet();
    RLOG.warn("mplex {}: resetting {}: its reader left {} bytes unread for {} while the connection's"
        + " reads waited for it (mplex has no flow control; the other streams were stalled)",
        session.remote(), this, unconsumed, session.config().readHoldTimeout());
    resetOnLoop(true);
  }

  private void deliverRemoteClose() {
    remoteCloseDelivered = true;
    try {
      handler.onRemoteClose(this);
    } catch (RuntimeException e) {
      LOG.warn("mplex {}: stream handler failed on remote close of {}", session.remote(), this, e);
    }
    finishIfClosedBothWays();
  }

  private void deliverReset() {
    if (handler == null || resetDelivered) {
      return;
    }
    resetDelivered = true;
    try {
      handler.onReset(this);
    } catch (RuntimeException e) {
      LOG.warn("mplex {}: stream handler failed on reset of {}", session.remote(), this, e);
    }
  }

  private void releasePending() {
    ByteBuf data;
    while ((data = pending.poll()) != null) {
      data.release();
    }
    pendingBytes = 0;
  }

  private void complete(CompletableFuture<Void> result, Throwable cause, String what) {
    if (cause == null) {
      result.complete(null);
    } else {
      result.completeExceptionally(new MplexException("mplex: " + what + " on " + this, cause));
    }
  }
}
