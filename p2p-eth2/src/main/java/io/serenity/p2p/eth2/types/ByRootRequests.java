package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import java.util.List;

/**
 * The list-typed requests of the by-root methods and the request limits of the current specs
 * (deneb, electra and fulu p2p-interface.md).
 */
public final class ByRootRequests {

  /** {@code MAX_REQUEST_BLOCKS_DENEB} (deneb "Configuration"): 128 blocks per request. */
  public static final int MAX_REQUEST_BLOCKS_DENEB = 128;
  /** {@code NUMBER_OF_COLUMNS} (fulu "Preset"): 128. */
  public static final int NUMBER_OF_COLUMNS = 128;
  /** {@code MAX_BLOBS_PER_BLOCK_ELECTRA}: 9. */
  public static final int MAX_BLOBS_PER_BLOCK_ELECTRA = 9;
  /**
   * {@code compute_max_request_blob_sidecars()} from electra on ({@code MAX_REQUEST_BLOB_SIDECARS_ELECTRA}
   * in earlier spec releases): {@code MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK_ELECTRA} = 1152.
   */
  public static final int MAX_REQUEST_BLOB_SIDECARS_ELECTRA = MAX_REQUEST_BLOCKS_DENEB * MAX_BLOBS_PER_BLOCK_ELECTRA;
  /**
   * {@code compute_max_request_data_column_sidecars()} (fulu; {@code MAX_REQUEST_DATA_COLUMN_SIDECARS}
   * in earlier releases): {@code MAX_REQUEST_BLOCKS_DENEB * NUMBER_OF_COLUMNS} = 16384.
   */
  public static final int MAX_REQUEST_DATA_COLUMN_SIDECARS = MAX_REQUEST_BLOCKS_DENEB * NUMBER_OF_COLUMNS;

  /** {@code BeaconBlockRoots = List[Root, MAX_REQUEST_BLOCKS_DENEB]}: the BeaconBlocksByRoot v2 request. */
  public static final SszCodec<List<Bytes32>> BLOCK_ROOTS =
      SszLists.fixed("BeaconBlockRoots", Ssz.BYTES32, MAX_REQUEST_BLOCKS_DENEB);

  /** {@code BlobIdentifiers = List[BlobIdentifier, 1152]}: the BlobSidecarsByRoot v1 request (electra). */
  public static final SszCodec<List<BlobIdentifier>> BLOB_IDENTIFIERS =
      SszLists.fixed("BlobIdentifiers", BlobIdentifier.CODEC, MAX_REQUEST_BLOB_SIDECARS_ELECTRA);

  /**
   * {@code DataColumnsByRootIdentifiers = List[DataColumnsByRootIdentifier, MAX_REQUEST_BLOCKS_DENEB]}:
   * the DataColumnSidecarsByRoot v1 request.
   */
  public static final SszCodec<List<DataColumnsByRootIdentifier>> DATA_COLUMNS_BY_ROOT_IDENTIFIERS =
      SszLists.variable("DataColumnsByRootIdentifiers", DataColumnsByRootIdentifier.CODEC, MAX_REQUEST_BLOCKS_DENEB);

  private ByRootRequests() {}
}
