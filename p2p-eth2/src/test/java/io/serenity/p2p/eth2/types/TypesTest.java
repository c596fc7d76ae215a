package io.serenity.p2p.eth2.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Merkle;
import io.serenity.p2p.eth2.ssz.SszException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TypesTest {

  private static final HexFormat HEX = HexFormat.of();
  static final Bytes32 MAINNET_GVR =
      Bytes32.fromHex("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");

  @Test
  void mainnetGenesisForkDigest() {
    ForkData fd = new ForkData(Bytes4.fromHex("00000000"), MAINNET_GVR);
    assertThat(fd.forkDigest().toHex()).isEqualTo("b5303f2a");
  }

  @Test
  void forkDataRootIsTwoLeafMerkleOfFieldRoots() {
    ForkData fd = new ForkData(Bytes4.fromHex("01000000"), MAINNET_GVR);
    byte[] version = new byte[32];
    version[0] = 1;
    assertThat(fd.hashTreeRoot()).isEqualTo(Merkle.hash(version, MAINNET_GVR.bytes()));
    // altair mainnet digest (fork version 0x01000000)
    assertThat(fd.forkDigest().toHex()).isEqualTo("afcaaba0");
  }

  @Test
  void statusRoundTripAndLayout() {
    StatusMessage s = new StatusMessage(Bytes4.fromHex("b5303f2a"), Bytes32.fromHex("11".repeat(32)), 7,
        Bytes32.fromHex("22".repeat(32)), 300);
    byte[] wire = s.encode();
    assertThat(wire).hasSize(84);
    assertThat(HEX.formatHex(wire, 0, 4)).isEqualTo("b5303f2a");
    assertThat(HEX.formatHex(wire, 36, 44)).isEqualTo("0700000000000000");
    assertThat(HEX.formatHex(wire, 76, 84)).isEqualTo("2c01000000000000");
    assertThat(StatusMessage.decode(wire)).isEqualTo(s);
    assertThatThrownBy(() -> StatusMessage.decode(new byte[83])).isInstanceOf(SszException.class);
    assertThatThrownBy(() -> StatusMessage.decode(new byte[85])).isInstanceOf(SszException.class);
  }

  @Test
  void metadataRoundTripAndLayout() {
    MetaData m = new MetaData(9, Bitvector.of(64, 1, 63), Bitvector.of(4, 3));
    byte[] wire = m.encode();
    assertThat(HEX.formatHex(wire)).isEqualTo("0900000000000000" + "0200000000000080" + "08");
    assertThat(MetaData.decode(wire)).isEqualTo(m);
    wire[16] = 0x10; // a bit beyond syncnets' 4
    assertThatThrownBy(() -> MetaData.decode(wire)).isInstanceOf(SszException.class);
    assertThat(MetaData.empty(3).encode()).hasSize(17);
  }

  @Test
  void enrForkIdPingGoodbyeRoundTrip() {
    EnrForkId id = new EnrForkId(Bytes4.fromHex("b5303f2a"), Bytes4.fromHex("01000000"), EnrForkId.FAR_FUTURE_EPOCH);
    assertThat(HEX.formatHex(id.encode())).isEqualTo("b5303f2a01000000ffffffffffffffff");
    assertThat(EnrForkId.decode(id.encode())).isEqualTo(id);
    assertThat(Ping.decode(new Ping(42).encode())).isEqualTo(new Ping(42));
    assertThat(HEX.formatHex(new Goodbye(Goodbye.CLIENT_SHUTDOWN).encode())).isEqualTo("0100000000000000");
    assertThat(Goodbye.decode(new byte[8]).reason()).isZero();
  }

  @Test
  void randomContainersRoundTripAndFuzzOnlyThrowsSszException() {
    Random r = new Random(1);
    for (int i = 0; i < 500; i++) {
      byte[] status = new byte[84];
      r.nextBytes(status);
      assertThat(StatusMessage.decode(status).encode()).isEqualTo(status);
      byte[] any = new byte[r.nextInt(100)];
      r.nextBytes(any);
      for (var c : List.of(StatusMessage.CODEC, MetaData.CODEC, EnrForkId.CODEC, ForkData.CODEC, Ping.CODEC)) {
        try {
          c.decode(any);
        } catch (SszException expected) {
          // typed
        }
      }
    }
  }
}
