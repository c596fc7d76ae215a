package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Ping v1 and GetMetaData v2 (phase0 "Ping", altair "GetMetaData") on a {@link ReqRespEngine}: our
 * MetaData answers GetMetaData and its seq_number answers Ping; each peer's last seq_number is kept
 * while it is connected, and a change is reported.
 */
final class MetaDataMethods {

  private final ReqRespEngine engine;
  private final Consumer<ReqRespEvent> events;
  private final Map<PeerId, Long> peerSeqs = new ConcurrentHashMap<>();
  private volatile MetaData local = MetaData.empty(0);

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
    return engine.request(peer, Eth2Methods.METADATA, null).thenApply(m -> {
      peerSeqs.put(peer, m.seqNumber());
      return m;
    });
  }

  /** {@code peer} disconnected. */
  void forget(PeerId peer) {
    peerSeqs.remove(peer);
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
    Long before = peerSeqs.put(peer, seq);
    if (before == null || before != seq) {
      // phase0 "Ping": the client MAY then ask for the new MetaData
      events.accept(new ReqRespEvent.MetaDataChanged(peer, seq));
    }
  }
}
