package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqRespEngine.LOG;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One outbound request of a {@link ReqRespEngine} on a stream already open: writes the request,
 * closes the write side, and reads the response chunks under the TTFB and response timeouts into
 * {@code result}.
 */
final class OutboundRequest<R> implements StreamReceiver {
  private final ReqRespConfig config;
  private final ScheduledExecutorService scheduler;
  private final Method<?, R> method;
  private final Stream stream;
  private final int maxChunks;
  private final CompletableFuture<List<ResponseChunk<R>>> result;
  private final ChunkDecoder decoder;
  private final List<ResponseChunk<R>> chunks = new ArrayList<>();
  /** When set, each chunk goes here as it arrives instead of into {@code chunks}. */
  private final java.util.function.Consumer<ResponseChunk<R>> onEach;
  private int count; // event loop only
  private final String what;
  private boolean firstByte; // event loop only
  private ScheduledFuture<?> timer; // guarded by this

  OutboundRequest(ReqRespConfig config, ScheduledExecutorService scheduler, Method<?, R> method, Stream stream,
      int maxChunks, CompletableFuture<List<ResponseChunk<R>>> result) {
    this(config, scheduler, method, stream, maxChunks, result, null);
  }

  OutboundRequest(ReqRespConfig config, ScheduledExecutorService scheduler, Method<?, R> method, Stream stream,
      int maxChunks, CompletableFuture<List<ResponseChunk<R>>> result,
      java.util.function.Consumer<ResponseChunk<R>> onEach) {
    this.onEach = onEach;
    this.config = config;
    this.scheduler = scheduler;
    this.method = method;
    this.stream = stream;
    this.maxChunks = maxChunks;
    this.result = result;
    this.what = "peer " + stream.remotePeer() + " " + method.protocolId() + " response";
    this.decoder = new ChunkDecoder(true, method.contextLength(), method.minResponseSize(),
        Math.min(method.maxResponseSize(), config.maxPayloadSize()), maxChunks, what);
    result.whenComplete((v, x) -> cancelTimer());
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
        if (!firstByte && !result.isDone()) {
          arm(config.ttfbTimeout(), "no first byte");
        }
      }
    });
    stream.receive(this);
  }

  @Override
  public void onData(Stream st, ByteBuffer data) {
    if (result.isDone()) {
      if (!decoder.atBoundary() || data.hasRemaining()) {
        // bytes after the response we took: nothing more may come; stop the peer
        stream.reset();
      }
      return;
    }
    if (!firstByte && data.hasRemaining()) {
      firstByte = true;
      arm(config.respTimeout(), "no complete chunk");
    }
    try {
      decoder.feed(data, this::onChunk);
    } catch (ReqRespException e) {
      fail(e);
    }
  }

  private void onChunk(Chunk c) {
    if (result.isDone()) {
      return;
    }
    if (c.code() != ResultCode.SUCCESS) {
      result.completeExceptionally(ReqRespException.errorResponse(
          stream.remotePeer(), method.protocolId(), c.code(), ChunkCodec.errorText(c.payload())));
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
      try {
        onEach.accept(chunk);
      } catch (RuntimeException e) {
        // the consumer refused the chunk: stop the response, report the consumer's failure
        result.completeExceptionally(e);
        stream.reset();
        return;
      }
    }
    if (count >= maxChunks) {
      result.complete(List.copyOf(chunks));
    } else {
      arm(config.respTimeout(), "no complete chunk");
    }
  }

  @Override
  public void onEnd(Stream st) {
    if (result.isDone()) {
      return;
    }
    try {
      decoder.end();
      result.complete(List.copyOf(chunks));
    } catch (ReqRespException e) {
      fail(e);
    }
  }

  @Override
  public void onReset(Stream st) {
    result.completeExceptionally(new ReqRespException(Kind.STREAM_FAILED, what + ": stream reset"));
  }

  private void fail(ReqRespException e) {
    if (result.completeExceptionally(e)) {
      LOG.debug("{}", e.getMessage());
    }
    stream.reset();
  }

  private synchronized void arm(Duration d, String why) {
    cancelTimer();
    if (result.isDone()) {
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
