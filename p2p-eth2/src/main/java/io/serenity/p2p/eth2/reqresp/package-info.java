/**
 * Ethereum consensus req/resp (consensus-specs phase0/altair p2p-interface.md "The Req/Resp
 * domain"), in two layers. {@link io.serenity.p2p.eth2.reqresp.ReqRespEngine} is the framework: a
 * registry of {@link io.serenity.p2p.eth2.reqresp.Method}s and their handlers, stream open/accept,
 * the ssz_snappy chunk codec, size bounds, timeouts, rate and concurrency limits ({@link
 * io.serenity.p2p.eth2.reqresp.ReqRespConfig}); it knows no method itself. {@link
 * io.serenity.p2p.eth2.reqresp.ReqResp} is the entry point of a consensus client: an engine with
 * the built-in Status, Goodbye, Ping and GetMetaData v2 registered (package-private {@code
 * StatusMethod}, {@code GoodbyeMethod}, {@code MetaDataMethods}), plus {@code register}/{@code
 * request} for client methods. Every failure is a {@link
 * io.serenity.p2p.eth2.reqresp.ReqRespException}. The per-request state ({@code InboundRequest},
 * {@code OutboundRequest}) and the ssz_snappy framing (chunk codec, incremental bounded snappy
 * frame decoder) are package-private.
 */
package io.serenity.p2p.eth2.reqresp;
