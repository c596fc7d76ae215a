package io.serenity.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.MuxerException;
import io.serenity.p2p.transport.WriteBudget;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux stream. Public methods hop onto the session's event loop; every field below is confined
 * to that loop.
 */
final class YamuxStream implements MuxedStream {
  private static final Logger LOG = LoggerFactory.getLogger(YamuxStream.class);
  private static final io.serenity.p2p.core.internal.RateLimitedLog RLOG = io.serenity.p2p.core.internal.RateLimitedLog.perMinute(LOG, 5);

  /**
   * Bytes a stream may have waiting for the peer's window beyond the write in progress. A protocol
   * that awaits its writes never has more than one write waiting; a producer that does not await
   * gets its further writes refused (they fail with {@link MuxerException}) instead of growing an
   * unbounded queue. One write of any size is always accepted.
   */
  static final long MAX_PENDING_WRITE_BYTES = 4L << 20;

  /**
   * Bytes a whole connection may hold (unsent writes plus unread data, all streams). A write that
   * would pass it resets its stream: a peer that opens many streams and never grants window back
   * cannot make the node queue without limit.
   */
  static final long MAX_SESSION_BUFFERED_BYTES = 64L << 20;

  /**
   * Writes refused or streams reset by the two bounds above, all yamux sessions of the process
   * (a host counts its own in {@link WriteBudget#hits()}).
   */
  static final java.util.concurrent.atomic.AtomicLong WRITE_BOUND_HITS = new java.util.concurrent.atomic.AtomicLong();

  private long pendingWriteBytes; // loop only

  /** A queued write, or (data == null) the queued FIN of closeWrite(), sent after prior data. */
  private record PendingWrite(ByteBuf data, CompletableFuture<Void> done) {}

  private final YamuxSession session;
  private final long id;
  private final boolean initiator;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  /** What we may still send before the remote grants more (spec "Flow Control"). */
  private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;

  /** What the remote may still send us; it exceeding this is a protocol error. */
  private long recvWindow;

  /** Bytes handed to the handler since our last window update. */
  private long consumedSinceUpdate;

  /**
   * When at least 0: the reader credits the window ({@link #creditOnConsume}), and the window grows
   * to at most this many bytes. Negative: bytes are credited once handed to the handler.
   */
  private long creditCap = -1;

  /** Bytes handed to the handler in reader-credit mode and not yet reported consumed. */
  private long deliveredUncredited;

  /** The window we grant in total: recvWindow + consumedSinceUpdate + unreadBytes. */
  private long windowSize;

  /** When the last window update went out, for auto-tuning. */
  private long epochStart;

  private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
  private final ArrayDeque<ByteBuf> unread = new ArrayDeque<>();
  private long unreadBytes;
  private MuxedStreamHandler handler;

  private boolean acked;
  private boolean writeClosed;
  private boolean finSent;
  private boolean remoteFin;
  private boolean remoteFinDelivered;
  private boolean reset;
  private boolean resetDelivered;
  /** The reader asked us to hold inbound data (no window is granted for it meanwhile). */
  private boolean readPaused;

