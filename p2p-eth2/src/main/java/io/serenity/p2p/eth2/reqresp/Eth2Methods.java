package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.BlobIdentifier;
import io.serenity.p2p.eth2.types.BlobSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.BlocksByHeadRequest;
import io.serenity.p2p.eth2.types.BlocksByRangeRequest;
import io.serenity.p2p.eth2.types.ByRootRequests;
import io.serenity.p2p.eth2.types.DataColumnSidecarsByRangeRequest;
import io.serenity.p2p.eth2.types.DataColumnsByRootIdentifier;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import java.util.List;

/**
 * The req/resp methods of the consensus specs (phase0, altair, deneb, electra and fulu
 * p2p-interface.md "Messages"). {@link ReqResp} serves Status v1, Goodbye, Ping and GetMetaData v2
 * itself; the others are for the client to {@link ReqResp#register register} with its handler and to
 * request. Blocks and sidecars travel as {@link #OPAQUE} bytes: the client decodes each chunk with the
 * schema its context bytes (the fork digest) name, so no beacon-state type enters this library.
 */
public final class Eth2Methods {

  /** Status v1: {@code /eth2/beacon_chain/req/status/1/ssz_snappy}, 84-byte container both ways. */
  public static final Method<StatusMessage, StatusMessage> STATUS =
      Method.single("status", 1, StatusMessage.CODEC, StatusMessage.CODEC);

  /** Goodbye v1: a uint64 reason; we send no response chunk and read none. */
  public static final Method<Goodbye, Goodbye> GOODBYE = Method.single("goodbye", 1, Goodbye.CODEC, Goodbye.CODEC);

  /** Ping v1: our MetaData seq_number both ways. */
  public static final Method<Ping, Ping> PING = Method.single("ping", 1, Ping.CODEC, Ping.CODEC);

  /** GetMetaData v2 (altair): no request content; MetaData v2 (17 bytes) back. */
  public static final Method<Void, MetaData> METADATA = Method.single("metadata", 2, null, MetaData.CODEC);

  /**
   * A pass-through codec: the SSZ bytes as they are (blocks, sidecars), for the client to decode.
   * {@code hashTreeRoot} is unsupported: the type is unknown here.
   */
  public static final SszCodec<byte[]> OPAQUE = new SszCodec<>() {
    @Override
    public int fixedSize() {
      return -1;
    }

    @Override
    public byte[] encode(byte[] value) {
      return value.clone();
    }

    @Override
    public byte[] decode(byte[] bytes) {
      if (bytes == null) {
        throw new SszException("opaque: null input");
      }
      return bytes.clone();
    }

    @Override
    public byte[] hashTreeRoot(byte[] value) {
      throw new UnsupportedOperationException("opaque SSZ bytes: the schema is the client's");
    }
  };

  /** {@code BlobSidecar} size (deneb, unchanged through fulu): 131928 bytes, fixed. */
  public static final int BLOB_SIDECAR_SIZE = 131_072 + 8 + 48 + 48 + 208 + 17 * 32;

  /** Status v2 (fulu): {@code /eth2/beacon_chain/req/status/2/ssz_snappy}, 92 bytes both ways. */
  public static final Method<StatusMessageV2, StatusMessageV2> STATUS_V2 =
      Method.single("status", 2, StatusMessageV2.CODEC, StatusMessageV2.CODEC);

  /** GetMetaData v3 (fulu): no request content; MetaData v3 (25 bytes, with custody_group_count) back. */
  public static final Method<Void, MetaDataV3> METADATA_V3 = Method.single("metadata", 3, null, MetaDataV3.CODEC);

  /**
   * BeaconBlocksByRange v2 (altair, limit from deneb): 24-byte request, up to
   * {@code MAX_REQUEST_BLOCKS_DENEB} (128) {@code SignedBeaconBlock} chunks with the fork digest of
   * each block's epoch as context.
   */
  public static final Method<BlocksByRangeRequest, byte[]> BLOCKS_BY_RANGE_V2 = Method.chunked(
      "beacon_blocks_by_range", 2, BlocksByRangeRequest.CODEC, OPAQUE, ByRootRequests.MAX_REQUEST_BLOCKS_DENEB)
      .withForkDigestContext();

