package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * {@code BlobIdentifier} (deneb p2p-interface.md): block_root, index; 40 bytes. The element of a
 * {@code BlobSidecarsByRoot} v1 request ({@link ByRootRequests#BLOB_IDENTIFIERS}).
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param blockRoot the block the blob belongs to
 * @param index the blob's index in the block
 */
public record BlobIdentifier(Bytes32 blockRoot, long index) {

  /** The SSZ codec of this container. */
  public static final SszCodec<BlobIdentifier> CODEC = SszContainer.of("BlobIdentifier",
      v -> new BlobIdentifier((Bytes32) v[0], (Long) v[1]),
      SszContainer.field("block_root", Ssz.BYTES32, BlobIdentifier::blockRoot),
      SszContainer.field("index", Ssz.UINT64, BlobIdentifier::index));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static BlobIdentifier decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Null check. */
  public BlobIdentifier {
    java.util.Objects.requireNonNull(blockRoot, "blockRoot");
  }
}
