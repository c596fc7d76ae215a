package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The {@code BeaconBlocksByRange} v1/v2 request (phase0 p2p-interface.md "BeaconBlocksByRange"):
 * start_slot, count, step (deprecated, must be 1), uint64 each; 24 bytes. Since deneb at most
 * {@link ByRootRequests#MAX_REQUEST_BLOCKS_DENEB} blocks may be asked for.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param startSlot the first slot
 * @param count the number of slots
 * @param step deprecated since v2; 1
 */
public record BlocksByRangeRequest(long startSlot, long count, long step) {

  /** The SSZ codec of this container. */
  public static final SszCodec<BlocksByRangeRequest> CODEC = SszContainer.of("BlocksByRangeRequest",
      v -> new BlocksByRangeRequest((Long) v[0], (Long) v[1], (Long) v[2]),
      SszContainer.field("start_slot", Ssz.UINT64, BlocksByRangeRequest::startSlot),
      SszContainer.field("count", Ssz.UINT64, BlocksByRangeRequest::count),
      SszContainer.field("step", Ssz.UINT64, BlocksByRangeRequest::step));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static BlocksByRangeRequest decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }
}
