package io.serenity.p2p.pubsub;

/** How messages are authored and checked (pubsub spec, "Signature Policy Options"). */
public enum SignaturePolicy {
  /**
   * Sign every message with the host key ({@code from}, {@code seqno}, {@code signature}, maybe
   * {@code key}); reject messages without a valid signature. The libp2p default.
   */
  STRICT_SIGN,
  /**
   * No author fields at all; reject any message carrying {@code from}, {@code seqno},
   * {@code signature} or {@code key}. What Ethereum consensus uses.
   */
  STRICT_NO_SIGN
}
