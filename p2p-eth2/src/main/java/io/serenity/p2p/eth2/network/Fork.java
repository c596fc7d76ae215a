package io.serenity.p2p.eth2.network;

import io.serenity.p2p.eth2.ssz.Bytes4;
import java.util.Objects;

/**
 * A regular fork: its name ({@code phase0}, {@code altair}, ... {@code fulu}, {@code gloas}), its
 * version and its activation epoch. The epoch is an unsigned 64-bit value held in a {@code long};
 * {@link ForkSchedule#FAR_FUTURE_EPOCH} ({@code -1L}, i.e. 2^64 - 1) means "not scheduled".
 *
 * @param name the lower-case fork name
 * @param version the fork version
 * @param epoch the activation epoch
 */
public record Fork(String name, Bytes4 version, long epoch) {

  /** Null checks. */
  public Fork {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
  }

  /** {@return whether the fork has an epoch (is not at {@code FAR_FUTURE_EPOCH})} */
  public boolean scheduled() {
    return epoch != ForkSchedule.FAR_FUTURE_EPOCH;
  }

  @Override
  public String toString() {
    return name + "[" + version.toHex() + " @ "
        + (scheduled() ? Long.toUnsignedString(epoch) : "FAR_FUTURE") + "]";
  }
}
