package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Merkle;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * The {@code DataColumnSidecarsByRange} v1 request (fulu p2p-interface.md "DataColumnSidecarsByRange
 * v1"): start_slot, count, columns ({@code DataColumnIndices = List[ColumnIndex, NUMBER_OF_COLUMNS]});
 * 20 to 20 + 8 * 128 bytes.
 *
 * @param startSlot the first slot
 * @param count the number of slots
 * @param columns the column indices asked for
 */
public record DataColumnSidecarsByRangeRequest(long startSlot, long count, List<Long> columns) {

  private static final SszCodec<List<Long>> COLUMNS =
      SszLists.fixed("DataColumnIndices", Ssz.UINT64, ByRootRequests.NUMBER_OF_COLUMNS);

  /** The SSZ codec of this container. */
  public static final SszCodec<DataColumnSidecarsByRangeRequest> CODEC = new SszCodec<>() {
    @Override
    public int fixedSize() {
      return -1;
    }

    @Override
    public byte[] encode(DataColumnSidecarsByRangeRequest v) {
      byte[] head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(v.startSlot).putLong(v.count).array();
      return SszLists.joinTail(head, COLUMNS.encode(v.columns));
    }

    @Override
    public DataColumnSidecarsByRangeRequest decode(byte[] bytes) {
      byte[][] parts = SszLists.splitTail("DataColumnSidecarsByRangeRequest", bytes, 16);
      ByteBuffer b = ByteBuffer.wrap(parts[0]).order(ByteOrder.LITTLE_ENDIAN);
      return new DataColumnSidecarsByRangeRequest(b.getLong(), b.getLong(), COLUMNS.decode(parts[1]));
    }

    @Override
    public byte[] hashTreeRoot(DataColumnSidecarsByRangeRequest v) {
      return Merkle.merkleize(List.of(Ssz.UINT64.hashTreeRoot(v.startSlot), Ssz.UINT64.hashTreeRoot(v.count),
          COLUMNS.hashTreeRoot(v.columns)));
    }
  };

  /** Copies the list; checks its length. */
  public DataColumnSidecarsByRangeRequest {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    if (columns.size() > ByRootRequests.NUMBER_OF_COLUMNS) {
      throw new IllegalArgumentException("at most " + ByRootRequests.NUMBER_OF_COLUMNS + " columns");
    }
  }

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   * @throws SszException on malformed input
   */
  public static DataColumnSidecarsByRangeRequest decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }
}
