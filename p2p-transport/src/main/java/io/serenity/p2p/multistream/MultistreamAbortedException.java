package io.serenity.p2p.multistream;

/**
 * The stream ended (reset, or closed by the remote) before a protocol was agreed: what happens
 * when a peer goes away in the middle, not a protocol violation.
 */
public class MultistreamAbortedException extends MultistreamException {
  private static final long serialVersionUID = 1L;

  /**
   * An aborted negotiation.
   *
   * @param message what ended the stream
   */
  public MultistreamAbortedException(String message) {
    super(message);
  }
}
