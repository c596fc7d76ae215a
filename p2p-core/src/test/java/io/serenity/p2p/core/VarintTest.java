package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VarintTest {
  private static final HexFormat HEX = HexFormat.of();

  // Vectors from the multiformats unsigned-varint README and WIRE-REFERENCE 1.1.
  @ParameterizedTest
  @CsvSource({
    "0, 00", "1, 01", "127, 7f", "128, 8001", "255, ff01", "300, ac02", "16383, ff7f", "16384, 808001",
    "9223372036854775807, ffffffffffffffff7f"
  })
  void encodesAndDecodesSpecVectors(long value, String hex) {
    assertThat(HEX.formatHex(Varint.encode(value))).isEqualTo(hex);
    assertThat(Varint.encodedLength(value)).isEqualTo(hex.length() / 2);
    ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(hex + "ee"));
    assertThat(Varint.decode(buf)).isEqualTo(value);
    assertThat(buf.position()).isEqualTo(hex.length() / 2);
  }

  @Test
  void rejectsNegativeValuesOnEncode() {
    assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"8000, not minimally", "ff80808000, not minimally", "0100ff, ''"})
  void rejectsNonMinimalEncodings(String hex, String message) {
    if (message.isEmpty()) {
      assertThat(Varint.decode(ByteBuffer.wrap(HEX.parseHex(hex)))).isEqualTo(1);
      return;
    }
    assertThatThrownBy(() -> Varint.decode(ByteBuffer.wrap(HEX.parseHex(hex))))
        .isInstanceOf(FormatException.class).hasMessageContaining(message);
  }

  @Test
  void rejectsMoreThanNineBytes() {
    assertThatThrownBy(() -> Varint.decode(ByteBuffer.wrap(HEX.parseHex("ffffffffffffffffff01"))))
        .isInstanceOf(FormatException.class).hasMessageContaining("longer than 9 bytes");
  }

  @Test
  void rejectsTruncatedInputAndLeavesPositionUnchanged() {
    ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex("8080"));
    assertThatThrownBy(() -> Varint.decode(buf)).isInstanceOf(FormatException.class).hasMessageContaining("truncated");
    assertThat(buf.position()).isZero();
    assertThatThrownBy(() -> Varint.decode(ByteBuffer.allocate(0)))
        .isInstanceOf(FormatException.class).hasMessageContaining("truncated");
  }

  @Test
  void rejectsValuesAboveCallerMaximum() {
    assertThat(Varint.decode(ByteBuffer.wrap(Varint.encode(1000)), 1000)).isEqualTo(1000);
    assertThatThrownBy(() -> Varint.decode(ByteBuffer.wrap(Varint.encode(1001)), 1000))
        .isInstanceOf(FormatException.class).hasMessageContaining("exceeds maximum 1000");
  }

  @Test
  void roundTripsEveryBitLength() {
    for (int bits = 0; bits < 63; bits++) {
      long v = (1L << bits) | (bits * 7919L & ((1L << bits) - 1));
      assertThat(Varint.decode(ByteBuffer.wrap(Varint.encode(v)))).isEqualTo(v);
      assertThat(Varint.decode(ByteBuffer.wrap(Varint.encode(v - 1 < 0 ? 0 : v - 1)))).isEqualTo(Math.max(0, v - 1));
    }
  }
}
