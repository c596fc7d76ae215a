package io.serenity.p2p.eth2.enr;

/**
 * The one exception the RLP and ENR decoders throw on bad input (non-canonical RLP, a bad
 * signature, a record over 300 bytes, a malformed field). The message names what is wrong.
 */
public final class RlpException extends RuntimeException {

  public RlpException(String message) {
    super(message);
  }

  public RlpException(String message, Throwable cause) {
    super(message, cause);
  }
}
