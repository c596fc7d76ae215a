package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The req/resp {@code Status} v2 message (fulu p2p-interface.md "Status v2"): Status v1 and
 * {@code earliest_available_slot}, the slot of the earliest block the sender can serve; 92 bytes.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param forkDigest the sender's current fork digest
 * @param finalizedRoot the root of its finalized checkpoint
 * @param finalizedEpoch the epoch of its finalized checkpoint
 * @param headRoot the root of its head block
 * @param headSlot the slot of its head block
 * @param earliestAvailableSlot the slot of the earliest block (and sidecars) it can serve
 */
public record StatusMessageV2(Bytes4 forkDigest, Bytes32 finalizedRoot, long finalizedEpoch, Bytes32 headRoot, long headSlot,
    long earliestAvailableSlot) {

  /** The SSZ codec of this container. */
  public static final SszCodec<StatusMessageV2> CODEC = SszContainer.of("StatusMessageV2",
      v -> new StatusMessageV2((Bytes4) v[0], (Bytes32) v[1], (Long) v[2], (Bytes32) v[3], (Long) v[4], (Long) v[5]),
      SszContainer.field("fork_digest", Ssz.BYTES4, StatusMessageV2::forkDigest),
      SszContainer.field("finalized_root", Ssz.BYTES32, StatusMessageV2::finalizedRoot),
      SszContainer.field("finalized_epoch", Ssz.UINT64, StatusMessageV2::finalizedEpoch),
      SszContainer.field("head_root", Ssz.BYTES32, StatusMessageV2::headRoot),
      SszContainer.field("head_slot", Ssz.UINT64, StatusMessageV2::headSlot),
      SszContainer.field("earliest_available_slot", Ssz.UINT64, StatusMessageV2::earliestAvailableSlot));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static StatusMessageV2 decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Null checks; epochs and slots are uint64 held in a long read as unsigned. */
  public StatusMessageV2 {
    java.util.Objects.requireNonNull(forkDigest, "forkDigest");
    java.util.Objects.requireNonNull(finalizedRoot, "finalizedRoot");
    java.util.Objects.requireNonNull(headRoot, "headRoot");
  }

  /**
   * {@return a v2 Status from a v1 one}
   *
   * @param v1 the first five fields
   * @param earliestAvailableSlot the sixth
   */
  public static StatusMessageV2 of(StatusMessage v1, long earliestAvailableSlot) {
    return new StatusMessageV2(v1.forkDigest(), v1.finalizedRoot(), v1.finalizedEpoch(), v1.headRoot(), v1.headSlot(),
        earliestAvailableSlot);
  }

  /** {@return the first five fields, as a v1 Status} */
  public StatusMessage toV1() {
    return new StatusMessage(forkDigest, finalizedRoot, finalizedEpoch, headRoot, headSlot);
  }
}
