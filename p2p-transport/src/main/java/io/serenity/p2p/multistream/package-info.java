/**
 * multistream-select 1.0 ({@code /multistream/1.0.0}), the protocol negotiation of libp2p
 * connections and streams. Entry point: {@link io.serenity.p2p.multistream.MultistreamSelect};
 * limits in {@link io.serenity.p2p.multistream.MultistreamConfig}; failures are {@link
 * io.serenity.p2p.multistream.MultistreamException}s. The framing and the state machine are
 * package-private and free of I/O.
 */
package io.serenity.p2p.multistream;
