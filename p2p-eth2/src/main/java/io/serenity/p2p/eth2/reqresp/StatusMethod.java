package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqResp.RLOG;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Status v1 (phase0 p2p-interface.md "Status") and v2 (fulu "Status v2") on a {@link
 * ReqRespEngine}: answers with our Status, sends it when we dialled and every {@link
 * ReqRespConfig#statusInterval()}, keeps and reports each connected peer's Status, and says Goodbye 2
 * (irrelevant network) to a peer on another fork digest. Our Status' fork digest is also the context
 * of chunks written without one. Status v2 is served and offered first once a v2 Status is set; v1
 * stays served, and a peer without v2 is asked with v1.
 */
final class StatusMethod {

  private final ReqRespEngine engine;
  private final GoodbyeMethod goodbye;
  private final Consumer<ReqRespEvent> events;
  private final Map<PeerId, StatusMessage> statuses = new ConcurrentHashMap<>();
  private final Map<PeerId, StatusMessageV2> statusesV2 = new ConcurrentHashMap<>();
  private volatile StatusMessage local;
  private volatile StatusMessageV2 localV2;
  private volatile ScheduledFuture<?> resend;
  private volatile java.util.function.Predicate<io.serenity.p2p.eth2.ssz.Bytes4> otherRelevant = d -> false;

  StatusMethod(ReqRespEngine engine, GoodbyeMethod goodbye, Consumer<ReqRespEvent> events) {
    this.engine = engine;
    this.goodbye = goodbye;
    this.events = events;
  }

  void register() {
    engine.register(Eth2Methods.STATUS, this::serve);
    Duration every = engine.config().statusInterval();
    if (!every.isZero()) {
      resend = engine.scheduler().scheduleAtFixedRate(this::resendAll, every.toNanos(), every.toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  void close() {
    ScheduledFuture<?> r = resend;
    if (r != null) {
      r.cancel(false);
    }
  }

  void setLocal(StatusMessage status) {
    Objects.requireNonNull(status);
    this.local = status;
    if (localV2 != null) {
      localV2 = null;
      engine.unregister(Eth2Methods.STATUS_V2);
    }
  }

  void setLocalV2(StatusMessageV2 status) {
    Objects.requireNonNull(status);
    boolean first = localV2 == null;
    this.localV2 = status;
    this.local = status.toV1();
    if (first) {
      engine.register(Eth2Methods.STATUS_V2, this::serveV2);
    }
  }

  /** See {@link ReqResp#setRelevantForkDigests}. */
  void setRelevant(java.util.function.Predicate<io.serenity.p2p.eth2.ssz.Bytes4> relevant) {
    this.otherRelevant = Objects.requireNonNull(relevant, "relevant");
  }

  Optional<StatusMessageV2> localV2() {
    return Optional.ofNullable(localV2);
  }

  Optional<StatusMessageV2> ofV2(PeerId peer) {
    return Optional.ofNullable(statusesV2.get(peer));
  }

  /** Every peer whose Status we hold gets ours again (the periodic re-send). */
  private void resendAll() {
    if (local == null) {
      return;
    }
    for (PeerId p : statuses.keySet()) {
      exchange(p).whenComplete((s, x) -> {
        if (x != null) {
          RLOG.info("periodic status to {} failed: {}", p, x.getMessage());
        }
      });
    }
  }

  Optional<StatusMessage> local() {
    return Optional.ofNullable(local);
  }

  /** Our fork digest, the default context of fork-digest methods; null while no Status is set. */
  byte[] forkDigest() {
    StatusMessage st = local;
    return st == null ? null : st.forkDigest().bytes();
  }

  Optional<StatusMessage> of(PeerId peer) {
    return Optional.ofNullable(statuses.get(peer));
  }

  Map<PeerId, StatusMessage> all() {
    return Map.copyOf(statuses);
  }

  /** See {@link ReqResp#exchangeStatus}. */
  CompletableFuture<StatusMessage> exchange(PeerId peer) {
    StatusMessageV2 mineV2 = localV2;
    if (mineV2 != null) {
      // offer v2 first; a peer that does not speak it (negotiation fails) is asked with v1
      return engine.request(peer, Eth2Methods.STATUS_V2, mineV2).handle((s, x) -> {
        if (x == null) {
          onPeerStatusV2(peer, s);
          return CompletableFuture.completedFuture(s.toV1());
        }
        Throwable c = x instanceof java.util.concurrent.CompletionException && x.getCause() != null ? x.getCause() : x;
        if (c instanceof ReqRespException rre && rre.kind() == ReqRespException.Kind.STREAM_FAILED
            && engine.host().connection(peer).isPresent()) {
          return exchangeV1(peer);
        }
        return CompletableFuture.<StatusMessage>failedFuture(c);
      }).thenCompose(f -> f);
    }
    return exchangeV1(peer);
  }

  private CompletableFuture<StatusMessage> exchangeV1(PeerId peer) {
    StatusMessage mine = local;
    if (mine == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("setStatus() first"));
    }
    return engine.request(peer, Eth2Methods.STATUS, mine).thenApply(s -> {
      statusesV2.remove(peer);
      onPeerStatus(peer, s);
      return s;
    });
  }

  void onConnected(HostEvent.PeerConnected c) {
    if (engine.config().statusOnConnect() && c.connection().isInitiator() && local != null) {
      // phase0 "Status": the dialing client MUST send a Status request upon connection
      exchange(c.peer()).whenComplete((s, x) -> {
        if (x != null) {
          RLOG.info("status exchange with {} failed: {}", c.peer(), x.getMessage());
        }
      });
    }
  }

  /** {@code peer} disconnected. */
  void forget(PeerId peer) {
    statuses.remove(peer);
    statusesV2.remove(peer);
  }

  private void serveV2(PeerId peer, StatusMessageV2 theirs, ResponseSink<StatusMessageV2> sink) {
    StatusMessageV2 mine = localV2;
    if (mine == null) {
      sink.error(ResultCode.SERVER_ERROR, "status v2 not available");
      return;
    }
    sink.next(mine);
    sink.complete();
    onPeerStatusV2(peer, theirs);
  }

  private void onPeerStatusV2(PeerId peer, StatusMessageV2 theirs) {
    if (engine.host().connection(peer).isEmpty()) {
      return;
    }
    statusesV2.put(peer, theirs);
    onPeerStatus(peer, theirs.toV1());
  }

  private void serve(PeerId peer, StatusMessage theirs, ResponseSink<StatusMessage> sink) {
    StatusMessage mine = local;
    if (mine == null) {
      sink.error(ResultCode.SERVER_ERROR, "status not available");
      return;
    }
    sink.next(mine);
    sink.complete();
    statusesV2.remove(peer);
    onPeerStatus(peer, theirs);
  }

  private boolean relevant(StatusMessage theirs) {
    try {
      return otherRelevant.test(theirs.forkDigest());
    } catch (RuntimeException e) {
      RLOG.info("fork digest filter failed: {}", e.toString());
      return false;
    }
  }

  private void onPeerStatus(PeerId peer, StatusMessage theirs) {
    if (engine.host().connection(peer).isEmpty()) {
      return;
    }
    statuses.put(peer, theirs);
    events.accept(new ReqRespEvent.StatusReceived(peer, theirs));
    StatusMessage mine = local;
    if (mine != null && !mine.forkDigest().equals(theirs.forkDigest()) && !relevant(theirs)) {
      // phase0 "Status": a peer on another fork is of no use to us (around a fork boundary the
      // neighbouring digest may be declared relevant: setRelevantForkDigests)
      RLOG.info("peer {} is on fork digest {} (ours {}): goodbye", peer, theirs.forkDigest(), mine.forkDigest());
      goodbye.send(peer, Goodbye.IRRELEVANT_NETWORK);
    }
  }
}
