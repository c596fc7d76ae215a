package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The {@code BeaconBlocksByHead} v1 request (fulu p2p-interface.md "BeaconBlocksByHead v1"):
 * beacon_root, count; 40 bytes. The answer walks the ancestry of {@code beacon_root}, inclusive,
 * in descending slot order, at most {@code min(count, MAX_REQUEST_BLOCKS_DENEB)} blocks.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param beaconRoot the root of the newest block asked for
 * @param count the number of blocks
 */
public record BlocksByHeadRequest(Bytes32 beaconRoot, long count) {

  /** The SSZ codec of this container. */
  public static final SszCodec<BlocksByHeadRequest> CODEC = SszContainer.of("BlocksByHeadRequest",
      v -> new BlocksByHeadRequest((Bytes32) v[0], (Long) v[1]),
      SszContainer.field("beacon_root", Ssz.BYTES32, BlocksByHeadRequest::beaconRoot),
      SszContainer.field("count", Ssz.UINT64, BlocksByHeadRequest::count));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static BlocksByHeadRequest decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Null check. */
  public BlocksByHeadRequest {
    java.util.Objects.requireNonNull(beaconRoot, "beaconRoot");
  }
}
