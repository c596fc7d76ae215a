package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import io.serenity.p2p.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ethereum consensus req/resp over a {@link Host} (phase0 and altair p2p-interface.md "The Req/Resp
 * domain"): serves registered methods, sends requests, and runs the built-in Status, Goodbye, Ping
 * and GetMetaData v2 protocols with the values set by {@link #setStatus} and {@link #setMetaData}.
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
 * <p>Status: when we dial a peer we send our Status once the connection is up; the peer's Status
 * (from its request or its response) is kept ({@link #status}) and reported; a peer with another
 * fork digest gets Goodbye 2 (irrelevant network) and is disconnected.
 *
 * <p>Inbound limits: at most {@link ReqRespConfig#maxInboundStreamsPerPeer()} concurrent streams per
 * peer (more are reset at once); a token bucket per peer and method ({@link
 * ReqRespConfig#rateLimit()}): a request finding the bucket empty is answered with
 * ResourceUnavailable (3) "rate limited" and not processed. (The spec prefers withholding the
 * answer; an immediate error keeps our memory bounded and tells the peer to back off, as several
 * clients do.)
 */
public final class ReqResp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReqResp.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Host host;
  private final ReqRespConfig config;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  /** Runs request handlers, one virtual thread per request (handlers may block). */
  private final java.util.concurrent.ExecutorService handlers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("reqresp-handler-", 1).factory());
  private final LongSupplier nanoClock;
  private final RateLimiter limiter;
  private final Map<PeerId, AtomicInteger> inbound = new ConcurrentHashMap<>();
  private final Map<PeerId, StatusMessage> statuses = new ConcurrentHashMap<>();
  private final Map<PeerId, Long> peerSeqs = new ConcurrentHashMap<>();
  private final List<Consumer<ReqRespEvent>> listeners = new CopyOnWriteArrayList<>();
  private final List<String> protocols = new CopyOnWriteArrayList<>();
  private final Host.Subscription subscription;
  private final Object outboundLock = new Object();
  private final Map<String, Integer> outboundActive = new HashMap<>(); // guarded by outboundLock
  private final Map<String, ArrayDeque<Runnable>> outboundWaiting = new HashMap<>(); // same
  private volatile StatusMessage localStatus;
  private volatile MetaData localMetaData = MetaData.empty(0);
  private final java.util.concurrent.atomic.LongAdder slowReaderResets = new java.util.concurrent.atomic.LongAdder();

  /**
   * Most response bytes written and not yet taken by the socket before a handler's {@link
   * ResponseSink#next} waits (back-pressure); see {@link #slowReaderResets()}.
   */
  static final int RESPONSE_WRITE_WINDOW = 1 << 20;

  private ReqResp(Host host, ReqRespConfig config, ScheduledExecutorService scheduler, LongSupplier nanoClock) {
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
    register(Eth2Methods.STATUS, this::serveStatus);
    register(Eth2Methods.GOODBYE, this::serveGoodbye);
    register(Eth2Methods.PING, this::servePing);
    register(Eth2Methods.METADATA, this::serveMetaData);
    this.subscription = host.addListener(this::onHostEvent);
  }

  /** Req/resp on {@code host} with its own timer thread. */
  public static ReqResp create(Host host, ReqRespConfig config) {
    return new ReqResp(host, config, null, System::nanoTime);
  }

  /**
   * Req/resp with injected time: {@code scheduler} runs the timeouts, {@code nanoClock} feeds the
   * rate limiter (tests use a manual clock).
   */
  public static ReqResp create(Host host, ReqRespConfig config, ScheduledExecutorService scheduler,
      LongSupplier nanoClock) {
    return new ReqResp(host, config, Objects.requireNonNull(scheduler), Objects.requireNonNull(nanoClock));
  }

  /** The host this runs on. */
  public Host host() {
    return host;
  }

  /** The Status we send and answer with (null until set: Status requests then get ServerError). */
  public void setStatus(StatusMessage status) {
    this.localStatus = Objects.requireNonNull(status);
  }

  /** Our current Status, if set. */
  public Optional<StatusMessage> localStatus() {
    return Optional.ofNullable(localStatus);
  }

  /** The MetaData we answer GetMetaData with; its seq_number answers Ping. Default: empty, seq 0. */
  public void setMetaData(MetaData metaData) {
    this.localMetaData = Objects.requireNonNull(metaData);
  }

  /** Our current MetaData. */
  public MetaData localMetaData() {
    return localMetaData;
  }

  /** The last Status {@code peer} sent us, while it is connected. */
  public Optional<StatusMessage> status(PeerId peer) {
    return Optional.ofNullable(statuses.get(peer));
  }

  /** Every connected peer's last Status. */
  public Map<PeerId, StatusMessage> statuses() {
    return Map.copyOf(statuses);
  }

  /** The last MetaData seq_number {@code peer} told us (by Ping or MetaData). */
  public Optional<Long> peerSeqNumber(PeerId peer) {
    return Optional.ofNullable(peerSeqs.get(peer));
  }

  /** Subscribes to {@link ReqRespEvent}s; the handle unsubscribes. */
  public Host.Subscription addListener(Consumer<ReqRespEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  // ---------------------------------------------------------------- registration

  /** Serves {@code method} with a streaming handler, replacing any earlier one. */
  public <Q, R> void register(Method<Q, R> method, RequestHandler<Q, R> handler) {
    Objects.requireNonNull(handler);
    protocols.add(method.protocolId());
    host.setStreamHandler(method.protocolId(), s -> serve(method, handler, s));
  }

  /** Serves a method with a handler returning the single response. */
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

  /** A failure for a {@link SingleHandler}'s future that answers with result {@code code}. */
  public static ReqRespException errorResponse(int code, String message) {
    return new ReqRespException(Kind.ERROR_RESPONSE, code, message, null);
  }

  // ---------------------------------------------------------------- requests

  /** Sends {@code request} and returns the single response; fails with {@link ReqRespException}. */
  public <Q, R> CompletableFuture<R> request(PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, 1).thenApply(list -> {
      if (list.isEmpty()) {
        throw new ReqRespException(Kind.TRUNCATED,
            "peer " + peer + " closed " + method.protocolId() + " without a response chunk");
      }
      return list.get(0).value();
    });
  }

  /** Sends {@code request} and collects every response chunk (up to the method's limit). */
  public <Q, R> CompletableFuture<List<R>> requestChunks(PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, method.maxResponseChunks())
        .thenApply(list -> list.stream().map(ResponseChunk::value).toList());
  }

  /**
   * Like {@link #requestChunks} but keeps each chunk's context bytes (the fork digest of v2 methods),
   * for types whose SSZ schema depends on the fork: use a pass-through codec and decode each value
   * with the schema its context names.
   */
  public <Q, R> CompletableFuture<List<ResponseChunk<R>>> requestChunksWithContext(
      PeerId peer, Method<Q, R> method, Q request) {
    return exchange(peer, method, request, method.maxResponseChunks());
  }

  /** Sends our Status to {@code peer}; handles its answer as on connect (kept, reported, checked). */
  public CompletableFuture<StatusMessage> exchangeStatus(PeerId peer) {
    StatusMessage mine = localStatus;
    if (mine == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("setStatus() first"));
    }
    return request(peer, Eth2Methods.STATUS, mine).thenApply(s -> {
      onPeerStatus(peer, s);
      return s;
    });
  }

  /** Pings {@code peer} with our seq_number; returns (and records) its seq_number. */
  public CompletableFuture<Long> ping(PeerId peer) {
    return request(peer, Eth2Methods.PING, new Ping(localMetaData.seqNumber())).thenApply(p -> {
      pingedSeq(peer, p.seqNumber());
      return p.seqNumber();
    });
  }

  /** Asks {@code peer} for its MetaData v2. */
  public CompletableFuture<MetaData> metaData(PeerId peer) {
    return request(peer, Eth2Methods.METADATA, null).thenApply(m -> {
      peerSeqs.put(peer, m.seqNumber());
      return m;
    });
  }

  /**
   * Says Goodbye with {@code reason} ({@link Goodbye#CLIENT_SHUTDOWN}, {@link
   * Goodbye#IRRELEVANT_NETWORK}, {@link Goodbye#FAULT_ERROR} or 128+), waits until the peer closes
   * the stream or {@link ReqRespConfig#goodbyeGrace()} passes, then disconnects. Never fails.
   */
  public CompletableFuture<Void> goodbye(PeerId peer, long reason) {
    emit(new ReqRespEvent.GoodbyeSent(peer, reason));
    CompletableFuture<Void> sent = new CompletableFuture<>();
    ScheduledFuture<?> grace = scheduler.schedule(() -> sent.complete(null),
        config.goodbyeGrace().toNanos(), TimeUnit.NANOSECONDS);
    host.newStream(peer, Eth2Methods.GOODBYE.protocolId()).whenComplete((s, e) -> {
      if (e != null) {
        sent.complete(null);
        return;
      }
      s.write(ChunkCodec.request(Goodbye.CODEC.encode(new Goodbye(reason))))
          .thenCompose(v -> s.closeWrite())
          .whenComplete((v, x) -> {
            if (x != null) {
              sent.complete(null);
            }
          });
      // the peer answers nothing: its closing (or the grace period) tells us the Goodbye arrived
      s.receive((stream, data) -> {});
      s.closeFuture().whenComplete((v, x) -> sent.complete(null));
    });
    return sent.thenCompose(v -> {
      grace.cancel(false);
      return host.disconnect(peer);
    }).exceptionally(e -> null);
  }

  /**
   * Responses reset because the peer did not read them: the handler waited on back-pressure for the
   * response timeout (also counted in the host's {@link Host#writeBudget()} as a stream-scope hit).
   */
  public long slowReaderResets() {
    return slowReaderResets.sum();
  }

  /** Removes our handlers and listener; stops the timer thread when we own it. */
  @Override
  public void close() {
    subscription.cancel();
    for (String p : protocols) {
      host.removeStreamHandler(p);
    }
    handlers.shutdownNow();
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- built-ins

  private void serveStatus(PeerId peer, StatusMessage theirs, ResponseSink<StatusMessage> sink) {
    StatusMessage mine = localStatus;
    if (mine == null) {
      sink.error(ResultCode.SERVER_ERROR, "status not available");
      return;
    }
    sink.next(mine);
    sink.complete();
    onPeerStatus(peer, theirs);
  }

  private void serveGoodbye(PeerId peer, Goodbye goodbye, ResponseSink<Goodbye> sink) {
    RLOG.info("peer {} said goodbye, reason {}", peer, Long.toUnsignedString(goodbye.reason()));
    emit(new ReqRespEvent.GoodbyeReceived(peer, goodbye.reason()));
    sink.complete();
  }

  private void servePing(PeerId peer, Ping ping, ResponseSink<Ping> sink) {
    sink.next(new Ping(localMetaData.seqNumber()));
    pingedSeq(peer, ping.seqNumber());
    sink.complete();
  }

  private void serveMetaData(PeerId peer, Void none, ResponseSink<MetaData> sink) {
    sink.next(localMetaData);
    sink.complete();
  }

  /** A Ping told us {@code peer}'s seq number: report it when it differs from what we knew. */
  private void pingedSeq(PeerId peer, long seq) {
    Long before = peerSeqs.put(peer, seq);
    if (before == null || before != seq) {
      // phase0 "Ping": the client MAY then ask for the new MetaData
      emit(new ReqRespEvent.MetaDataChanged(peer, seq));
    }
  }

  private void onPeerStatus(PeerId peer, StatusMessage theirs) {
    if (host.connection(peer).isEmpty()) {
      return;
    }
    statuses.put(peer, theirs);
    emit(new ReqRespEvent.StatusReceived(peer, theirs));
    StatusMessage mine = localStatus;
    if (mine != null && !mine.forkDigest().equals(theirs.forkDigest())) {
      // phase0 "Status": a peer on another fork is of no use to us
      RLOG.info("peer {} is on fork digest {} (ours {}): goodbye", peer, theirs.forkDigest(), mine.forkDigest());
      goodbye(peer, Goodbye.IRRELEVANT_NETWORK);
    }
  }

  private void onHostEvent(HostEvent e) {
    if (e instanceof HostEvent.PeerConnected c) {
      if (config.statusOnConnect() && c.connection().isInitiator() && localStatus != null) {
        // phase0 "Status": the dialing client MUST send a Status request upon connection
        exchangeStatus(c.peer()).whenComplete((s, x) -> {
          if (x != null) {
            RLOG.info("status exchange with {} failed: {}", c.peer(), x.getMessage());
          }
        });
      }
    } else if (e instanceof HostEvent.PeerDisconnected d) {
      statuses.remove(d.peer());
      peerSeqs.remove(d.peer());
      limiter.forget(d.peer());
      inbound.remove(d.peer());
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

  // ---------------------------------------------------------------- inbound

  private <Q, R> void serve(Method<Q, R> method, RequestHandler<Q, R> handler, Stream s) {
    PeerId peer = s.remotePeer();
    AtomicInteger open = inbound.computeIfAbsent(peer, p -> new AtomicInteger());
    if (open.incrementAndGet() > config.maxInboundStreamsPerPeer()) {
      open.decrementAndGet();
      RLOG.info("peer {} exceeds {} concurrent req/resp streams; resetting {}", peer,
          config.maxInboundStreamsPerPeer(), method.protocolId());
      s.reset();
      return;
    }
    Inbound<Q, R> in = new Inbound<>(method, handler, s, open);
    if (!limiter.tryAcquire(peer, method.protocolId(), nanoClock.getAsLong())) {
      LOG.debug("peer {} rate limited on {}", peer, method.protocolId());
      s.receive((stream, data) -> {});
      in.error(ResultCode.RESOURCE_UNAVAILABLE, "rate limited");
      return;
    }
    in.start();
  }

  /** One inbound request: reads it, runs the handler, writes the chunks. */
  private final class Inbound<Q, R> implements ResponseSink<R>, StreamReceiver {
    private final Method<Q, R> method;
    private final RequestHandler<Q, R> handler;
    private final Stream stream;
    private final AtomicInteger open;
    private final ChunkDecoder decoder;
    private boolean requestRead; // event loop only
    private boolean closed; // guarded by this
    private volatile String endedBy = "the handler ended it";
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private long unsent; // guarded by this: response bytes written, not yet taken by the socket
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null); // guarded by this
    private int sent; // guarded by this
    private ScheduledFuture<?> timer; // guarded by this

    Inbound(Method<Q, R> method, RequestHandler<Q, R> handler, Stream stream, AtomicInteger open) {
      this.method = method;
      this.handler = handler;
      this.stream = stream;
      this.open = open;
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
      rearm(config.respTimeout(), "handler too slow");
      try {
        handlers.execute(() -> {
          try {
            handler.handle(stream.remotePeer(), request, this);
          } catch (RuntimeException e) {
            LOG.warn("handler of {} threw for {}", method.protocolId(), stream.remotePeer(), e);
            error(ResultCode.SERVER_ERROR, "server error");
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
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
        sent++;
        bytes = ChunkCodec.success(context != null ? context.clone() : context(), ssz);
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
     * producing faster than the peer reads holds at most {@link #RESPONSE_WRITE_WINDOW} bytes plus
     * one chunk. The response timeout then measures the peer, not the handler: a peer that reads
     * nothing for that long gets its stream reset. Only the handler's own virtual thread waits: on
     * any other thread (an event loop, where a handler's future may complete) nothing blocks, and
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
      } catch (java.util.concurrent.TimeoutException e) {
        // below
      } catch (java.util.concurrent.ExecutionException e) {
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
      slowReaderResets.increment();
      host.writeBudget().recordHit(io.serenity.p2p.transport.WriteBudget.Scope.STREAM, stream.connection().muxer());
      RLOG.warn("peer {} does not read its {} response ({} bytes unsent for {}); resetting the stream",
          stream.remotePeer(), method.protocolId(), left, config.respTimeout());
      abort("the peer did not read the response");
    }

    private byte[] context() {
      if (!method.forkDigestContext()) {
        return new byte[0];
      }
      StatusMessage st = localStatus;
      return st == null ? new byte[4] : st.forkDigest().bytes();
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
      timer = scheduler.schedule(() -> {
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

    private boolean released;

    private void release() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      ended.complete(null);
      open.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------- outbound

  private <Q, R> CompletableFuture<List<ResponseChunk<R>>> exchange(PeerId peer, Method<Q, R> method, Q request, int maxChunks) {
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
        new Outbound<>(method, s, maxChunks, result).start(body);
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

  /** One outbound request: writes it, reads the chunks under the TTFB and response timeouts. */
  private final class Outbound<R> implements StreamReceiver {
    private final Method<?, R> method;
    private final Stream stream;
    private final int maxChunks;
    private final CompletableFuture<List<ResponseChunk<R>>> result;
    private final ChunkDecoder decoder;
    private final List<ResponseChunk<R>> chunks = new ArrayList<>();
    private final String what;
    private boolean firstByte; // event loop only
    private ScheduledFuture<?> timer; // guarded by this

    Outbound(Method<?, R> method, Stream stream, int maxChunks, CompletableFuture<List<ResponseChunk<R>>> result) {
      this.method = method;
      this.stream = stream;
      this.maxChunks = maxChunks;
      this.result = result;
      this.what = "peer " + stream.remotePeer() + " " + method.protocolId() + " response";
      this.decoder = new ChunkDecoder(true, method.contextLength(), method.minResponseSize(),
          Math.min(method.maxResponseSize(), config.maxPayloadSize()), maxChunks, what);
      result.whenComplete((v, x) -> cancelTimer());
    }

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
        result.completeExceptionally(
            ReqRespException.errorResponse(stream.remotePeer(), method.protocolId(), c.code(), ChunkCodec.errorText(c.payload())));
        return;
      }
      try {
        chunks.add(new ResponseChunk<>(c.context(), method.responseCodec().decode(c.payload())));
      } catch (SszException | IllegalArgumentException e) {
        throw new ReqRespException(Kind.BAD_SSZ, what + ": bad " + method.name() + " chunk: " + e.getMessage());
      }
      if (chunks.size() >= maxChunks) {
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
}
