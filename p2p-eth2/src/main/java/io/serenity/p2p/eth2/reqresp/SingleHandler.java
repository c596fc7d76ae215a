package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import java.util.concurrent.CompletableFuture;

/**
 * Serves a single-response method: the future's value becomes the one success chunk; a future
 * failed with {@link ReqRespException} of kind {@code ERROR_RESPONSE} sends that code, any other
 * failure a ServerError (2).
 *
 * <pre>{@code
 * reqResp.register(Eth2Methods.PING, (peer, ping) -> CompletableFuture.completedFuture(new Ping(seq)));
 * }</pre>
 *
 * @param <Q> request type ({@code Void}, null, for methods without request content)
 * @param <R> response type
 */
@FunctionalInterface
public interface SingleHandler<Q, R> {
  /**
   * Serves one request.
   *
   * @param peer the requesting peer
   * @param request the decoded request ({@code null} for methods without content)
   * @return the one response, now or later
   */
  CompletableFuture<R> handle(PeerId peer, Q request);
}
