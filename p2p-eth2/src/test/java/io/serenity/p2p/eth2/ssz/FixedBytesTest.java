package io.serenity.p2p.eth2.ssz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The value rules {@link Bytes4} and {@link Bytes32} share. */
class FixedBytesTest {

  @Test
  void wrongLengthIsRejectedNamingTheType() {
    assertThatThrownBy(() -> new Bytes4(new byte[3]))
        .isInstanceOf(SszException.class).hasMessage("Bytes4: expected 4 bytes, got 3");
    assertThatThrownBy(() -> new Bytes32(new byte[33]))
        .isInstanceOf(SszException.class).hasMessage("Bytes32: expected 32 bytes, got 33");
    assertThatThrownBy(() -> new Bytes4(null))
        .isInstanceOf(SszException.class).hasMessage("Bytes4: expected 4 bytes, got null");
    assertThatThrownBy(() -> Bytes32.fromHex("00"))
        .isInstanceOf(SszException.class).hasMessage("Bytes32: expected 32 bytes, got 1");
  }

  @Test
  void badHexIsRejectedNamingTheType() {
    assertThatThrownBy(() -> Bytes4.fromHex("0xzz000000"))
        .isInstanceOf(SszException.class).hasMessage("Bytes4: bad hex '0xzz000000'");
    assertThatThrownBy(() -> Bytes32.fromHex("abc"))
        .isInstanceOf(SszException.class).hasMessage("Bytes32: bad hex 'abc'");
  }

  @Test
  void hexRoundTripsWithOrWithoutPrefix() {
    Bytes4 a = Bytes4.fromHex("0xB5303F2A");
    assertThat(a).isEqualTo(Bytes4.fromHex("b5303f2a")).isEqualTo(Bytes4.fromHex("0Xb5303f2a"));
    assertThat(a.toHex()).isEqualTo("b5303f2a");
    assertThat(a).hasToString("0xb5303f2a");
    assertThat(Bytes32.fromHex(Bytes32.ZERO.toString())).isEqualTo(Bytes32.ZERO);
  }

  @Test
  void valuesAreImmutableCopies() {
    byte[] in = {1, 2, 3, 4};
    Bytes4 a = new Bytes4(in);
    in[0] = 9;
    a.bytes()[1] = 9;
    assertThat(a.bytes()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void equalityIsByContentAndType() {
    Bytes32 a = Bytes32.fromHex("11".repeat(32));
    Bytes32 b = new Bytes32(a.bytes());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(Bytes32.ZERO);
    assertThat(Bytes4.ZERO).isNotEqualTo(new Bitvector(32, new byte[4]));
    assertThat((Object) Bytes4.ZERO).isNotEqualTo(Bytes32.ZERO);
  }
}
