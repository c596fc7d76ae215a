package io.serenity.p2p.multistream;

/**
 * Limits for one multistream-select negotiation.
 *
 * @param maxMessageLength largest accepted message, counted as the varint-announced length (text
 *     plus the trailing newline). Default 1024, the limit go-multistream and js-libp2p enforce.
 * @param maxProposals most protocol proposals (and {@code ls} requests) a listener answers, and
 *     most a dialer may offer, in one negotiation. Default 16; go and js set no limit, so this only
 *     bounds the work a hostile peer can cause.
 */
public record MultistreamConfig(int maxMessageLength, int maxProposals) {

  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1024;
  public static final int DEFAULT_MAX_PROPOSALS = 16;

  /** {@return the defaults: 1 KiB messages, 16 proposals} */
  public static MultistreamConfig defaults() {
    return new MultistreamConfig(DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_PROPOSALS);
  }

  /**
   * Returns this config, or throws IllegalArgumentException naming the bad field.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public MultistreamConfig validate() {
    // The header "/multistream/1.0.0\n" is 19 bytes; a smaller limit could not even negotiate.
    if (maxMessageLength < MultistreamSelect.PROTOCOL_ID.length() + 1 || maxMessageLength > 65536) {
      throw new IllegalArgumentException(
          "maxMessageLength must be in [19, 65536], got " + maxMessageLength);
    }
    if (maxProposals < 1) {
      throw new IllegalArgumentException("maxProposals must be at least 1, got " + maxProposals);
    }
    return this;
  }
}
