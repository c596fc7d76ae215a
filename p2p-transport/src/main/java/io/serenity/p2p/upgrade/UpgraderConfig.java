package io.serenity.p2p.upgrade;

import java.time.Duration;

/**
 * Limits of the connection upgrade (raw TCP to secured and multiplexed).
 *
 * @param handshakeTimeout time allowed for the whole upgrade: multistream, Noise, muxer selection
 *     (default 10 s). A peer that stalls is disconnected when it runs out, freeing its slot.
 * @param maxMultistreamMessageLength longest multistream-select message accepted, newline
 *     included (default 1024 bytes)
 * @param maxMultistreamProposals most protocol proposals answered before giving up (default 16)
 * @param maxNoiseFrame largest Noise transport message, tag included (default and maximum 65535)
 * @param inlineMuxerNegotiation offer our muxers inside the Noise handshake (default true; libp2p
 *     connections spec, "inlined muxer negotiation"); when off, or when the remote lists none,
 *     the muxer is chosen by multistream-select after the handshake
 */
public record UpgraderConfig(
    Duration handshakeTimeout,
    int maxMultistreamMessageLength,
    int maxMultistreamProposals,
    int maxNoiseFrame,
    boolean inlineMuxerNegotiation) {

  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_MULTISTREAM_MESSAGE_LENGTH = 1024;
  public static final int DEFAULT_MAX_MULTISTREAM_PROPOSALS = 16;
  public static final int DEFAULT_MAX_NOISE_FRAME = 65535;

  /** {@return the defaults listed on the record components} */
  public static UpgraderConfig defaults() {
    return new UpgraderConfig(
        DEFAULT_HANDSHAKE_TIMEOUT,
        DEFAULT_MAX_MULTISTREAM_MESSAGE_LENGTH,
        DEFAULT_MAX_MULTISTREAM_PROPOSALS,
        DEFAULT_MAX_NOISE_FRAME,
        true);
  }

  /**
   * Rejects nonsense values with a message naming the field.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public UpgraderConfig validate() {
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    // "/multistream/1.0.0\n" must fit
    if (maxMultistreamMessageLength < 20 || maxMultistreamMessageLength > 65535) {
      throw new IllegalArgumentException(
          "maxMultistreamMessageLength must be in [20, 65535]: " + maxMultistreamMessageLength);
    }
    if (maxMultistreamProposals < 1) {
      throw new IllegalArgumentException(
          "maxMultistreamProposals must be >= 1: " + maxMultistreamProposals);
    }
    // Noise spec: a message is at most 65535 bytes; 16-byte tag plus some payload must fit
    if (maxNoiseFrame < 32 || maxNoiseFrame > 65535) {
      throw new IllegalArgumentException("maxNoiseFrame must be in [32, 65535]: " + maxNoiseFrame);
    }
    return this;
  }
}
