package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The {@code BlobSidecarsByRange} v1 request (deneb p2p-interface.md "BlobSidecarsByRange v1"):
 * start_slot, count; 16 bytes. Deprecated from {@code FULU_FORK_EPOCH + MIN_EPOCHS_FOR_BLOB_SIDECARS_REQUESTS}.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param startSlot the first slot
 * @param count the number of slots
 */
public record BlobSidecarsByRangeRequest(long startSlot, long count) {

  /** The SSZ codec of this container. */
  public static final SszCodec<BlobSidecarsByRangeRequest> CODEC = SszContainer.of("BlobSidecarsByRangeRequest",
      v -> new BlobSidecarsByRangeRequest((Long) v[0], (Long) v[1]),
      SszContainer.field("start_slot", Ssz.UINT64, BlobSidecarsByRangeRequest::startSlot),
      SszContainer.field("count", Ssz.UINT64, BlobSidecarsByRangeRequest::count));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static BlobSidecarsByRangeRequest decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }
}
