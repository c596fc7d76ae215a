package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ethereum consensus req/resp over a {@link Host} (phase0 and altair p2p-interface.md "The Req/Resp
 * domain"): a {@link ReqRespEngine} with the built-in Status, Goodbye, Ping and GetMetaData v2
 * methods registered, answering with the values set by {@link #setStatus} and {@link #setMetaData}.
 * Client methods (blocks by range, by root...) are registered and requested here as on the engine.
 *
 * <pre>{@code
 * ReqResp rr = ReqResp.create(host, ReqRespConfig.defaults());
 * rr.setStatus(new StatusMessage(forkDigest, finalizedRoot, finalizedEpoch, headRoot, headSlot));
 * rr.setMetaData(MetaData.empty(0));
 * rr.addListener(e -> { if (e instanceof ReqRespEvent.StatusReceived s) sync.onStatus(s); });
 * rr.register(BLOCKS_BY_RANGE, (peer, req, sink) -> { ...; sink.complete(); });
 * long seq = rr.ping(peer).join();
 * }</pre>
 *
 * <p>Status: when we dial a peer we send our Status once the connection is up, and every
 * {@link ReqRespConfig#statusInterval()} to every peer whose Status we hold; the peer's Status
 * (from its request or its response) is kept ({@link #status}) and reported; a peer with another
 * fork digest gets Goodbye 2 (irrelevant network) and is disconnected. Limits, timeouts and the wire
 * format are the engine's ({@link ReqRespEngine}).
 */
public final class ReqResp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReqResp.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final ReqRespEngine engine;
  private final List<Consumer<ReqRespEvent>> listeners = new CopyOnWriteArrayList<>();
  private final StatusMethod status;
  private final GoodbyeMethod goodbye;
  private final MetaDataMethods metaData;
  private final Host.Subscription subscription;

  private ReqResp(ReqRespEngine engine) {
    this.engine = engine;
    this.goodbye = new GoodbyeMethod(engine, this::emit);
    this.status = new StatusMethod(engine, goodbye, this::emit);
    this.metaData = new MetaDataMethods(engine, this::emit);
    status.register();
    goodbye.register();
    metaData.register();
    engine.setDefaultContext(status::forkDigest);
    this.subscription = engine.host().addListener(this::onHostEvent);
  }

  /**
   * Req/resp on {@code host} with its own timer thread.
   *
   * @param host the host to serve on
   * @param config the settings
   * @return the domain, its methods registered
   */
  public static ReqResp create(Host host, ReqRespConfig config) {
    return new ReqResp(ReqRespEngine.create(host, config));
  }

  /**
   * Req/resp with injected time: {@code scheduler} runs the timeouts, {@code nanoClock} feeds the
   * rate limiter (tests use a manual clock).
   *
   * @param host the host to serve on
   * @param config the settings
   * @param scheduler runs the timeouts
   * @param nanoClock feeds the rate limiter
   * @return the domain, its methods registered
   */
  public static ReqResp create(Host host, ReqRespConfig config, ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    return new ReqResp(ReqRespEngine.create(host, config, scheduler, nanoClock));
  }

  /** {@return the host this runs on} */
  public Host host() {
    return engine.host();
  }

  /** {@return the framework underneath, for code that needs only generic requests and handlers} */
  public ReqRespEngine engine() {
    return engine;
  }

  /**
   * The Status we send and answer with (null until set: Status requests then get ServerError).
   *
   * @param status our Status
   */
  public void setStatus(StatusMessage status) {
    this.status.setLocal(status);
  }

  /**
   * Our Status v2 (fulu on): served under {@code status/2} and offered first (a peer that does not
   * speak v2 is asked with v1); its first five fields also answer v1 requests. {@link #setStatus}
   * goes back to v1 only.
   *
   * @param status our Status v2
   */
  public void setStatusV2(StatusMessageV2 status) {
    this.status.setLocalV2(status);
  }

  /**
   * Which fork digests other than ours a peer's Status may carry without Goodbye 2: around a fork
   * boundary, the neighbouring digest (a peer whose clock crossed the boundary before ours, or after).
   * Default: none. The predicate must be cheap and must not block; it runs on each Status received.
   *
   * @param relevant true for a digest to keep peers on
   */
  public void setRelevantForkDigests(java.util.function.Predicate<io.serenity.p2p.eth2.ssz.Bytes4> relevant) {
    this.status.setRelevant(relevant);
  }

  /** {@return our current Status v2, if one is set} */
  public Optional<StatusMessageV2> localStatusV2() {
    return status.localV2();
  }

  /**
   * {@return the last Status v2 {@code peer} sent us, while it is connected (empty when its last Status was v1)}
   *
   * @param peer the peer
   */
  public Optional<StatusMessageV2> statusV2(PeerId peer) {
    return status.ofV2(peer);
  }

  /**
   * Our MetaData v3 (fulu on): served under {@code metadata/3}; its first three fields answer
   * GetMetaData v2 and its seq_number answers Ping. {@link #setMetaData} goes back to v2 only.
   *
   * @param metaData our MetaData v3
   */
  public void setMetaDataV3(MetaDataV3 metaData) {
    this.metaData.setLocalV3(metaData);
  }

  /** {@return our current MetaData v3, if one is set} */
  public Optional<MetaDataV3> localMetaDataV3() {
    return metaData.localV3();
  }

  /**
   * {@return the last MetaData (its v2 fields) fetched from {@code peer}, while it is connected}
   *
   * @param peer the peer
   */
  public Optional<MetaData> peerMetaData(PeerId peer) {
    return metaData.peerMetaData(peer);
  }

  /**
   * {@return the last MetaData v3 fetched from {@code peer} (empty when it answered v2)}
   *
   * @param peer the peer
   */
  public Optional<MetaDataV3> peerMetaDataV3(PeerId peer) {
    return metaData.peerMetaDataV3(peer);
  }

  /** {@return our current Status, if set} */
  public Optional<StatusMessage> localStatus() {
    return status.local();
  }

  /**
   * The MetaData we answer GetMetaData with; its seq_number answers Ping. Default: empty, seq 0.
   *
   * @param metaData our MetaData
   */
  public void setMetaData(MetaData metaData) {
    this.metaData.setLocal(metaData);
  }

  /** {@return our current MetaData} */
  public MetaData localMetaData() {
    return metaData.local();
  }

  /**
   * {@return the last Status {@code peer} sent us, while it is connected}
   *
   * @param peer the peer
   */
  public Optional<StatusMessage> status(PeerId peer) {
    return status.of(peer);
  }

  /** {@return every connected peer's last Status} */
  public Map<PeerId, StatusMessage> statuses() {
    return status.all();
  }

  /**
   * {@return the last MetaData seq_number {@code peer} told us (by Ping or MetaData)}
   *
   * @param peer the peer
   */
  public Optional<Long> peerSeqNumber(PeerId peer) {
    return metaData.peerSeqNumber(peer);
  }

  /**
   * Subscribes to {@link ReqRespEvent}s; the handle unsubscribes.
   *
   * @param listener called with each event
   * @return the handle
   */
  public Host.Subscription addListener(Consumer<ReqRespEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  // ---------------------------------------------------------------- client methods (the engine's)

  /**
   * Serves {@code method} with a streaming handler, replacing any earlier one.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param method the method
   * @param handler serves each request
   */
  public <Q, R> void register(Method<Q, R> method, RequestHandler<Q, R> handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    engine.register(method, (peer, req, sink) -> {
      String over = SpecLimits.overLimit(method, req);
      if (over != null) {
        // deneb / fulu: "No more than MAX_REQUEST_BLOCKS_DENEB may be requested at a time"
        RLOG.info("peer {} asked {} for too much: {}", peer, method.protocolId(), over);
        sink.error(ResultCode.INVALID_REQUEST, over);
        return;
      }
      handler.handle(peer, req, sink);
    });
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
    engine.register(method, handler);
  }

  /**
   * {@return a failure for a {@link SingleHandler}'s future that answers with result {@code code}}
   *
   * @param code the result code, 1..3 or 128..255
   * @param message the error message sent to the peer
   */
  public static ReqRespException errorResponse(int code, String message) {
    return ReqRespEngine.errorResponse(code, message);
  }

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
    return engine.request(peer, method, request);
  }

  /**
   * Sends {@code request} and collects every response chunk (up to the method's limit; for the
   * spec's by-range, by-root and by-head methods, up to what the request asks for: once that many
   * arrived the response is complete and anything more resets the stream).
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @return completes with the chunks
   */
  public <Q, R> CompletableFuture<List<R>> requestChunks(PeerId peer, Method<Q, R> method, Q request) {
    return requestChunksWithContext(peer, method, request)
        .thenApply(list -> list.stream().map(ResponseChunk::value).toList());
  }

  /**
   * See {@link ReqRespEngine#requestChunksWithContext}.
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
    return engine.exchangeBounded(peer, method, request, maxChunks(method, request), null);
  }

  /** The chunk bound of a request: the spec's per-request bound for its methods, else the method's. */
  private static int maxChunks(Method<?, ?> method, Object request) {
    long n = SpecLimits.allowedChunks(method, request);
    // a request for nothing still reads (and rejects) a chunk: the bound must be at least 1
    return n < 0 ? method.maxResponseChunks() : (int) Math.max(1, Math.min(n, method.maxResponseChunks()));
  }

  /**
   * See {@link ReqRespEngine#requestStream}: each chunk is handed to {@code onChunk} as it arrives,
   * with back-pressure (a slow consumer pauses the stream), and the chunk bound of the request.
   *
   * @param <Q> the request type
   * @param <R> the response type
   * @param peer the peer
   * @param method the method
   * @param request the request, null for methods without content
   * @param onChunk receives each chunk and its context bytes, one at a time on a virtual thread; may block
   * @return completes with the number of chunks
   */
  public <Q, R> CompletableFuture<Integer> requestStream(PeerId peer, Method<Q, R> method, Q request,
      Consumer<ResponseChunk<R>> onChunk) {
    java.util.Objects.requireNonNull(onChunk, "onChunk");
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return engine.exchangeBounded(peer, method, request, maxChunks(method, request), c -> {
      onChunk.accept(c);
      n.incrementAndGet();
    }).thenApply(list -> n.get());
  }

  // ---------------------------------------------------------------- built-in methods

  /**
   * Sends our Status to {@code peer}; handles its answer as on connect (kept, reported, checked).
   *
   * @param peer the peer
   * @return completes with its Status
   */
  public CompletableFuture<StatusMessage> exchangeStatus(PeerId peer) {
    return status.exchange(peer);
  }

  /**
   * Pings {@code peer} with our seq_number; returns (and records) its seq_number.
   *
   * @param peer the peer
   * @return completes with its MetaData sequence number
   */
  public CompletableFuture<Long> ping(PeerId peer) {
    return metaData.ping(peer);
  }

  /**
   * Asks {@code peer} for its MetaData v3 (fulu); keeps it ({@link #peerMetaDataV3}).
   *
   * @param peer the peer
   * @return completes with its MetaData v3
   */
  public CompletableFuture<MetaDataV3> metaDataV3(PeerId peer) {
    return metaData.metaDataV3(peer);
  }

  /**
   * Asks {@code peer} for its MetaData v2.
   *
   * @param peer the peer
   * @return completes with its MetaData
   */
  public CompletableFuture<MetaData> metaData(PeerId peer) {
    return metaData.metaData(peer);
  }

  /**
   * Says Goodbye with {@code reason} ({@link Goodbye#CLIENT_SHUTDOWN}, {@link
   * Goodbye#IRRELEVANT_NETWORK}, {@link Goodbye#FAULT_ERROR} or 128+), waits until the peer closes
   * the stream or {@link ReqRespConfig#goodbyeGrace()} passes, then disconnects. Never fails.
   *
   * @param peer the peer
   * @param reason the Goodbye reason
   * @return completes once the peer is disconnected
   */
  public CompletableFuture<Void> goodbye(PeerId peer, long reason) {
    return goodbye.send(peer, reason);
  }

  /**
   * See {@link ReqRespEngine#slowReaderResets()}.
   *
   * @return how many
   */
  public long slowReaderResets() {
    return engine.slowReaderResets();
  }

  /**
   * See {@link ReqRespEngine#rateLimitedRequests()}.
   *
   * @return how many inbound requests a rate limit refused
   */
  public long rateLimitedRequests() {
    return engine.rateLimitedRequests();
  }

  /** Removes our handlers and listeners; stops the timer thread when we own it. */
  @Override
  public void close() {
    subscription.cancel();
    status.close();
    engine.close();
  }

  private void onHostEvent(HostEvent e) {
    if (e instanceof HostEvent.PeerConnected c) {
      status.onConnected(c);
    } else if (e instanceof HostEvent.PeerDisconnected d) {
      status.forget(d.peer());
      metaData.forget(d.peer());
    }
  }

  private void emit(ReqRespEvent e) {
    for (Consumer<ReqRespEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException x) {
        LOG.warn("req/resp listener failed on {}", e, x);
      }
    }
  }
}
