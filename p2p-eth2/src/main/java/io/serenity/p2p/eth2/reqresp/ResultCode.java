package io.serenity.p2p.eth2.reqresp;

/**
 * Response chunk result codes (phase0 p2p-interface.md "Responding side"). Codes 128..255 are
 * client-specific errors and accepted as errors; 4..127 are reserved and rejected.
 */
public final class ResultCode {

  /** A normal response follows. */
  public static final int SUCCESS = 0;
  /** The request was malformed or semantically invalid. */
  public static final int INVALID_REQUEST = 1;
  /** The responder failed while processing the request. */
  public static final int SERVER_ERROR = 2;
  /** The responder does not have the requested resource (also our rate-limit answer). */
  public static final int RESOURCE_UNAVAILABLE = 3;

  private ResultCode() {}

  /**
   * {@return true for 0..3 and 128..255}
   *
   * @param code a result code
   */
  public static boolean isKnown(int code) {
    return (code >= 0 && code <= 3) || (code >= 128 && code <= 255);
  }
}
