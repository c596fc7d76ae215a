package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The req/resp {@code Status} v1 message (phase0 p2p-interface.md "Status"): 84 bytes.
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
 */
public record StatusMessage(Bytes4 forkDigest, Bytes32 finalizedRoot, long finalizedEpoch, Bytes32 headRoot, long headSlot) {

  /** The SSZ codec of this container. */
  public static final SszCodec<StatusMessage> CODEC = SszContainer.of("Status",
      v -> new StatusMessage((Bytes4) v[0], (Bytes32) v[1], (Long) v[2], (Bytes32) v[3], (Long) v[4]),
      SszContainer.field("fork_digest", Ssz.BYTES4, StatusMessage::forkDigest),
      SszContainer.field("finalized_root", Ssz.BYTES32, StatusMessage::finalizedRoot),
      SszContainer.field("finalized_epoch", Ssz.UINT64, StatusMessage::finalizedEpoch),
      SszContainer.field("head_root", Ssz.BYTES32, StatusMessage::headRoot),
      SszContainer.field("head_slot", Ssz.UINT64, StatusMessage::headSlot));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static StatusMessage decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Null checks; epochs and slots are uint64 held in a long read as unsigned. */
  public StatusMessage {
    java.util.Objects.requireNonNull(forkDigest, "forkDigest");
    java.util.Objects.requireNonNull(finalizedRoot, "finalizedRoot");
    java.util.Objects.requireNonNull(headRoot, "headRoot");
  }
}
