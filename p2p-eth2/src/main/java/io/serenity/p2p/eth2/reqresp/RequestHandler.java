package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;

/**
 * Serves one method, streaming style: gets the decoded request and writes chunks to the sink, now
 * or later. Called on a virtual thread of its own (one per request), so it may block, for
 * example on a database read; the response timeout still applies and resets the stream when the
 * handler is too slow. An exception thrown here becomes a ServerError (2) response.
 *
 * <pre>{@code
 * reqResp.register(BY_RANGE, (peer, req, sink) -> {
 *   for (Block b : store.range(req)) sink.next(b);
 *   sink.complete();
 * });
 * }</pre>
 *
 * @param <Q> request type ({@code Void}, null, for methods without request content)
 * @param <R> response chunk type
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {
  /**
   * Serves one request.
   *
   * @param peer the requesting peer
   * @param request the decoded request ({@code null} for methods without content)
   * @param sink where the response chunks go, ended by one {@link ResponseSink#complete} or {@link ResponseSink#error}
   */
  void handle(PeerId peer, Q request, ResponseSink<R> sink);
}
