package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BaseEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  // base58btc vectors from the IETF base58 draft (draft-msporny-base58) and the multibase test suite.
  @ParameterizedTest
  @CsvSource({
    "'', ''",
    "00, 1",
    "0000, 11",
    "61, 2g",
    "626262, a3gV",
    "636363, aPEr",
    "0000287fb4cd, 11233QC4",
    "48656c6c6f20576f726c6421, 2NEpo7TZRRrLZSi2U"
  })
  void base58MatchesPublishedVectors(String hex, String text) {
    assertThat(Base58.encode(HEX.parseHex(hex))).isEqualTo(text);
    assertThat(HEX.formatHex(Base58.decode(text))).isEqualTo(hex);
  }

  @Test
  void base58RejectsCharactersOutsideTheAlphabetWithOffset() {
    assertThatThrownBy(() -> Base58.decode("abc0def")).isInstanceOf(FormatException.class)
        .hasMessageContaining("offset 3");
    assertThatThrownBy(() -> Base58.decode("Il")).isInstanceOf(FormatException.class).hasMessageContaining("offset 0");
    assertThatThrownBy(() -> Base58.decode("zé")).isInstanceOf(FormatException.class).hasMessageContaining("offset 1");
  }

  // RFC 4648 section 10 vectors, lower-cased and without padding.
  @ParameterizedTest
  @CsvSource({
    "'', ''", "f, my", "fo, mzxq", "foo, mzxw6", "foob, mzxw6yq", "fooba, mzxw6ytb", "foobar, mzxw6ytboi"
  })
  void base32MatchesRfc4648Vectors(String plain, String text) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
    assertThat(Base32.encode(bytes)).isEqualTo(text);
    assertThat(Base32.decode(text)).isEqualTo(bytes);
  }

  @Test
  void base32RejectsUpperCasePaddingBadLengthsAndTrailingBits() {
    assertThatThrownBy(() -> Base32.decode("MZXW6")).isInstanceOf(FormatException.class).hasMessageContaining("offset 0");
    assertThatThrownBy(() -> Base32.decode("my======")).isInstanceOf(FormatException.class).hasMessageContaining("offset 2");
    assertThatThrownBy(() -> Base32.decode("m")).isInstanceOf(FormatException.class).hasMessageContaining("length");
    assertThatThrownBy(() -> Base32.decode("mzx")).isInstanceOf(FormatException.class).hasMessageContaining("length");
    assertThatThrownBy(() -> Base32.decode("mz")).isInstanceOf(FormatException.class).hasMessageContaining("trailing bits");
  }

  @Test
  void randomBytesRoundTripThroughAllEncodings() {
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      byte[] data = new byte[random.nextInt(70)];
      random.nextBytes(data);
      if (random.nextBoolean() && data.length > 2) {
        data[0] = 0;
        data[1] = 0;
      }
      assertThat(Base58.decode(Base58.encode(data))).isEqualTo(data);
      assertThat(Base32.decode(Base32.encode(data))).isEqualTo(data);
      for (Multibase.Encoding e : Multibase.Encoding.values()) {
        assertThat(Multibase.decode(Multibase.encode(e, data))).isEqualTo(data);
      }
    }
  }

  // multibase spec test vectors (test/basic.csv: "yes mani !").
  @Test
  void multibaseMatchesSpecVectors() {
    byte[] data = "yes mani !".getBytes(StandardCharsets.US_ASCII);
    assertThat(Multibase.encode(Multibase.Encoding.BASE58BTC, data)).isEqualTo("z7paNL19xttacUY");
    assertThat(Multibase.encode(Multibase.Encoding.BASE32, data)).isEqualTo("bpfsxgidnmfxgsibb");
    assertThat(Multibase.decode("z7paNL19xttacUY")).isEqualTo(data);
    assertThat(Multibase.decode("bpfsxgidnmfxgsibb")).isEqualTo(data);
    assertThat(Multibase.encodingOf("bpfsxgidnmfxgsibb")).isEqualTo(Multibase.Encoding.BASE32);
  }

  @Test
  void multibaseRejectsUnknownPrefixesAndEmptyText() {
    assertThatThrownBy(() -> Multibase.decode("f796573")).isInstanceOf(FormatException.class)
        .hasMessageContaining("unsupported multibase prefix 'f'");
    assertThatThrownBy(() -> Multibase.decode("")).isInstanceOf(FormatException.class).hasMessageContaining("empty");
  }
}
