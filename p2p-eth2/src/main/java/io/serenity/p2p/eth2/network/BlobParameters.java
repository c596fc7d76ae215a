package io.serenity.p2p.eth2.network;

/**
 * One {@code BLOB_SCHEDULE} entry (Fulu, EIP-7892): from {@code epoch} on, blocks carry at most
 * {@code maxBlobsPerBlock} blobs. An entry at or after {@code FULU_FORK_EPOCH} is a
 * Blob-Parameters-Only (BPO) fork: it changes the fork digest but not the fork version.
 *
 * @param epoch the first epoch of these parameters (an unsigned 64-bit value held in a {@code long})
 * @param maxBlobsPerBlock the blob limit (unsigned 64-bit)
 */
public record BlobParameters(long epoch, long maxBlobsPerBlock) {

  @Override
  public String toString() {
    return "BlobParameters[epoch=" + Long.toUnsignedString(epoch) + ", maxBlobsPerBlock="
        + Long.toUnsignedString(maxBlobsPerBlock) + "]";
  }
}
