package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import static io.serenity.p2p.eth2.reqresp.ReqResp.RLOG;

import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.Ping;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Ping v1, GetMetaData v2 and v3 (phase0 "Ping", altair "GetMetaData", fulu "GetMetaData v3") on a
 * {@link ReqRespEngine}: our MetaData answers GetMetaData and its seq_number answers Ping; each
 * peer's last seq_number is kept while it is connected, and a change is reported. When a Ping shows
 * a seq_number above that of the peer's MetaData we hold (or we hold none), its MetaData is fetched
 * (v3 first once we are on v3, else v2) and kept.
 */
final class MetaDataMethods {

  private final ReqRespEngine engine;
  private final Consumer<ReqRespEvent> events;
  private final Map<PeerId, Long> peerSeqs = new ConcurrentHashMap<>();
  private final Map<PeerId, MetaData> peerMeta = new ConcurrentHashMap<>();
  private final Map<PeerId, MetaDataV3> peerMetaV3 = new ConcurrentHashMap<>();
  /** Peers whose MetaData we are fetching, so a burst of Pings makes one request. */
  private final Map<PeerId, Boolean> fetching = new ConcurrentHashMap<>();
  /**
   * The highest seq_number a Ping showed while a fetch was already under way: once that fetch is
   * done, a MetaData older than it is fetched again (once; each further fetch needs a new Ping).
   */
  private final Map<PeerId, Long> seenDuringFetch = new ConcurrentHashMap<>();
  /** GetMetaData requests in flight: a second ask for the same peer joins the first. */
  private final Map<PeerId, CompletableFuture<MetaData>> inflightV2 = new ConcurrentHashMap<>();
  private final Map<PeerId, CompletableFuture<MetaDataV3>> inflightV3 = new ConcurrentHashMap<>();
  private volatile MetaData local = MetaData.empty(0);
  private volatile MetaDataV3 localV3;

  MetaDataMethods(ReqRespEngine engine, Consumer<ReqRespEvent> events) {
    this.engine = engine;
    this.events = events;
  }

  void register() {
    engine.register(Eth2Methods.PING, this::servePing);
    engine.register(Eth2Methods.METADATA, this::serveMetaData);
  }

  void setLocal(MetaData metaData) {
    this.local = Objects.requireNonNull(metaData);
    if (localV3 != null) {
      localV3 = null;
      engine.unregister(Eth2Methods.METADATA_V3);
    }
  }

  void setLocalV3(MetaDataV3 metaData) {
    Objects.requireNonNull(metaData);
    boolean first = localV3 == null;
    this.localV3 = metaData;
    this.local = metaData.toV2();
    if (first) {
      engine.register(Eth2Methods.METADATA_V3, this::serveMetaDataV3);
    }
  }

  Optional<MetaDataV3> localV3() {
    return Optional.ofNullable(localV3);
  }

  Optional<MetaData> peerMetaData(PeerId peer) {
    return Optional.ofNullable(peerMeta.get(peer));
  }

  Optional<MetaDataV3> peerMetaDataV3(PeerId peer) {
    return Optional.ofNullable(peerMetaV3.get(peer));
  }

  /** See {@link ReqResp#metaDataV3}. */
  CompletableFuture<MetaDataV3> metaDataV3(PeerId peer) {
    return joined(inflightV3, peer, () -> engine.request(peer, Eth2Methods.METADATA_V3, null).thenApply(m -> {
      keep(peer, m.toV2(), m);
      return m;
    }));
  }

