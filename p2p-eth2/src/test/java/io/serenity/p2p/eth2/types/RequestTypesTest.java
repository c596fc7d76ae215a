package io.serenity.p2p.eth2.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.SszException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte layouts built by hand from the spec containers (simple-serialize.md: little-endian, offsets). */
class RequestTypesTest {

  private static final HexFormat HEX = HexFormat.of();

  private static Bytes32 root(int b) {
    byte[] r = new byte[32];
    r[0] = (byte) b;
    return new Bytes32(r);
  }

  @Test
  void statusV2IsStatusV1FollowedByEarliestAvailableSlot() {
    StatusMessage v1 = new StatusMessage(Bytes4.fromHex("01020304"), root(5), 6, root(7), 8);
    StatusMessageV2 v2 = StatusMessageV2.of(v1, 0x0102);
    byte[] enc = v2.encode();
    assertThat(enc).hasSize(92);
    assertThat(HEX.formatHex(enc)).startsWith(HEX.formatHex(v1.encode())).endsWith("0201000000000000");
    assertThat(StatusMessageV2.decode(enc)).isEqualTo(v2);
    assertThat(v2.toV1()).isEqualTo(v1);
    assertThatThrownBy(() -> StatusMessageV2.decode(v1.encode())).isInstanceOf(SszException.class);
  }

  @Test
  void metaDataV3AppendsCustodyGroupCount() {
    MetaData v2 = new MetaData(3, Bitvector.of(64, 1), Bitvector.empty(4));
    MetaDataV3 v3 = MetaDataV3.of(v2, 4);
    byte[] enc = v3.encode();
    assertThat(HEX.formatHex(enc)).isEqualTo(HEX.formatHex(v2.encode()) + "0400000000000000");
    assertThat(enc).hasSize(25);
    assertThat(MetaDataV3.decode(enc)).isEqualTo(v3);
  }

  @Test
  void fixedRequestsHaveTheSpecLayouts() {
    assertThat(HEX.formatHex(new BlocksByRangeRequest(1, 2, 1).encode()))
        .isEqualTo("0100000000000000" + "0200000000000000" + "0100000000000000");
    assertThat(HEX.formatHex(new BlocksByHeadRequest(root(0xaa), 64).encode()))
        .isEqualTo("aa" + "00".repeat(31) + "4000000000000000");
    assertThat(HEX.formatHex(new BlobSidecarsByRangeRequest(9, 3).encode()))
        .isEqualTo("0900000000000000" + "0300000000000000");
    assertThat(HEX.formatHex(new BlobIdentifier(root(1), 2).encode()))
        .isEqualTo("01" + "00".repeat(31) + "0200000000000000");
  }

  @Test
  void dataColumnsByRangeRequestHasAnOffsetThenTheColumns() {
    DataColumnSidecarsByRangeRequest r = new DataColumnSidecarsByRangeRequest(10, 2, List.of(3L, 127L));
    String hex = HEX.formatHex(r.encode());
    assertThat(hex).isEqualTo("0a00000000000000" + "0200000000000000" + "14000000" + "0300000000000000"
        + "7f00000000000000");
    assertThat(DataColumnSidecarsByRangeRequest.decode(r.encode())).isEqualTo(r);
    // an offset other than 20 is malformed
    byte[] bad = r.encode();
    bad[16] = 0x18;
    assertThatThrownBy(() -> DataColumnSidecarsByRangeRequest.decode(bad)).isInstanceOf(SszException.class);
  }

  @Test
  void byRootListsRoundTripAndRejectTooManyOrRaggedInput() {
    List<Bytes32> roots = List.of(root(1), root(2));
    byte[] enc = ByRootRequests.BLOCK_ROOTS.encode(roots);
    assertThat(enc).hasSize(64);
    assertThat(ByRootRequests.BLOCK_ROOTS.decode(enc)).isEqualTo(roots);
    assertThatThrownBy(() -> ByRootRequests.BLOCK_ROOTS.decode(new byte[33])).isInstanceOf(SszException.class);
    assertThatThrownBy(() -> ByRootRequests.BLOCK_ROOTS.decode(new byte[32 * 129])).isInstanceOf(SszException.class);

    List<DataColumnsByRootIdentifier> ids = List.of(
        new DataColumnsByRootIdentifier(root(1), List.of(0L)),
        new DataColumnsByRootIdentifier(root(2), List.of()));
    byte[] ide = ByRootRequests.DATA_COLUMNS_BY_ROOT_IDENTIFIERS.encode(ids);
    // two offsets (8, 8 + 44), then root1 | offset 36 | column 0, then root2 | offset 36
    assertThat(HEX.formatHex(ide, 0, 8)).isEqualTo("08000000" + "34000000");
    assertThat(ide).hasSize(8 + 44 + 36);
    assertThat(ByRootRequests.DATA_COLUMNS_BY_ROOT_IDENTIFIERS.decode(ide)).isEqualTo(ids);
    byte[] swapped = ide.clone();
    swapped[4] = 0x04;
    assertThatThrownBy(() -> ByRootRequests.DATA_COLUMNS_BY_ROOT_IDENTIFIERS.decode(swapped))
        .isInstanceOf(SszException.class);
  }

  @Test
  void limitsMatchTheSpecs() {
    assertThat(ByRootRequests.MAX_REQUEST_BLOCKS_DENEB).isEqualTo(128);
    assertThat(ByRootRequests.MAX_REQUEST_BLOB_SIDECARS_ELECTRA).isEqualTo(1152);
    assertThat(ByRootRequests.MAX_REQUEST_DATA_COLUMN_SIDECARS).isEqualTo(16384);
  }
}
