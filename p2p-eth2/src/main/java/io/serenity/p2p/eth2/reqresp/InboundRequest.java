package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqRespEngine.LOG;
import static io.serenity.p2p.eth2.reqresp.ReqRespEngine.RESPONSE_WRITE_WINDOW;
import static io.serenity.p2p.eth2.reqresp.ReqRespEngine.RLOG;

import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One inbound request of a {@link ReqRespEngine}: reads it under the TTFB timeout, runs the handler
 * on a virtual thread, and is the handler's {@link ResponseSink} (response timeout, back-pressure,
 * chunk order). Ends exactly once, by completing, an error chunk or a reset, and then gives its
 * stream slot back.
 */
final class InboundRequest<Q, R> implements ResponseSink<R>, StreamReceiver {
  private final ReqRespEngine engine;
  private final ReqRespConfig config;
  private final Method<Q, R> method;
  private final RequestHandler<Q, R> handler;
  private final Stream stream;
  private final Runnable releaseSlot;
  private final ChunkDecoder decoder;
  private boolean requestRead; // event loop only
  private boolean closed; // guarded by this
  private boolean released; // guarded by this
  private volatile String endedBy = "the handler ended it";
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private long unsent; // guarded by this: response bytes written, not yet taken by the socket
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null); // guarded by this
  private int sent; // guarded by this
  private ScheduledFuture<?> timer; // guarded by this

  InboundRequest(ReqRespEngine engine, Method<Q, R> method, RequestHandler<Q, R> handler, Stream stream,
      Runnable releaseSlot) {
    this.engine = engine;
    this.config = engine.config();
    this.method = method;
    this.handler = handler;
    this.stream = stream;
    this.releaseSlot = releaseSlot;
    this.decoder = new ChunkDecoder(false, 0, method.minRequestSize(),
        Math.min(method.maxRequestSize(), config.maxPayloadSize()), 1,
        "peer " + stream.remotePeer() + " " + method.protocolId() + " request");
  }

  void start() {
    if (method.hasNoRequest()) {
      // no request content: answer at once; anything the peer writes is ignored
      requestRead = true;
      stream.receive((st, data) -> {});
      dispatch(null);
      return;
    }
    rearm(config.ttfbTimeout(), "no complete request");
    stream.receive(this);
  }

  @Override
  public void onData(Stream st, ByteBuffer data) {
    if (requestRead) {
      return; // already answering; later bytes cannot change the answer
    }
    Chunk[] got = new Chunk[1];
    try {
      decoder.feed(data, c -> got[0] = c);
    } catch (ReqRespException e) {
      requestRead = true;
      LOG.debug("bad request: {}", e.getMessage());
      error(ResultCode.INVALID_REQUEST, e.getMessage());
      return;
    }
    if (got[0] != null) {
      requestRead = true;
      Q request;
      try {
        request = method.requestCodec().decode(got[0].payload());
      } catch (SszException | IllegalArgumentException e) {
        error(ResultCode.INVALID_REQUEST, "bad " + method.name() + " request: " + e.getMessage());
        return;
      }
      dispatch(request);
    }
  }

  @Override
  public void onEnd(Stream st) {
    if (!requestRead) {
      requestRead = true;
      error(ResultCode.INVALID_REQUEST, "stream closed before a complete request");
    }
  }

  @Override
  public void onReset(Stream st) {
    // our own resets (timeouts, a slow reader, a failed write) come back here too: the response
    // is closed by then and keeps the reason it was given, which the handler is told
    abort("reset by the peer");
  }

  private void dispatch(Q request) {
    String refused = engine.admitChunks(stream.remotePeer(), method, request);
    if (refused != null) {
      error(ResultCode.RESOURCE_UNAVAILABLE, refused);
      return;
    }
    rearm(config.respTimeout(), "handler too slow");
    try {
      engine.handlers().execute(() -> {
        try {
          handler.handle(stream.remotePeer(), request, this);
        } catch (RuntimeException e) {
          LOG.warn("handler of {} threw for {}", method.protocolId(), stream.remotePeer(), e);
          error(ResultCode.SERVER_ERROR, "server error");
        }
      });
    } catch (RejectedExecutionException e) {
      error(ResultCode.SERVER_ERROR, "shutting down");
    }
  }

  @Override
  public void next(R chunk) {
    next(chunk, null);
  }

  @Override
  public void next(R chunk, byte[] context) {
    if (context != null && context.length != method.contextLength()) {
      throw new IllegalArgumentException(method.protocolId() + " takes " + method.contextLength() + " context bytes");
    }
    byte[] bytes;
    CompletableFuture<Void> before;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("response already ended");
      }
      if (sent >= method.maxResponseChunks()) {
        throw new IllegalStateException(method.protocolId() + " allows " + method.maxResponseChunks() + " chunks");
      }
      byte[] ssz = method.responseCodec().encode(chunk);
      if (ssz.length > Math.min(method.maxResponseSize(), config.maxPayloadSize())) {
        throw new IllegalArgumentException("response chunk of " + ssz.length + " bytes over the method's bound");
      }
      bytes = ChunkCodec.success(context != null ? context.clone() : context(), ssz);
      sent++;
      before = unsent > 0 && unsent + bytes.length > RESPONSE_WRITE_WINDOW ? lastWrite : null;
    }
    if (before != null) {
      awaitWritten(before, bytes.length);
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("response ended: " + endedBy);
      }
      rearm(config.respTimeout(), "handler too slow");
      write(bytes); // under the lock so chunks keep their order
    }
  }

  /** Writes a chunk and tracks its bytes until the socket took them; a failed write aborts. */
  private void write(byte[] bytes) {
    int n = bytes.length;
    unsent += n;
    CompletableFuture<Void> w = stream.write(bytes);
    lastWrite = w;
    w.whenComplete((v, e) -> {
      synchronized (this) {
        unsent -= n;
      }
      if (e != null && !isClosed()) {
        // refused by a write bound (counted and logged there) or the stream died: a response
        // missing a chunk must not go on
        LOG.debug("response write of {} to {} failed: {}; resetting", method.protocolId(), stream.remotePeer(),
            e.getMessage());
        abort("a write failed: " + e.getMessage());
      }
    });
  }

  /**
   * Back-pressure: waits until the chunks written before are taken by the socket, so a handler
   * producing faster than the peer reads holds at most {@link ReqRespEngine#RESPONSE_WRITE_WINDOW}
   * bytes plus one chunk. The response timeout then measures the peer, not the handler: a peer that
   * reads nothing for that long gets its stream reset. Only the handler's own virtual thread waits:
   * on any other thread (an event loop, where a handler's future may complete) nothing blocks, and
   * the chunk goes out while at most four windows wait, else the response is reset.
   */
  private void awaitWritten(CompletableFuture<Void> before, int next) {
    if (!Thread.currentThread().isVirtual()) {
      boolean fits;
      synchronized (this) {
        fits = unsent + next <= 4L * RESPONSE_WRITE_WINDOW;
      }
      if (!fits) {
        slowReader();
      }
      return;
    }
    synchronized (this) {
      cancelTimer(); // waiting on the peer now, not on the handler
    }
    try {
      CompletableFuture.anyOf(before, ended).get(config.respTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return; // written, or the response ended meanwhile (reset by the peer, a failed write)
    } catch (TimeoutException e) {
      // below
    } catch (ExecutionException e) {
      return; // the write failed: write() ended the response
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort("the handler was interrupted");
      return;
    }
    if (!isClosed()) {
      slowReader();
    }
  }

  /** The peer does not read its response: reset, counted, logged. */
  private void slowReader() {
    long left;
    synchronized (this) {
      left = unsent;
    }
    engine.countSlowReader(stream);
    RLOG.warn("peer {} does not read its {} response ({} bytes unsent for {}); resetting the stream",
        stream.remotePeer(), method.protocolId(), left, config.respTimeout());
    abort("the peer did not read the response");
  }

  private byte[] context() {
    if (method.contextLength() == 0) {
      return new byte[0];
    }
    return engine.defaultContext(method.contextLength());
  }

  @Override
  public void complete() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cancelTimer();
    }
    stream.closeWrite();
    release();
  }

  @Override
  public void error(int code, String message) {
    byte[] bytes = ChunkCodec.error(code, message);
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cancelTimer();
      stream.write(bytes);
    }
    stream.closeWrite();
    release();
  }

  @Override
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Resets the response, once: the first reason given is the one the handler is told. */
  private void abort(String why) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      endedBy = why;
      cancelTimer();
    }
    stream.reset();
    release();
  }

  private synchronized void rearm(Duration d, String why) {
    cancelTimer();
    if (closed) {
      return;
    }
    timer = engine.scheduler().schedule(() -> {
      RLOG.info("{} with {}: {} within {}; resetting", method.protocolId(), stream.remotePeer(), why, d);
      abort("timed out: " + why);
    }, d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void release() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    ended.complete(null);
    releaseSlot.run();
  }
}