  /** The request in flight for {@code peer}, else a new one (removed from the map once done). */
  private static <T> CompletableFuture<T> joined(Map<PeerId, CompletableFuture<T>> inflight, PeerId peer,
      java.util.function.Supplier<CompletableFuture<T>> start) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<T> running = inflight.putIfAbsent(peer, mine);
    if (running != null) {
      return running.copy();
    }
    start.get().whenComplete((v, x) -> {
      inflight.remove(peer, mine);
      if (x != null) {
        mine.completeExceptionally(x);
      } else {
        mine.complete(v);
      }
    });
    return mine.copy();
  }

  private void keep(PeerId peer, MetaData v2, MetaDataV3 v3) {
    if (engine.host().connection(peer).isEmpty()) {
      return;
    }
    peerSeqs.put(peer, v2.seqNumber());
    peerMeta.put(peer, v2);
    if (v3 != null) {
      peerMetaV3.put(peer, v3);
    } else {
      peerMetaV3.remove(peer);
    }
  }

  /** Fetches {@code peer}'s MetaData (v3 first when we are on v3, v2 when it does not speak v3). */
  private void fetch(PeerId peer, long pingedSeq) {
    if (fetching.putIfAbsent(peer, Boolean.TRUE) != null) {
      seenDuringFetch.merge(peer, pingedSeq, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
      return;
    }
    CompletableFuture<?> f;
    if (localV3 != null) {
      f = metaDataV3(peer).handle((m, x) -> {
        Throwable c = x instanceof java.util.concurrent.CompletionException && x.getCause() != null ? x.getCause() : x;
        if (c instanceof ReqRespException rre && rre.kind() == ReqRespException.Kind.STREAM_FAILED
            && engine.host().connection(peer).isPresent()) {
          return metaData(peer);
        }
        return x == null ? CompletableFuture.completedFuture(m) : CompletableFuture.failedFuture(c);
      }).thenCompose(g -> g);
    } else {
      f = metaData(peer);
    }
    f.whenComplete((m, x) -> {
      fetching.remove(peer);
      Long later = seenDuringFetch.remove(peer);
      if (x != null) {
        RLOG.info("metadata of {} could not be fetched: {}", peer, x.getMessage());
        return;
      }
      MetaData held = peerMeta.get(peer);
      if (later != null && held != null && Long.compareUnsigned(later, held.seqNumber()) > 0) {
        // a Ping answered while this fetch was under way showed a newer MetaData than it brought
        fetch(peer, later);
      }
    });
  }

  MetaData local() {
    return local;
  }

  Optional<Long> peerSeqNumber(PeerId peer) {
    return Optional.ofNullable(peerSeqs.get(peer));
  }

  /** See {@link ReqResp#ping}. */
  CompletableFuture<Long> ping(PeerId peer) {
    return engine.request(peer, Eth2Methods.PING, new Ping(local.seqNumber())).thenApply(p -> {
      pingedSeq(peer, p.seqNumber());
      return p.seqNumber();
    });
  }

  /** See {@link ReqResp#metaData}. */
  CompletableFuture<MetaData> metaData(PeerId peer) {
    return joined(inflightV2, peer, () -> engine.request(peer, Eth2Methods.METADATA, null).thenApply(m -> {
      keep(peer, m, null);
      return m;
    }));
  }

  /** {@code peer} disconnected. */
  void forget(PeerId peer) {
    peerSeqs.remove(peer);
    peerMeta.remove(peer);
    peerMetaV3.remove(peer);
    seenDuringFetch.remove(peer);
  }

  private void serveMetaDataV3(PeerId peer, Void none, ResponseSink<MetaDataV3> sink) {
    MetaDataV3 mine = localV3;
    if (mine == null) {
      sink.error(ResultCode.SERVER_ERROR, "metadata v3 not available");
      return;
    }
    sink.next(mine);
    sink.complete();
  }

  private void servePing(PeerId peer, Ping ping, ResponseSink<Ping> sink) {
    sink.next(new Ping(local.seqNumber()));
    pingedSeq(peer, ping.seqNumber());
    sink.complete();
  }

  private void serveMetaData(PeerId peer, Void none, ResponseSink<MetaData> sink) {
    sink.next(local);
    sink.complete();
  }

  /** A Ping told us {@code peer}'s seq number: report it when it differs from what we knew. */
  private void pingedSeq(PeerId peer, long seq) {
    if (engine.host().connection(peer).isEmpty()) {
      return;
    }
    Long before = peerSeqs.put(peer, seq);
    if (before == null || before != seq) {
      events.accept(new ReqRespEvent.MetaDataChanged(peer, seq));
    }
    MetaData held = peerMeta.get(peer);
    if (held == null || Long.compareUnsigned(seq, held.seqNumber()) > 0) {
      // phase0 "Ping": a seq_number above the one of the MetaData we hold means it changed: fetch it
      fetch(peer, seq);
    }
  }
}
