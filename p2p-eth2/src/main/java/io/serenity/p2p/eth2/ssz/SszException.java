package io.serenity.p2p.eth2.ssz;

/**
 * The one exception the SSZ layer throws on bad input: wrong length, a set padding bit in a
 * bitvector, a boolean byte other than 0 or 1. The message names the type and what is wrong.
 */
public final class SszException extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public SszException(String message) {
    super(message);
  }
}
