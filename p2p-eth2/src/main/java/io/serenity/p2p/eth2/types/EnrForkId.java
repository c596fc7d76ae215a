package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * {@code ENRForkID} (phase0 p2p-interface.md "eth2 field"): the SSZ value of the ENR {@code eth2}
 * key; 16 bytes.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param forkDigest the current fork digest
 * @param nextForkVersion the next scheduled fork version (the current one when none is scheduled)
 * @param nextForkEpoch the epoch of the next fork (far future when none)
 */
public record EnrForkId(Bytes4 forkDigest, Bytes4 nextForkVersion, long nextForkEpoch) {

  /** The SSZ codec of this container. */
  public static final SszCodec<EnrForkId> CODEC = SszContainer.of("ENRForkID",
      v -> new EnrForkId((Bytes4) v[0], (Bytes4) v[1], (Long) v[2]),
      SszContainer.field("fork_digest", Ssz.BYTES4, EnrForkId::forkDigest),
      SszContainer.field("next_fork_version", Ssz.BYTES4, EnrForkId::nextForkVersion),
      SszContainer.field("next_fork_epoch", Ssz.UINT64, EnrForkId::nextForkEpoch));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static EnrForkId decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** {@code FAR_FUTURE_EPOCH} (2^64 - 1): the next_fork_epoch when no fork is scheduled. */
  public static final long FAR_FUTURE_EPOCH = -1L;

  /** Null checks. */
  public EnrForkId {
    java.util.Objects.requireNonNull(forkDigest, "forkDigest");
    java.util.Objects.requireNonNull(nextForkVersion, "nextForkVersion");
  }
}
