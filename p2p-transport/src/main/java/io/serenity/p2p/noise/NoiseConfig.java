package io.serenity.p2p.noise;

/**
 * Tunables for a Noise session.
 *
 * @param maxFrameLength largest Noise message accepted or sent, tag included. Default and maximum
 *     65535, the Noise limit (libp2p noise spec, "Wire Format"); outbound plaintext is split into
 *     frames of at most {@code maxFrameLength - 16} bytes. Handshake messages may always use the
 *     full 65535.
 */
public record NoiseConfig(int maxFrameLength) {

  public static final int DEFAULT_MAX_FRAME_LENGTH = 65535;

  /** {@return the defaults: 65535-byte frames} */
  public static NoiseConfig defaults() {
    return new NoiseConfig(DEFAULT_MAX_FRAME_LENGTH);
  }

  /**
   * Returns this config, or throws IllegalArgumentException naming the bad field.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public NoiseConfig validate() {
    if (maxFrameLength <= CipherState.TAG_LENGTH || maxFrameLength > 65535) {
      throw new IllegalArgumentException(
          "maxFrameLength must be in [17, 65535], got " + maxFrameLength);
    }
    return this;
  }

  /** Largest plaintext carried by one transport frame. */
  int maxPlaintextPerFrame() {
    return maxFrameLength - CipherState.TAG_LENGTH;
  }
}
