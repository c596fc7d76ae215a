package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The req/resp framework over a {@link Host} (phase0 p2p-interface.md "The Req/Resp domain",
 * "Req/Resp interaction"): a registry of {@link Method}s and their handlers, one stream per request,
 * the ssz_snappy chunk codec, size bounds, the TTFB and response timeouts, and the limits of
 * {@link ReqRespConfig}. It knows no method of its own: {@link ReqResp} puts the Ethereum consensus
 * methods (Status, Goodbye, Ping, GetMetaData) on top of one, and any application may register its
 * own instead.
 *
 * <pre>{@code
 * Method<Long, Long> echo = Method.single("echo", 1, Ssz.UINT64, Ssz.UINT64).withProtocolPrefix("/myapp/req/");
 * ReqRespEngine engine = ReqRespEngine.create(host, ReqRespConfig.defaults());
 * engine.register(echo, (peer, x) -> CompletableFuture.completedFuture(x));
 * long back = engine.request(peer, echo, 7L).join();
 * }</pre>
 *
 * <p>Inbound limits: at most {@link ReqRespConfig#maxInboundStreamsPerPeer()} concurrent streams per
 * peer (more are reset at once); a token bucket per peer and method counting requests ({@link
 * ReqRespConfig#rateLimit()}), charged when the stream opens; and, once the request is decoded,
 * buckets counting the response chunks it asks for, per peer and for all peers ({@link
 * ReqRespConfig#chunkQuotas()}, {@link ReqRespConfig#globalChunkQuotas()}). A request refused by
 * any of them is answered with ResourceUnavailable (3) "rate limited..." and not processed, counted
 * ({@link #rateLimitedRequests()}) and logged. (The spec prefers withholding the answer; an
 * immediate error keeps our memory bounded and tells the peer to back off, as several clients do.)
 * Outbound: at most {@link ReqRespConfig#maxConcurrentRequests()} requests in flight per peer and
 * protocol id; the rest queue.
 *
 * <p>{@link ReqRespConfig#goodbyeGrace()} and {@link ReqRespConfig#statusOnConnect()} are not read
 * here; they belong to the Ethereum methods of {@link ReqResp}.
 */
public final class ReqRespEngine implements AutoCloseable {

  /** The framework's log, shared by the per-request classes. */
  static final Logger LOG = LoggerFactory.getLogger(ReqRespEngine.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /**
   * Most response bytes written and not yet taken by the socket before a handler's {@link
   * ResponseSink#next} waits (back-pressure); see {@link #slowReaderResets()}.
   */
  static final int RESPONSE_WRITE_WINDOW = 1 << 20;

  private final Host host;
  private final ReqRespConfig config;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  /** Runs request handlers, one virtual thread per request (handlers may block). */
  private final ExecutorService handlers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("reqresp-handler-", 1).factory());
  private final LongSupplier nanoClock;
  private final RateLimiter limiter;
  private final Map<PeerId, AtomicInteger> inbound = new ConcurrentHashMap<>();
  /** The registry: protocol id to the method served under it. */
  private final Map<String, Method<?, ?>> methods = new ConcurrentHashMap<>();
  private final Host.Subscription subscription;
  private final Object outboundLock = new Object();
  private final Map<String, Integer> outboundActive = new HashMap<>(); // guarded by outboundLock
  private final Map<String, ArrayDeque<Runnable>> outboundWaiting = new HashMap<>(); // same
  private final LongAdder slowReaderResets = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  /** The longest queue of decoded chunks any streaming consumer had waiting (tests check the bound). */
  private final java.util.concurrent.atomic.LongAccumulator streamQueueHighWater =
      new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
  private volatile Supplier<byte[]> defaultContext = () -> null;

  private ReqRespEngine(Host host, ReqRespConfig config, ScheduledExecutorService scheduler, LongSupplier nanoClock) {
    this.host = Objects.requireNonNull(host, "host");
    this.config = config.validate();
    this.ownScheduler = scheduler == null;
    this.scheduler = scheduler != null ? scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "reqresp-timer");
      t.setDaemon(true);
      return t;
    });
    this.nanoClock = nanoClock;
    this.limiter = new RateLimiter(config);
    this.subscription = host.addListener(this::onHostEvent);
  }

  /**
   * {@return a framework on {@code host} with its own timer thread and the system clock; no method registered}
   *
   * @param host the host to serve on
   * @param config the settings
   */
  public static ReqRespEngine create(Host host, ReqRespConfig config) {
    return new ReqRespEngine(host, config, null, System::nanoTime);
  }

  /**
   * A framework with injected time: {@code scheduler} runs the timeouts, {@code nanoClock} feeds the
   * rate limiter (tests use a manual clock). The caller owns (and shuts down) the scheduler.
   *
   * @param host the host to serve on
   * @param config the settings
   * @param scheduler runs the timeouts
   * @param nanoClock feeds the rate limiter
   * @return the framework, no method registered
   */
  public static ReqRespEngine create(Host host, ReqRespConfig config, ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    return new ReqRespEngine(host, config, Objects.requireNonNull(scheduler), Objects.requireNonNull(nanoClock));
  }

  /** {@return the host this runs on} */
  public Host host() {
    return host;
  }

  /** The settings (validated). */
  ReqRespConfig config() {
    return config;
  }

  /**
   * The context bytes {@link ResponseSink#next(Object)} writes for methods with {@link
   * Method#forkDigestContext()}: {@code source} is asked for each chunk; null (or no source) writes
   * zeros. {@link ReqResp} answers with the fork digest of its current Status.
   *
   * @param source the context bytes for the next chunk
   */
  public void setDefaultContext(Supplier<byte[]> source) {
    this.defaultContext = Objects.requireNonNull(source, "source");
  }

  // ---------------------------------------------------------------- registration

  /**
   * Serves {@code method} with a streaming handler, replacing any earlier one.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param method the method
   * @param handler serves each request
   */
  public <Q, R> void register(Method<Q, R> method, RequestHandler<Q, R> handler) {
    Objects.requireNonNull(handler);
    methods.put(method.protocolId(), method);
    host.setStreamHandler(method.protocolId(), s -> accept(method, handler, s));
  }

  /**
   * Serves a method with a handler returning the single response.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param method the method
   * @param handler serves each request
   */
  public <Q, R> void register(Method<Q, R> method, SingleHandler<Q, R> handler) {
    Objects.requireNonNull(handler);
    register(method, (RequestHandler<Q, R>) (peer, req, sink) -> {
      CompletableFuture<R> f;
      try {
        f = handler.handle(peer, req);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        if (e == null) {
          try {
            sink.next(Objects.requireNonNull(r, "handler answered null"));
            sink.complete();
          } catch (RuntimeException x) {
            LOG.warn("handler of {} gave an unsendable answer for {}", method.protocolId(), peer, x);
            sink.error(ResultCode.SERVER_ERROR, "server error");
          }
        } else {
          Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (c instanceof ReqRespException rre && rre.kind() == Kind.ERROR_RESPONSE && rre.code() > 0) {
            sink.error(rre.code(), rre.getMessage());
          } else {
            LOG.debug("handler of {} failed for {}", method.protocolId(), peer, c);
            sink.error(ResultCode.SERVER_ERROR, "server error");
          }
        }
      });
    });
  }

  /**
   * {@return a failure for a {@link SingleHandler}'s future that answers with result {@code code}}
   *
   * @param code the result code, 1..3 or 128..255
   * @param message the error message sent to the peer
   */
  public static ReqRespException errorResponse(int code, String message) {
    return new ReqRespException(Kind.ERROR_RESPONSE, code, message, null);
  }

  // ---------------------------------------------------------------- requests

  /**
   * Sends {@code request} and returns the single response; fails with {@link ReqRespException}.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @return completes with the response
   */
  public <Q, R> CompletableFuture<R> request(PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, 1).thenApply(list -> {
      if (list.isEmpty()) {
        throw new ReqRespException(Kind.TRUNCATED,
            "peer " + peer + " closed " + method.protocolId() + " without a response chunk");
      }
      return list.get(0).value();
    });
  }

  /**
   * Sends {@code request} and collects every response chunk (up to the method's limit).
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @return completes with the chunks
   */
  public <Q, R> CompletableFuture<List<R>> requestChunks(PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, method.maxResponseChunks())
        .thenApply(list -> list.stream().map(ResponseChunk::value).toList());
  }

  /**
   * Like {@link #requestChunks} but keeps each chunk's context bytes (the fork digest of v2 methods),
   * for types whose SSZ schema depends on the fork: use a pass-through codec and decode each value
   * with the schema its context names.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @return completes with the chunks and their context bytes
   */
  public <Q, R> CompletableFuture<List<ResponseChunk<R>>> requestChunksWithContext(
      PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, method.maxResponseChunks());
  }

  /**
   * Sends {@code request} and hands each response chunk to {@code onChunk} as it is decoded, without
   * collecting them: for long by-range responses whose chunks the caller stores or verifies one by
   * one. {@code onChunk} runs on a virtual thread of the request's own, one chunk at a time and in
   * order, and may block (a database write, a verification): it gets back-pressure. While it has not
   * returned, at most two further chunks are decoded and wait; then reading from the stream pauses,
   * the muxer stops granting window (yamux) and the peer stops sending, and the response timeout
   * is suspended, as the wait is ours. Memory stays at those two chunks, one receive window and
   * the bytes of one read. A consumer slower than the responder's own patience may have its stream
   * reset by the responder (our responders give a peer that reads nothing {@link
   * ReqRespConfig#respTimeout()}). An exception {@code onChunk} throws resets the stream and fails
   * the result with that exception; the chunks still waiting are dropped. The limits, the timeouts
   * and the chunk bound of the method apply as in {@link #requestChunks}.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @param onChunk receives each chunk and its context bytes, in order
   * @return completes with the number of chunks once the response ended and {@code onChunk} took
   *     them all; fails with {@link ReqRespException} (an error chunk, a timeout, a malformed chunk,
   *     a reset) after the chunks before it were delivered
   */
  public <Q, R> CompletableFuture<Integer> requestStream(PeerId peer, Method<Q, R> method, Q request,
      java.util.function.Consumer<ResponseChunk<R>> onChunk) {
    Objects.requireNonNull(onChunk, "onChunk");
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return exchange(peer, method, request, method.maxResponseChunks(), c -> {
      onChunk.accept(c);
      n.incrementAndGet();
    }).thenApply(list -> n.get());
  }

  /** Like {@link #requestStream} / {@link #requestChunksWithContext} with a chunk bound of the caller's. */
  <Q, R> CompletableFuture<List<ResponseChunk<R>>> exchangeBounded(PeerId peer, Method<Q, R> method, Q request,
      int maxChunks, java.util.function.Consumer<ResponseChunk<R>> onEach) {
    return exchange(peer, method, request, maxChunks, onEach);
  }

  /**
   * Stops serving {@code method}: inbound streams of its protocol id are refused from now on (the
   * peer's negotiation fails, so it may fall back to another version).
   *
   * @param method the method
   */
  public void unregister(Method<?, ?> method) {
    if (methods.remove(method.protocolId()) != null) {
      host.removeStreamHandler(method.protocolId());
    }
  }

  /**
   * Writes {@code request} on a stream of its own and reads no answer (Goodbye's way): completes when
   * the peer closes the stream, when {@code grace} passes, or at once when the stream cannot be
   * opened or written. Never fails; not subject to {@link ReqRespConfig#maxConcurrentRequests()}.
   */
  <Q> CompletableFuture<Void> send(PeerId peer, Method<Q, ?> method, Q request, Duration grace) {
    byte[] body = ChunkCodec.request(method.requestCodec().encode(request));
    CompletableFuture<Void> sent = new CompletableFuture<>();
    ScheduledFuture<?> timer = scheduler.schedule(() -> sent.complete(null), grace.toNanos(), TimeUnit.NANOSECONDS);
    host.newStream(peer, method.protocolId()).whenComplete((s, e) -> {
      if (e != null) {
        sent.complete(null);
        return;
      }
      s.write(body)
          .thenCompose(v -> s.closeWrite())
          .whenComplete((v, x) -> {
            if (x != null) {
              sent.complete(null);
            }
          });
      // the peer answers nothing: its closing (or the grace period) tells us the request arrived
      s.receive((stream, data) -> {});
      s.closeFuture().whenComplete((v, x) -> sent.complete(null));
    });
    return sent.whenComplete((v, x) -> timer.cancel(false));
  }

  /**
   * Responses reset because the peer did not read them: the handler waited on back-pressure for the
   * response timeout (also counted in the host's {@link Host#writeBudget()} as a stream-scope hit).
   *
   * @return how many
   */
  public long slowReaderResets() {
    return slowReaderResets.sum();
  }

  /**
   * Inbound requests refused by a rate limit: the request bucket when the stream opened, or a chunk
   * quota (per peer or global) once the request was decoded. Each got ResourceUnavailable (3).
   *
   * @return how many
   */
  public long rateLimitedRequests() {
    return rateLimited.sum();
  }

  /** Removes our handlers and listener; stops the timer thread when we own it. */
  @Override
  public void close() {
    subscription.cancel();
    for (String p : methods.keySet()) {
      host.removeStreamHandler(p);
    }
    handlers.shutdownNow();
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- what the streams share

  /** The longest queue of decoded chunks waiting for a {@link #requestStream} consumer so far. */
  long streamQueueHighWater() {
    return streamQueueHighWater.get();
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  ExecutorService handlers() {
    return handlers;
  }

  /** The context bytes of a chunk the handler wrote without any: the source's, else zeros. */
  byte[] defaultContext(int length) {
    byte[] c = defaultContext.get();
    if (c == null) {
      return new byte[length];
    }
    if (c.length != length) {
      throw new IllegalStateException("the default context has " + c.length + " bytes, the method takes " + length);
    }
    return c.clone();
  }

  /** Counts a response reset because its peer did not read it. */
  void countSlowReader(Stream stream) {
    slowReaderResets.increment();
    host.writeBudget().recordHit(io.serenity.p2p.transport.WriteBudget.Scope.STREAM, stream.connection().muxer());
  }

  private void onHostEvent(HostEvent e) {
    if (e instanceof HostEvent.PeerDisconnected d) {
      limiter.forget(d.peer());
      inbound.remove(d.peer());
    }
  }

  // ---------------------------------------------------------------- inbound

  private <Q, R> void accept(Method<Q, R> method, RequestHandler<Q, R> handler, Stream s) {
    PeerId peer = s.remotePeer();
    AtomicInteger open = inbound.computeIfAbsent(peer, p -> new AtomicInteger());
    if (open.incrementAndGet() > config.maxInboundStreamsPerPeer()) {
      open.decrementAndGet();
      RLOG.info("peer {} exceeds {} concurrent req/resp streams; resetting {}", peer,
          config.maxInboundStreamsPerPeer(), method.protocolId());
      s.reset();
      return;
    }
    InboundRequest<Q, R> in = new InboundRequest<>(this, method, handler, s, open::decrementAndGet);
    if (!limiter.tryAcquire(peer, method.protocolId(), nanoClock.getAsLong())) {
      rateLimited.increment();
      RLOG.info("peer {} rate limited on {}: request bucket empty", peer, method.protocolId());
      s.receive((stream, data) -> {});
      in.error(ResultCode.RESOURCE_UNAVAILABLE, "rate limited");
      return;
    }
    in.start();
  }

  /**
   * The chunk quotas of a decoded request: charges the chunks it asks for ({@link
   * SpecLimits#allowedChunks} for the spec's methods, else the method's most) to the peer's and the
   * global bucket; returns null when admitted, else the refusal (counted and logged here).
   */
  String admitChunks(PeerId peer, Method<?, ?> method, Object request) {
    String id = method.protocolId();
    if (!config.hasChunkQuota(id)) {
      return null;
    }
    long asked = SpecLimits.allowedChunks(method, request);
    long chunks = asked < 0 ? method.maxResponseChunks() : asked;
    String refused = limiter.tryAcquireChunks(peer, id, chunks, nanoClock.getAsLong());
    if (refused != null) {
      rateLimited.increment();
      RLOG.info("peer {} rate limited on {}: {}", peer, id, refused);
    }
    return refused;
  }

  // ---------------------------------------------------------------- outbound

  private <Q, R> CompletableFuture<List<ResponseChunk<R>>> exchange(PeerId peer, Method<Q, R> method, Q request,
      int maxChunks) {
    return exchange(peer, method, request, maxChunks, null);
  }

  private <Q, R> CompletableFuture<List<ResponseChunk<R>>> exchange(PeerId peer, Method<Q, R> method, Q request,
      int maxChunks, java.util.function.Consumer<ResponseChunk<R>> onEach) {
    byte[] body;
    if (method.hasNoRequest()) {
      body = null;
    } else {
      Objects.requireNonNull(request, "request");
      body = ChunkCodec.request(method.requestCodec().encode(request));
    }
    CompletableFuture<List<ResponseChunk<R>>> result = new CompletableFuture<>();
    // phase0 "Requesting side": at most MAX_CONCURRENT_REQUESTS per protocol id; the rest queue
    String key = peer.toBase58() + " " + method.protocolId();
    AtomicBoolean holdsSlot = new AtomicBoolean();
    result.whenComplete((v, x) -> {
      if (holdsSlot.getAndSet(false)) {
        releaseOutbound(key);
      }
    });
    acquireOutbound(key, () -> {
      holdsSlot.set(true);
      if (result.isDone()) { // cancelled by the caller while queued
        if (holdsSlot.getAndSet(false)) {
          releaseOutbound(key);
        }
        return;
      }
      host.newStream(peer, method.protocolId()).whenComplete((s, e) -> {
        if (e != null) {
          result.completeExceptionally(new ReqRespException(Kind.STREAM_FAILED, -1,
              "cannot open " + method.protocolId() + " to " + peer + ": " + e.getMessage(), e));
          return;
        }
        if (result.isDone()) {
          s.reset();
          return;
        }
        new OutboundRequest<>(config, scheduler, method, s, maxChunks, result, onEach, handlers,
            streamQueueHighWater::accumulate).start(body);
      });
    });
    return result;
  }

  private void acquireOutbound(String key, Runnable start) {
    synchronized (outboundLock) {
      int n = outboundActive.getOrDefault(key, 0);
      if (n >= config.maxConcurrentRequests()) {
        outboundWaiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(start);
        return;
      }
      outboundActive.put(key, n + 1);
    }
    start.run();
  }

  private void releaseOutbound(String key) {
    Runnable next;
    synchronized (outboundLock) {
      ArrayDeque<Runnable> q = outboundWaiting.get(key);
      next = q == null ? null : q.poll();
      if (q != null && q.isEmpty()) {
        outboundWaiting.remove(key);
      }
      if (next == null) {
        int n = outboundActive.getOrDefault(key, 1) - 1;
        if (n <= 0) {
          outboundActive.remove(key);
        } else {
          outboundActive.put(key, n);
        }
      }
    }
    if (next != null) {
      next.run(); // the slot passes to the next request unchanged
    }
  }
}
