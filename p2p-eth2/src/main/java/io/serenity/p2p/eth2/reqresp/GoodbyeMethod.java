package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.eth2.reqresp.ReqResp.RLOG;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.Goodbye;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Goodbye v1 (phase0 p2p-interface.md "Goodbye") on a {@link ReqRespEngine}: an inbound Goodbye is
 * logged and reported, and answered with no chunk (as clients expect); ours is written, then the
 * peer is disconnected.
 */
final class GoodbyeMethod {

  private final ReqRespEngine engine;
  private final Consumer<ReqRespEvent> events;

  GoodbyeMethod(ReqRespEngine engine, Consumer<ReqRespEvent> events) {
    this.engine = engine;
    this.events = events;
  }

  void register() {
    engine.register(Eth2Methods.GOODBYE, this::serve);
  }

  /** See {@link ReqResp#goodbye}. */
  CompletableFuture<Void> send(PeerId peer, long reason) {
    events.accept(new ReqRespEvent.GoodbyeSent(peer, reason));
    return engine.send(peer, Eth2Methods.GOODBYE, new Goodbye(reason), engine.config().goodbyeGrace())
        .thenCompose(v -> engine.host().disconnect(peer))
        .exceptionally(e -> null);
  }

  private void serve(PeerId peer, Goodbye goodbye, ResponseSink<Goodbye> sink) {
    RLOG.info("peer {} said goodbye, reason {}", peer, Long.toUnsignedString(goodbye.reason()));
    events.accept(new ReqRespEvent.GoodbyeReceived(peer, goodbye.reason()));
    sink.complete();
  }
}
