/**
 * Ethereum consensus req/resp (consensus-specs phase0/altair p2p-interface.md "The Req/Resp
 * domain"): {@link io.serenity.p2p.eth2.reqresp.ReqResp} is the entry point (built-in Status,
 * Goodbye, Ping, GetMetaData v2; {@code register}/{@code request} for client methods), {@link
 * io.serenity.p2p.eth2.reqresp.Method} describes a method, {@link
 * io.serenity.p2p.eth2.reqresp.ReqRespConfig} holds timeouts and limits, and every failure is a
 * {@link io.serenity.p2p.eth2.reqresp.ReqRespException}. The ssz_snappy framing (chunk codec,
 * incremental bounded snappy frame decoder) is package-private.
 */
package io.serenity.p2p.eth2.reqresp;