  /** BeaconBlocksByRoot v2: {@code List[Root, 128]} request, up to 128 block chunks with context. */
  public static final Method<List<Bytes32>, byte[]> BLOCKS_BY_ROOT_V2 = Method.chunked(
      "beacon_blocks_by_root", 2, ByRootRequests.BLOCK_ROOTS, OPAQUE, ByRootRequests.MAX_REQUEST_BLOCKS_DENEB)
      .withRequestBounds(0, 32 * ByRootRequests.MAX_REQUEST_BLOCKS_DENEB)
      .withForkDigestContext();

  /**
   * BeaconBlocksByHead v1 (fulu): {@code (beacon_root, count)}, up to 128 block chunks in descending
   * slot order, with context.
   */
  public static final Method<BlocksByHeadRequest, byte[]> BLOCKS_BY_HEAD_V1 = Method.chunked(
      "beacon_blocks_by_head", 1, BlocksByHeadRequest.CODEC, OPAQUE, ByRootRequests.MAX_REQUEST_BLOCKS_DENEB)
      .withForkDigestContext();

  /**
   * BlobSidecarsByRange v1 (deneb; electra limit 1152; deprecated a retention period after fulu):
   * 16-byte request, {@code BlobSidecar} chunks of exactly {@link #BLOB_SIDECAR_SIZE} bytes, with context.
   */
  public static final Method<BlobSidecarsByRangeRequest, byte[]> BLOB_SIDECARS_BY_RANGE_V1 = Method.chunked(
      "blob_sidecars_by_range", 1, BlobSidecarsByRangeRequest.CODEC, OPAQUE,
      ByRootRequests.MAX_REQUEST_BLOB_SIDECARS_ELECTRA)
      .withResponseBounds(BLOB_SIDECAR_SIZE, BLOB_SIDECAR_SIZE)
      .withForkDigestContext();

  /** BlobSidecarsByRoot v1: {@code List[BlobIdentifier, 1152]} request, blob sidecar chunks with context. */
  public static final Method<List<BlobIdentifier>, byte[]> BLOB_SIDECARS_BY_ROOT_V1 = Method.chunked(
      "blob_sidecars_by_root", 1, ByRootRequests.BLOB_IDENTIFIERS, OPAQUE,
      ByRootRequests.MAX_REQUEST_BLOB_SIDECARS_ELECTRA)
      .withRequestBounds(0, 40 * ByRootRequests.MAX_REQUEST_BLOB_SIDECARS_ELECTRA)
      .withResponseBounds(BLOB_SIDECAR_SIZE, BLOB_SIDECAR_SIZE)
      .withForkDigestContext();

  /**
   * DataColumnSidecarsByRange v1 (fulu): {@code (start_slot, count, columns)} request, up to
   * {@code compute_max_request_data_column_sidecars()} (16384) {@code DataColumnSidecar} chunks with context.
   */
  public static final Method<DataColumnSidecarsByRangeRequest, byte[]> DATA_COLUMN_SIDECARS_BY_RANGE_V1 =
      Method.chunked("data_column_sidecars_by_range", 1, DataColumnSidecarsByRangeRequest.CODEC, OPAQUE,
          ByRootRequests.MAX_REQUEST_DATA_COLUMN_SIDECARS)
          .withRequestBounds(20, 20 + 8 * ByRootRequests.NUMBER_OF_COLUMNS)
          .withForkDigestContext();

  /**
   * DataColumnSidecarsByRoot v1 (fulu): {@code List[DataColumnsByRootIdentifier, 128]} request, up to
   * 16384 column sidecar chunks with context.
   */
  public static final Method<List<DataColumnsByRootIdentifier>, byte[]> DATA_COLUMN_SIDECARS_BY_ROOT_V1 =
      Method.chunked("data_column_sidecars_by_root", 1, ByRootRequests.DATA_COLUMNS_BY_ROOT_IDENTIFIERS, OPAQUE,
          ByRootRequests.MAX_REQUEST_DATA_COLUMN_SIDECARS)
          .withRequestBounds(0, ByRootRequests.MAX_REQUEST_BLOCKS_DENEB * (4 + 36 + 8 * ByRootRequests.NUMBER_OF_COLUMNS))
          .withForkDigestContext();

  private Eth2Methods() {}
}
