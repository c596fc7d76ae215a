package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;

/**
 * The one exception of eth2 req/resp: malformed input from a peer, an error response, a timeout or
 * a broken stream. {@link #kind()} says which; for {@link Kind#ERROR_RESPONSE} {@link #code()} is the
 * peer's result code and {@link #getMessage()} carries its error message.
 */
public final class ReqRespException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** A header or payload that breaks the ssz_snappy encoding (bad varint, bad snappy, bad CRC). */
    MALFORMED,
    /** A declared length outside the method's bounds or {@code MAX_PAYLOAD_SIZE}. */
    TOO_LARGE,
    /** The stream ended inside a chunk (early EOF). */
    TRUNCATED,
    /** Bytes after the request, or after the last allowed response chunk. */
    TRAILING_DATA,
    /** A result code in the reserved range 4..127. */
    BAD_RESULT_CODE,
    /** The payload is not a valid SSZ value of the method's type. */
    BAD_SSZ,
    /** The peer answered with a non-zero result code. */
    ERROR_RESPONSE,
    /** No first byte within the TTFB timeout, or no full chunk within the response timeout. */
    TIMEOUT,
    /** The stream was reset or could not be opened. */
    STREAM_FAILED
  }

  /** Which failure this is. */
  private final Kind kind;
  /** The peer's result code for {@link Kind#ERROR_RESPONSE}; -1 otherwise. */
  private final int code;

  /**
   * A failure without a result code or cause.
   *
   * @param kind which failure
   * @param message what failed, naming peer and protocol
   */
  public ReqRespException(Kind kind, String message) {
    this(kind, -1, message, null);
  }

  /**
   * A failure with all its parts.
   *
   * @param kind which failure
   * @param code the peer's result code for {@link Kind#ERROR_RESPONSE}, else -1
   * @param message what failed, naming peer and protocol
   * @param cause the failure underneath, or null
   */
  public ReqRespException(Kind kind, int code, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.code = code;
  }

  /** An error response with result {@code code} from {@code peer}. */
  static ReqRespException errorResponse(PeerId peer, String protocol, int code, String text) {
    return new ReqRespException(
        Kind.ERROR_RESPONSE, code, "peer " + peer + " answered " + protocol + " with result " + code + ": " + text, null);
  }

  /** {@return which failure this is} */
  public Kind kind() {
    return kind;
  }

  /** {@return the peer's result code for {@link Kind#ERROR_RESPONSE}; -1 otherwise} */
  public int code() {
    return code;
  }
}
