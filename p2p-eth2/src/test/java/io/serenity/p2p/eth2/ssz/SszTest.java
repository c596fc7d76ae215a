package io.serenity.p2p.eth2.ssz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SszTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void uintsAreLittleEndian() {
    assertThat(HEX.formatHex(Ssz.UINT8.encode(0xab))).isEqualTo("ab");
    assertThat(HEX.formatHex(Ssz.UINT16.encode(0x0102))).isEqualTo("0201");
    assertThat(HEX.formatHex(Ssz.UINT32.encode(0x01020304L))).isEqualTo("04030201");
    assertThat(HEX.formatHex(Ssz.UINT64.encode(0x0102030405060708L))).isEqualTo("0807060504030201");
    assertThat(Ssz.UINT64.decode(HEX.parseHex("ffffffffffffffff"))).isEqualTo(-1L);
    assertThat(Ssz.UINT32.decode(HEX.parseHex("ffffffff"))).isEqualTo(0xffffffffL);
    assertThat(Ssz.UINT16.decode(HEX.parseHex("ffff"))).isEqualTo(0xffff);
  }

  @Test
  void outOfRangeValuesAreRejectedOnEncode() {
    assertThatThrownBy(() -> Ssz.UINT8.encode(256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ssz.UINT16.encode(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ssz.UINT32.encode(1L << 32)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wrongLengthsAreTypedErrors() {
    assertThatThrownBy(() -> Ssz.UINT64.decode(new byte[7])).isInstanceOf(SszException.class)
        .hasMessageContaining("uint64");
    assertThatThrownBy(() -> Ssz.UINT64.decode(new byte[9])).isInstanceOf(SszException.class);
    assertThatThrownBy(() -> Ssz.BYTES32.decode(new byte[31])).isInstanceOf(SszException.class);
    assertThatThrownBy(() -> Ssz.BYTES4.decode(null)).isInstanceOf(SszException.class);
  }

  @Test
  void booleanAcceptsOnlyZeroAndOne() {
    assertThat(Ssz.BOOLEAN.decode(new byte[] {1})).isTrue();
    assertThat(Ssz.BOOLEAN.decode(new byte[] {0})).isFalse();
    assertThatThrownBy(() -> Ssz.BOOLEAN.decode(new byte[] {2})).isInstanceOf(SszException.class);
  }

  @Test
  void bitvectorRejectsPaddingBitsAndKeepsBitOrder() {
    SszCodec<Bitvector> four = Ssz.bitvector(4);
    assertThat(four.decode(new byte[] {0x0f})).isEqualTo(Bitvector.of(4, 0, 1, 2, 3));
    assertThatThrownBy(() -> four.decode(new byte[] {0x10})).isInstanceOf(SszException.class)
        .hasMessageContaining("padding");
    Bitvector v = Bitvector.of(64, 0, 9, 63);
    assertThat(HEX.formatHex(Ssz.bitvector(64).encode(v))).isEqualTo("0102000000000080");
    assertThat(v.get(9)).isTrue();
    assertThat(v.get(8)).isFalse();
  }

  @Test
  void basicRootIsPaddedSerialisation() {
    byte[] root = Ssz.UINT64.hashTreeRoot(5L);
    assertThat(root).hasSize(32);
    assertThat(root[0]).isEqualTo((byte) 5);
    assertThat(HEX.formatHex(root, 1, 32)).matches("0+");
    assertThat(Ssz.BYTES32.hashTreeRoot(Bytes32.ZERO)).isEqualTo(new byte[32]);
  }

  @Test
  void merkleizePadsToPowerOfTwo() {
    byte[] a = new byte[32];
    a[0] = 1;
    byte[] b = new byte[32];
    b[0] = 2;
    byte[] c = new byte[32];
    c[0] = 3;
    byte[] zero = new byte[32];
    byte[] expected = Merkle.hash(Merkle.hash(a, b), Merkle.hash(c, zero));
    assertThat(Merkle.merkleize(List.of(a, b, c))).isEqualTo(expected);
    assertThat(Merkle.merkleize(List.of(a))).isEqualTo(a);
    assertThat(Merkle.merkleize(List.of(), 4)).isEqualTo(Merkle.hash(Merkle.hash(zero, zero), Merkle.hash(zero, zero)));
  }

  @Test
  void fuzzedInputOnlyThrowsTheTypedException() {
    Random r = new Random(7);
    List<SszCodec<?>> codecs = List.of(Ssz.UINT8, Ssz.UINT16, Ssz.UINT32, Ssz.UINT64, Ssz.BOOLEAN, Ssz.BYTES4,
        Ssz.BYTES32, Ssz.bitvector(4), Ssz.bitvector(64));
    for (int i = 0; i < 5000; i++) {
      byte[] in = new byte[r.nextInt(40)];
      r.nextBytes(in);
      for (SszCodec<?> c : codecs) {
        try {
          c.decode(in);
        } catch (SszException expected) {
          // the only allowed failure
        }
      }
    }
  }
}
