package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqResp.RLOG;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.HostEvent;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Status v1 (phase0 p2p-interface.md "Status") on a {@link ReqRespEngine}: answers with our Status,
 * sends it when we dialled, keeps and reports each connected peer's Status, and says Goodbye 2
 * (irrelevant network) to a peer on another fork digest. Our Status' fork digest is also the context
 * of chunks written without one.
 */
final class StatusMethod {

  private final ReqRespEngine engine;
  private final GoodbyeMethod goodbye;
  private final Consumer<ReqRespEvent> events;
  private final Map<PeerId, StatusMessage> statuses = new ConcurrentHashMap<>();
  private volatile StatusMessage local;

  StatusMethod(ReqRespEngine engine, GoodbyeMethod goodbye, Consumer<ReqRespEvent> events) {
    this.engine = engine;
    this.goodbye = goodbye;
    this.events = events;
  }

  void register() {
    engine.register(Eth2Methods.STATUS, this::serve);
  }

  void setLocal(StatusMessage status) {
    this.local = Objects.requireNonNull(status);
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
    StatusMessage mine = local;
    if (mine == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("setStatus() first"));
    }
    return engine.request(peer, Eth2Methods.STATUS, mine).thenApply(s -> {
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
  }

  private void serve(PeerId peer, StatusMessage theirs, ResponseSink<StatusMessage> sink) {
    StatusMessage mine = local;
    if (mine == null) {
      sink.error(ResultCode.SERVER_ERROR, "status not available");
      return;
    }
    sink.next(mine);
    sink.complete();
    onPeerStatus(peer, theirs);
  }

  private void onPeerStatus(PeerId peer, StatusMessage theirs) {
    if (engine.host().connection(peer).isEmpty()) {
      return;
    }
    statuses.put(peer, theirs);
    events.accept(new ReqRespEvent.StatusReceived(peer, theirs));
    StatusMessage mine = local;
    if (mine != null && !mine.forkDigest().equals(theirs.forkDigest())) {
      // phase0 "Status": a peer on another fork is of no use to us
      RLOG.info("peer {} is on fork digest {} (ours {}): goodbye", peer, theirs.forkDigest(), mine.forkDigest());
      goodbye.send(peer, Goodbye.IRRELEVANT_NETWORK);
    }
  }
}
