package io.serenity.p2p.eth2.reqresp;

/**
 * One decoded request or response chunk: the result code (always {@link ResultCode#SUCCESS} for a
 * request), the context bytes (empty unless the method carries a fork digest before the length),
 * and the uncompressed SSZ payload (the ErrorMessage bytes for an error chunk).
 */
record Chunk(int code, byte[] context, byte[] payload) {}
