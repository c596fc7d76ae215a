package io.serenity.p2p.discv5.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The two AES-128-GCM keys a handshake yields (discv5-theory.md, "Handshake Steps", step 3): the
 * initiator (node A, who answered WHOAREYOU) writes with {@code initiatorKey} and reads with
 * {@code recipientKey}; the recipient (node B) the other way round.
 *
 * @param initiatorKey 16 bytes, {@code key-data[:16]}
 * @param recipientKey 16 bytes, {@code key-data[16:]}
 */
public record SessionKeys(byte[] initiatorKey, byte[] recipientKey) {

  /** Checks and copies both keys. */
  public SessionKeys {
    if (initiatorKey.length != 16 || recipientKey.length != 16) {
      throw new IllegalArgumentException("session keys are 16 bytes each");
    }
    initiatorKey = initiatorKey.clone();
    recipientKey = recipientKey.clone();
  }

  /** {@return a copy of the initiator's write key} */
  @Override
  public byte[] initiatorKey() {
    return initiatorKey.clone();
  }

  /** {@return a copy of the recipient's write key} */
  @Override
  public byte[] recipientKey() {
    return recipientKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionKeys k
        && Arrays.equals(initiatorKey, k.initiatorKey)
        && Arrays.equals(recipientKey, k.recipientKey);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(initiatorKey) + Arrays.hashCode(recipientKey);
  }

  /** {@return the keys' first bytes only: enough to tell sessions apart in a log, not to use them} */
  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "SessionKeys[initiator=" + hex.formatHex(initiatorKey, 0, 2) + "..., recipient="
        + hex.formatHex(recipientKey, 0, 2) + "...]";
  }
}
