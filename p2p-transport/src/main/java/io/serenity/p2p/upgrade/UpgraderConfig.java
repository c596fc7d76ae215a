package io.serenity.p2p.upgrade;

import io.serenity.p2p.noise.Noise;
import io.serenity.p2p.tls.TlsSecurity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * Limits of the connection upgrade (raw TCP to secured and multiplexed).
 *
 * @param handshakeTimeout time allowed for the whole upgrade: multistream, Noise or TLS, muxer selection
 *     (default 10 s). A peer that stalls is disconnected when it runs out, freeing its slot.
 * @param maxMultistreamMessageLength longest multistream-select message accepted, newline
 *     included (default 1024 bytes)
 * @param maxMultistreamProposals most protocol proposals answered before giving up (default 16)
 * @param maxNoiseFrame largest Noise transport message, tag included (default and maximum 65535)
 * @param inlineMuxerNegotiation offer our muxers inside the security handshake (default true;
 *     libp2p connections spec, "inlined muxer negotiation": Noise extensions, TLS ALPN); when off,
 *     or when the remote lists none, the muxer is chosen by multistream-select after the handshake
 * @param securityProtocols security protocol ids: a dial proposes them in this order, a listener
 *     accepts any of them (default {@code /noise}, then {@code /tls/1.0.0}); at least one, no
 *     duplicates, each of those two
 */
public record UpgraderConfig(
    Duration handshakeTimeout,
    int maxMultistreamMessageLength,
    int maxMultistreamProposals,
    int maxNoiseFrame,
    boolean inlineMuxerNegotiation,
    List<String> securityProtocols) {

  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_MULTISTREAM_MESSAGE_LENGTH = 1024;
  public static final int DEFAULT_MAX_MULTISTREAM_PROPOSALS = 16;
  public static final int DEFAULT_MAX_NOISE_FRAME = 65535;
  /** The default security protocols: Noise first, then TLS. */
  public static final List<String> DEFAULT_SECURITY_PROTOCOLS =
      List.of(Noise.PROTOCOL_ID, TlsSecurity.PROTOCOL_ID);

  /** Copies the security protocol list. */
  public UpgraderConfig {
    securityProtocols = securityProtocols == null ? null : List.copyOf(securityProtocols);
  }

  /**
   * A config with the default security protocols ({@link #DEFAULT_SECURITY_PROTOCOLS}).
   *
   * @param handshakeTimeout time allowed for the whole upgrade
   * @param maxMultistreamMessageLength longest multistream-select message accepted
   * @param maxMultistreamProposals most protocol proposals answered
   * @param maxNoiseFrame largest Noise transport message
   * @param inlineMuxerNegotiation offer our muxers inside the security handshake
   */
  public UpgraderConfig(
      Duration handshakeTimeout,
      int maxMultistreamMessageLength,
      int maxMultistreamProposals,
      int maxNoiseFrame,
      boolean inlineMuxerNegotiation) {
    this(handshakeTimeout, maxMultistreamMessageLength, maxMultistreamProposals, maxNoiseFrame,
        inlineMuxerNegotiation, DEFAULT_SECURITY_PROTOCOLS);
  }

  /** {@return the defaults listed on the record components} */
  public static UpgraderConfig defaults() {
    return new UpgraderConfig(
        DEFAULT_HANDSHAKE_TIMEOUT,
        DEFAULT_MAX_MULTISTREAM_MESSAGE_LENGTH,
        DEFAULT_MAX_MULTISTREAM_PROPOSALS,
        DEFAULT_MAX_NOISE_FRAME,
        true,
        DEFAULT_SECURITY_PROTOCOLS);
  }

  /**
   * This config with other security protocols.
   *
   * @param ids security protocol ids, in the order a dial proposes them
   * @return the new config
   */
  public UpgraderConfig withSecurityProtocols(List<String> ids) {
    return new UpgraderConfig(handshakeTimeout, maxMultistreamMessageLength, maxMultistreamProposals,
        maxNoiseFrame, inlineMuxerNegotiation, ids);
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
    validateSecurityProtocols(securityProtocols);
    return this;
  }

  /**
   * Checks a security protocol list: not empty, no duplicates, only {@code /noise} and {@code
   * /tls/1.0.0}.
   *
   * @param ids the list
   * @throws IllegalArgumentException naming the problem
   */
  public static void validateSecurityProtocols(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("securityProtocols must name at least one protocol");
    }
    if (new HashSet<>(ids).size() != ids.size()) {
      throw new IllegalArgumentException("securityProtocols has duplicates: " + ids);
    }
    for (String id : ids) {
      if (!id.equals(Noise.PROTOCOL_ID) && !id.equals(TlsSecurity.PROTOCOL_ID)) {
        throw new IllegalArgumentException("unknown security protocol " + id + "; known: "
            + Noise.PROTOCOL_ID + ", " + TlsSecurity.PROTOCOL_ID);
      }
    }
  }
}