  YamuxStream(YamuxSession session, long id, boolean initiator, long recvWindow) {
    this.session = session;
    this.id = id;
    this.initiator = initiator;
    this.recvWindow = recvWindow;
    this.windowSize = recvWindow;
    this.epochStart = session.nanoTime();
    // We accept inbound streams at once, so only our own streams wait for an ACK.
    this.acked = !initiator;
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
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public void setHandler(MuxedStreamHandler newHandler) {
    session.runOnLoop(
        () -> {
          handler = newHandler;
          deliverHeld();
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
    if (creditCap < 0) {
      return;
    }
    // Bytes delivered before the switch (a negotiation's leftover) were credited on delivery.
    long n = Math.min(bytes, deliveredUncredited);
    deliveredUncredited -= n;
    consumedSinceUpdate += n;
    maybeSendWindowUpdate();
  }

  @Override
  public void setReadPaused(boolean paused) {
    session.runOnLoop(
        () -> {
          if (readPaused == paused) {
            return;
          }
          readPaused = paused;
          if (!paused) {
            deliverHeld();
          }
        },
        () -> {});
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf data) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.runOnLoop(
        () -> {
          if (reset) {
            data.release();
            done.completeExceptionally(new MuxerException("yamux: stream " + id + " was reset"));
          } else if (writeClosed) {
            data.release();
            done.completeExceptionally(
                new MuxerException("yamux: stream " + id + " is closed for writing"));
          } else if (pendingWriteBytes > 0 && pendingWriteBytes + data.readableBytes() > MAX_PENDING_WRITE_BYTES) {
            int n = data.readableBytes();
            data.release();
            session.boundHit(WriteBudget.Scope.STREAM);
            RLOG.warn("yamux: refusing a write of {} bytes on stream {} to {}: {} bytes already wait for the peer's window",
                n, id, session.remote(), pendingWriteBytes);
            done.completeExceptionally(new MuxerException("yamux: stream " + id + " write queue full ("
                + pendingWriteBytes + " bytes wait for the peer's window); await earlier writes"));
          } else if (session.bufferedBytes() + data.readableBytes() > MAX_SESSION_BUFFERED_BYTES) {
            int n = data.readableBytes();
            data.release();
            session.boundHit(WriteBudget.Scope.CONNECTION);
            RLOG.warn("yamux: connection to {} holds {} bytes (limit {}); resetting stream {}",
                session.remote(), session.bufferedBytes(), MAX_SESSION_BUFFERED_BYTES, id);
            done.completeExceptionally(new MuxerException("yamux: connection buffer limit reached; stream "
                + id + " reset (" + n + " bytes not sent)"));
            session.sendStreamReset(id);
            terminate("reset: connection buffer limit reached");
          } else if (!session.reserveWrite(data.readableBytes())) {
            // the node is over its write bound and this connection holds the most: it is being
            // closed (counted and logged by the budget)
            int n = data.readableBytes();
            data.release();
            done.completeExceptionally(new MuxerException("yamux: node write buffer limit reached; stream "
                + id + " reset (" + n + " bytes not sent)"));
            session.sendStreamReset(id);
            terminate("reset: node write buffer limit reached");
          } else {
            pendingWrites.add(new PendingWrite(data, done));
            pendingWriteBytes += data.readableBytes();
            session.addBuffered(data.readableBytes());
            drainWrites();
          }
        },
        () -> {
          data.release();
          done.completeExceptionally(new MuxerException("yamux: session event loop is gone"));
        });
    return done;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.runOnLoop(
        () -> {
          if (reset) {
            done.completeExceptionally(new MuxerException("yamux: stream " + id + " was reset"));
          } else if (writeClosed) {
            done.complete(null);
          } else {
            writeClosed = true;
            pendingWrites.add(new PendingWrite(null, done));
            drainWrites();
          }
        },
        () -> done.completeExceptionally(new MuxerException("yamux: session event loop is gone")));
    return done;
  }

  @Override
  public void reset() {
    session.runOnLoop(
        () -> {
          if (!reset && !isFinished()) {
            session.sendStreamReset(id);
            terminate("reset locally");
          }
        },
        () -> {});
  }

  // ---- loop-confined internals, called by YamuxSession ----

  boolean isReset() {
    return reset;
  }

  boolean isAcked() {
    return acked;
  }

  /** Sends queued data while window allows, then a queued FIN (spec "Closing a stream"). */
  private void drainWrites() {
    PendingWrite w;
    while (!reset && (w = pendingWrites.peek()) != null) {
      if (w.data() == null) {
        pendingWrites.poll();
        finSent = true;
        ChannelPromise promise = session.newPromise();
        completeOnWrite(promise, w.done());
        session.send(new YamuxFrame.WindowUpdate(id, YamuxFlag.FIN.bit(), 0), promise);
        maybeFinish();
        continue;
      }
      int readable = w.data().readableBytes();
      if (readable == 0) {
        pendingWrites.poll();
        w.data().release();
        w.done().complete(null);
        continue;
      }
      if (sendWindow == 0) {
        return; // resumed by onWindowUpdate
      }
      int n = (int) Math.min(Math.min(readable, sendWindow), session.config().maxFramePayload());
      sendWindow -= n;
      session.addBuffered(-n);
      session.releaseWrite(n);
      pendingWriteBytes -= n;
      if (n == readable) {
        pendingWrites.poll();
        ChannelPromise promise = session.newPromise();
        completeOnWrite(promise, w.done());
        session.send(new YamuxFrame.Data(id, 0, w.data()), promise);
      } else {
        session.send(
            new YamuxFrame.Data(id, 0, w.data().readRetainedSlice(n)), session.voidPromise());
      }
    }
  }

  private static void completeOnWrite(ChannelPromise promise, CompletableFuture<Void> done) {
    promise.addListener(
        f -> {
          if (f.isSuccess()) {
            done.complete(null);
          } else {
            done.completeExceptionally(new MuxerException("yamux: write failed", f.cause()));
          }
        });
  }

  void onAck() {
    if (!acked) {
      acked = true;
      session.onStreamAcked();
    }
  }

  void onWindowUpdate(long delta) {
    sendWindow = Math.min(sendWindow + delta, YamuxFrame.MAX_UINT32);
    drainWrites();
  }

  /** Takes ownership of {@code data}. */
  void onData(ByteBuf data) {
    int n = data.readableBytes();
    if (n > recvWindow) {
      data.release();
      throw new YamuxException(
          "yamux: stream "
              + id
              + " received "
              + n
              + " bytes with only "
              + recvWindow
              + " bytes of receive window left");
    }
    recvWindow -= n;
    if (remoteFin) {
      data.release();
      RLOG.warn("yamux: {} sent data on stream {} after FIN; resetting it", session.remote(), id);
      reset();
      return;
    }
    if (n == 0) {
      data.release();
      return;
    }
    if (handler != null && unread.isEmpty() && !readPaused) {
      deliver(data);
      return;
    }
    // Held data is copied: a Data frame is a slice of the read that carried it, and keeping the slice
    // would keep that whole read (up to a Noise message) alive for the few bytes accounted here.
    ByteBuf held = data.copy();
    data.release();
    unread.add(held);
    unreadBytes += n;
    session.addBuffered(n);
    // a paused reader's held bytes are bounded by the window we granted: the remote cannot send more
    if (!readPaused && unreadBytes > session.config().maxUnreadBytes()) {
      RLOG.warn(
          "yamux: stream {} from {} holds {} unread bytes with no handler; resetting it",
          id,
          session.remote(),
          unreadBytes);
      reset();
    }
  }

  void onRemoteFin() {
    if (remoteFin) {
      return;
    }
    remoteFin = true;
    deliverHeld();
  }

  void onRemoteReset() {
    if (!reset) {
      terminate("reset by remote");
    }
  }

  /** Ends the stream abruptly: pending writes fail, held data is dropped, the handler hears it. */
  void terminate(String why) {
    if (reset) {
      return;
    }
    reset = true;
    MuxerException failure = new MuxerException("yamux: stream " + id + " " + why);
    PendingWrite w;
    while ((w = pendingWrites.poll()) != null) {
      if (w.data() != null) {
        session.addBuffered(-w.data().readableBytes());
        session.releaseWrite(w.data().readableBytes());
        pendingWriteBytes -= w.data().readableBytes();
        w.data().release();
      }
      w.done().completeExceptionally(failure);
    }
    releaseUnread();
    session.removeStream(this);
    deliverHeld();
    closeFuture.complete(null);
  }

  private void releaseUnread() {
    ByteBuf b;
    while ((b = unread.poll()) != null) {
      b.release();
    }
    session.addBuffered(-unreadBytes);
    unreadBytes = 0;
  }

  /** Hands held data, then a held remote close or reset, to the current handler, in order. */
  private void deliverHeld() {
    MuxedStreamHandler h = handler;
    if (h == null) {
      return;
    }
    while (!reset && handler == h && !readPaused && !unread.isEmpty()) {
      ByteBuf b = unread.poll();
      unreadBytes -= b.readableBytes();
      session.addBuffered(-b.readableBytes());
      deliver(b);
    }
    if (handler != h) {
      return; // the handler was replaced while delivering; the new one took over
    }
    if (reset) {
      if (!resetDelivered) {
        resetDelivered = true;
        try {
          h.onReset(this);
        } catch (RuntimeException e) {
          LOG.warn("yamux: handler of stream {} threw in onReset", id, e);
        }
      }
      return;
    }
    if (remoteFin && unread.isEmpty() && !readPaused && !remoteFinDelivered) {
      remoteFinDelivered = true;
      try {
        h.onRemoteClose(this);
      } catch (RuntimeException e) {
        LOG.warn("yamux: handler of stream {} threw in onRemoteClose; resetting", id, e);
        reset();
        return;
      }
      maybeFinish();
    }
  }

  private void deliver(ByteBuf data) {
    if (creditCap >= 0) {
      deliveredUncredited += data.readableBytes(); // credited when the reader reports it consumed
    } else {
      consumedSinceUpdate += data.readableBytes();
    }
    try {
      handler.onData(this, data);
    } catch (RuntimeException e) {
      LOG.warn("yamux: handler of stream {} threw in onData; resetting", id, e);
      reset();
      return;
    }
    maybeSendWindowUpdate();
  }

  /**
   * Grants the consumed bytes back once they reach half the window: fewer updates than one per
   * frame, while the sender never stalls (go-yamux and rust-yamux use the same threshold). When
   * half a window was used up within four round trips the window is the bottleneck, so it doubles,
   * up to {@link YamuxConfig#maxStreamWindow()} (go-yamux's auto-tuning).
   */
  private void maybeSendWindowUpdate() {
    if (reset || remoteFin || consumedSinceUpdate < windowSize / 2) {
      return;
    }
    long delta = consumedSinceUpdate;
    long now = session.nanoTime();
    long rtt = session.rttNanos();
    long max = creditCap >= 0
        ? Math.max(windowSize, Math.min(session.config().maxStreamWindow(), creditCap))
        : session.config().maxStreamWindow();
    if (rtt > 0 && windowSize < max && now - epochStart < 4 * rtt) {
      long grown = Math.min(windowSize * 2, max);
      delta += grown - windowSize;
      windowSize = grown;
    }
    epochStart = now;
    consumedSinceUpdate = 0;
    recvWindow += delta;
    session.send(new YamuxFrame.WindowUpdate(id, 0, delta), session.voidPromise());
  }

  /** The receive window this stream currently grants (grows with auto-tuning). */
  long windowSize() {
    return windowSize;
  }

  private boolean isFinished() {
    return finSent && remoteFinDelivered;
  }

  /** Both halves closed and nothing left to deliver: the stream is done. */
  private void maybeFinish() {
    if (!reset && isFinished() && unread.isEmpty()) {
      session.removeStream(this);
      closeFuture.complete(null);
    }
  }

  @Override
  public String toString() {
    return "YamuxStream{id=" + id + ", initiator=" + initiator + "}";
  }
}
