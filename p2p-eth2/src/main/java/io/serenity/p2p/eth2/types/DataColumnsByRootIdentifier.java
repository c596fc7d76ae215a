package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Merkle;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import java.util.List;
import java.util.Objects;

/**
 * {@code DataColumnsByRootIdentifier} (fulu p2p-interface.md "Containers"): block_root, columns
 * ({@code List[ColumnIndex, NUMBER_OF_COLUMNS]}). The element of a {@code DataColumnSidecarsByRoot}
 * v1 request ({@link ByRootRequests#DATA_COLUMNS_BY_ROOT_IDENTIFIERS}).
 *
 * @param blockRoot the block
 * @param columns the column indices asked for
 */
public record DataColumnsByRootIdentifier(Bytes32 blockRoot, List<Long> columns) {

  private static final SszCodec<List<Long>> COLUMNS =
      SszLists.fixed("DataColumnIndices", Ssz.UINT64, ByRootRequests.NUMBER_OF_COLUMNS);

  /** The SSZ codec of this container (variable size: 36 to 36 + 8 * 128 bytes). */
  public static final SszCodec<DataColumnsByRootIdentifier> CODEC = new SszCodec<>() {
    @Override
    public int fixedSize() {
      return -1;
    }

    @Override
    public byte[] encode(DataColumnsByRootIdentifier v) {
      return SszLists.joinTail(v.blockRoot.bytes(), COLUMNS.encode(v.columns));
    }

    @Override
    public DataColumnsByRootIdentifier decode(byte[] bytes) {
      byte[][] parts = SszLists.splitTail("DataColumnsByRootIdentifier", bytes, 32);
      return new DataColumnsByRootIdentifier(new Bytes32(parts[0]), COLUMNS.decode(parts[1]));
    }

    @Override
    public byte[] hashTreeRoot(DataColumnsByRootIdentifier v) {
      return Merkle.merkleize(List.of(Ssz.BYTES32.hashTreeRoot(v.blockRoot), COLUMNS.hashTreeRoot(v.columns)));
    }
  };

  /** Copies the list; checks its length. */
  public DataColumnsByRootIdentifier {
    Objects.requireNonNull(blockRoot, "blockRoot");
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
  public static DataColumnsByRootIdentifier decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }
}
