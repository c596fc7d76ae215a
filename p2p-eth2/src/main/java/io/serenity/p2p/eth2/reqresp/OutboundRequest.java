package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqRespEngine.LOG;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One outbound request of a {@link ReqRespEngine} on a stream already open: writes the request,
 * closes the write side, and reads the response chunks under the TTFB and response timeouts into
 * {@code result}.
 *
 * <p>Streaming ({@code onEach} set): each decoded chunk waits in a queue of at most {@link
 * #STREAM_BUFFER} chunks and is handed to {@code onEach} on the consumer executor, one at a time,
 * in order. When the queue is full the bytes not decoded yet are kept and the stream's reading is
 * paused, so the muxer stops granting window and the remote stops sending; the response timeout
 * is suspended meanwhile (the wait is ours, not the peer's). The consumer taking a chunk resumes
 * decoding. {@code result} completes once the response ended and every chunk before the end was
 * consumed; a failure (an error chunk, a timeout, a malformed chunk, a reset) is reported after the
 * chunks before it; an exception of the consumer fails it at once and resets the stream.
 */
final class OutboundRequest<R> implements StreamReceiver {

  /** Decoded chunks that may wait for a streaming consumer before reading pauses. */
  static final int STREAM_BUFFER = 2;

  private final ReqRespConfig config;
  private final ScheduledExecutorService scheduler;
  private final Method<?, R> method;
  private final Stream stream;
  private final int maxChunks;
  private final CompletableFuture<List<ResponseChunk<R>>> result;
  private final ChunkDecoder decoder;
  private final List<ResponseChunk<R>> chunks = new ArrayList<>();
  /** When set, each chunk goes here, on {@code consumers}, instead of into {@code chunks}. */
  private final Consumer<ResponseChunk<R>> onEach;
  private final Executor consumers;
  /** Told the queue length each time a chunk joins it (tests watch the bound). */
  private final IntConsumer queued;
  private int count; // guarded by this
  private final String what;
  private boolean firstByte; // guarded by this
  private ScheduledFuture<?> timer; // guarded by this

  // streaming only, guarded by this
  private final ArrayDeque<ResponseChunk<R>> waiting = new ArrayDeque<>();
  private boolean draining;
  private boolean paused;
  private ByteBuffer stash;
  private boolean ended;
  /**
   * The remote closed while undecoded bytes were kept (a muxer that cannot hold data, such as QUIC,
   * delivers the close too): the response ends once the kept bytes are decoded.
   */
  private boolean endAfterStash;
  private Throwable failure;

  OutboundRequest(ReqRespConfig config, ScheduledExecutorService scheduler, Method<?, R> method, Stream stream,
      int maxChunks, CompletableFuture<List<ResponseChunk<R>>> result) {
    this(config, scheduler, method, stream, maxChunks, result, null, null, n -> {});
  }

  OutboundRequest(ReqRespConfig config, ScheduledExecutorService scheduler, Method<?, R> method, Stream stream,
      int maxChunks, CompletableFuture<List<ResponseChunk<R>>> result, Consumer<ResponseChunk<R>> onEach,
      Executor consumers, IntConsumer queued) {
    this.onEach = onEach;
    this.consumers = consumers;
    this.queued = queued;
    this.config = config;
    this.scheduler = scheduler;
    this.method = method;
    this.stream = stream;
    this.maxChunks = maxChunks;
    this.result = result;
    this.what = "peer " + stream.remotePeer() + " " + method.protocolId() + " response";
    this.decoder = new ChunkDecoder(true, method.contextLength(), method.minResponseSize(),
        Math.min(method.maxResponseSize(), config.maxPayloadSize()), maxChunks, what);
    result.whenComplete((v, x) -> {
      cancelTimer();
      if (x != null && onEach != null) {
        // the consumer failed, the caller gave up, or the response failed: nothing more is read
        stream.reset();
      }
    });
  }

  /** Writes {@code body} (null: a method without request content) and starts reading. */
  void start(byte[] body) {
    CompletableFuture<Void> written = body == null ? CompletableFuture.completedFuture(null) : stream.write(body);
    // phase0 "Requesting side": close the write side once the request is written
    written.thenCompose(v -> stream.closeWrite()).whenComplete((v, x) -> {
      if (x != null) {
        fail(new ReqRespException(Kind.STREAM_FAILED, -1, what + ": cannot send the request: " + x.getMessage(), x));
        return;
      }
      synchronized (this) {
        if (!firstByte && !isOver()) {
          arm(config.ttfbTimeout(), "no first byte");
        }
      }
    });
    stream.receive(this);
  }

  @Override
  public synchronized void onData(Stream st, ByteBuffer data) {
    if (isOver()) {
      if (!decoder.atBoundary() || data.hasRemaining()) {
        // bytes after the response we took: nothing more may come; stop the peer
        stream.reset();
      }
      return;
    }
    if (stash != null) {
      // paused, but the muxer delivered more (it cannot hold data): keep the order
      ByteBuffer more = ByteBuffer.allocate(stash.remaining() + data.remaining());
      more.put(stash).put(data).flip();
      stash = more;
      return;
    }
    if (!firstByte && data.hasRemaining()) {
      firstByte = true;
      arm(config.respTimeout(), "no complete chunk");
    }
    decode(data);
  }

  /**
   * Decodes {@code in} until it is used up, the response is over, or the streaming queue is full;
   * then keeps the rest and pauses reading. Holds the lock.
   */
  private void decode(ByteBuffer in) {
    try {
      decoder.feed(in, this::onChunk, this::full);
    } catch (ReqRespException e) {
      fail(e);
      return;
    }
    if (isOver() || !full()) {
      return;
    }
    if (in.hasRemaining()) {
      stash = ByteBuffer.allocate(in.remaining()).put(in).flip();
    }
    if (!paused) {
      paused = true;
      cancelTimer(); // waiting on our consumer now, not on the peer
      stream.setReadPaused(true);
    }
  }

  private boolean full() {
    return onEach != null && waiting.size() >= STREAM_BUFFER;
  }

  /** The response is over for the reader: the result is done, or (streaming) no more chunks come. */
  private boolean isOver() {
    return result.isDone() || ended;
  }

  private void onChunk(Chunk c) {
    if (isOver()) {
      return;
    }
    if (c.code() != ResultCode.SUCCESS) {
      ReqRespException e = ReqRespException.errorResponse(
          stream.remotePeer(), method.protocolId(), c.code(), ChunkCodec.errorText(c.payload()));
      if (onEach == null) {
        result.completeExceptionally(e);
      } else {
        end(e);
      }
      return;
    }
    ResponseChunk<R> chunk;
    try {
      chunk = new ResponseChunk<>(c.context(), method.responseCodec().decode(c.payload()));
    } catch (SszException | IllegalArgumentException e) {
      throw new ReqRespException(Kind.BAD_SSZ, what + ": bad " + method.name() + " chunk: " + e.getMessage());
    }
    count++;
    if (onEach == null) {
      chunks.add(chunk);
    } else {
      waiting.add(chunk);
      queued.accept(waiting.size());
      startDrain();
    }
    if (count >= maxChunks) {
      if (onEach == null) {
        result.complete(List.copyOf(chunks));
      } else {
        end(null);
      }
    } else {
      arm(config.respTimeout(), "no complete chunk");
    }
  }

  /** Streaming: no more chunks come; {@code why} (null: success) is reported after the waiting ones. */
  private void end(Throwable why) {
    if (ended) {
      return;
    }
    ended = true;
    failure = why;
    cancelTimer();
    if (paused) {
      // nothing more is decoded: bytes kept past the end are trailing data; else let the close through
      paused = false;
      boolean trailing = stash != null && stash.hasRemaining();
      stash = null;
      if (trailing) {
        stream.reset();
      } else {
        stream.setReadPaused(false);
      }
    }
    startDrain();
  }

  /** Streaming: makes sure a consumer task runs while chunks wait or the end is to be reported. */
  private void startDrain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      consumers.execute(this::drain);
    } catch (RejectedExecutionException e) {
      draining = false;
      result.completeExceptionally(new ReqRespException(Kind.STREAM_FAILED, -1, what + ": shutting down", e));
    }
  }

  /** The consumer task: hands the waiting chunks over one by one, then reports the end. */
  private void drain() {
    while (true) {
      ResponseChunk<R> next;
      Throwable endedWith = null;
      boolean finish = false;
      synchronized (this) {
        next = result.isDone() ? null : waiting.poll();
        if (next == null) {
          draining = false;
          if (result.isDone()) {
            waiting.clear();
            return;
          }
          if (!ended) {
            return; // the next chunk starts a new task
          }
          finish = true;
          endedWith = failure;
        }
      }
      if (finish) {
        if (endedWith == null) {
          result.complete(List.of());
        } else {
          result.completeExceptionally(endedWith);
        }
        return;
      }
      try {
        onEach.accept(next);
      } catch (RuntimeException e) {
        // the consumer refused the chunk: stop the response, report the consumer's failure
        synchronized (this) {
          draining = false;
          waiting.clear();
        }
        result.completeExceptionally(e);
        return;
      }
      synchronized (this) {
        if (paused && !full() && !isOver()) {
          resume();
        }
      }
    }
  }

  /** Streaming: the consumer made room; decodes what was kept, then reads again. Holds the lock. */
  private void resume() {
    if (stash != null) {
      ByteBuffer kept = stash;
      stash = null;
      decode(kept);
      if (stash != null || full() || isOver()) {
        return; // still paused (or nothing more to read)
      }
    }
    paused = false;
    if (endAfterStash) {
      endAfterStash = false;
      stream.setReadPaused(false);
      finishEnd();
      return;
    }
    arm(config.respTimeout(), "no complete chunk");
    stream.setReadPaused(false);
  }

  @Override
  public synchronized void onEnd(Stream st) {
    if (isOver()) {
      return;
    }
    if (stash != null && stash.hasRemaining()) {
      endAfterStash = true; // the chunks kept come first
      return;
    }
    finishEnd();
  }

  /** The response ended at a chunk boundary (or not: a malformed end). Holds the lock. */
  private void finishEnd() {
    try {
      decoder.end();
    } catch (ReqRespException e) {
      fail(e);
      return;
    }
    if (onEach == null) {
      result.complete(List.copyOf(chunks));
    } else {
      end(null);
    }
  }

  @Override
  public synchronized void onReset(Stream st) {
    if (isOver()) {
      return;
    }
    ReqRespException e = new ReqRespException(Kind.STREAM_FAILED, what + ": stream reset");
    if (onEach == null) {
      result.completeExceptionally(e);
    } else {
      end(e);
    }
  }

  private void fail(ReqRespException e) {
    synchronized (this) {
      if (onEach != null) {
        if (!isOver()) {
          LOG.debug("{}", e.getMessage());
        }
        end(e);
      } else if (result.completeExceptionally(e)) {
        LOG.debug("{}", e.getMessage());
      }
    }
    stream.reset();
  }

  private synchronized void arm(Duration d, String why) {
    cancelTimer();
    if (isOver() || paused) {
      return;
    }
    timer = scheduler.schedule(
        () -> fail(new ReqRespException(Kind.TIMEOUT, what + ": " + why + " within " + d)),
        d.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
