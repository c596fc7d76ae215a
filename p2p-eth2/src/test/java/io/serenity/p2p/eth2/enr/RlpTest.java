package io.serenity.p2p.eth2.enr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RlpTest {

  private static final HexFormat HEX = HexFormat.of();

  private static String enc(byte[] b) {
    return HEX.formatHex(Rlp.encodeBytes(b));
  }

  @Test
  void encodesTheYellowPaperExamples() {
    assertThat(enc(new byte[0])).isEqualTo("80");
    assertThat(enc(new byte[] {0x0f})).isEqualTo("0f");
    assertThat(enc(new byte[] {(byte) 0x80})).isEqualTo("8180");
    assertThat(enc("dog".getBytes())).isEqualTo("83646f67");
    assertThat(HEX.formatHex(Rlp.encodeList(List.of()))).isEqualTo("c0");
    assertThat(HEX.formatHex(Rlp.encodeList(List.of(Rlp.encodeBytes("cat".getBytes()), Rlp.encodeBytes("dog".getBytes())))))
        .isEqualTo("c88363617483646f67");
    assertThat(HEX.formatHex(Rlp.encodeUnsigned(0))).isEqualTo("80");
    assertThat(HEX.formatHex(Rlp.encodeUnsigned(1024))).isEqualTo("820400");
    byte[] s56 = new byte[56];
    assertThat(HEX.formatHex(Rlp.encodeBytes(s56), 0, 2)).isEqualTo("b838");
    assertThat(HEX.formatHex(Rlp.encodeUnsigned(-1L))).isEqualTo("88ffffffffffffffff");
  }

  @Test
  void decodesWhatItEncodes() {
    byte[] nested = Rlp.encodeList(List.of(Rlp.encodeList(List.of()), Rlp.encodeBytes(new byte[100]),
        Rlp.encodeList(List.of(Rlp.encodeBytes(new byte[] {1})))));
    RlpItem item = Rlp.decode(nested, 1000);
    assertThat(item.encoded()).isEqualTo(nested);
    assertThat(((RlpItem.Items) item).items()).hasSize(3);
  }

  @Test
  void rejectsNonCanonicalForms() {
    String[] bad = {
        "8100", // single byte < 0x80 wrapped
        "817f",
        "b80100", // long form for a short string
        "b90000", // leading zero length
        "f800", // long list form for short list
        "83646f", // truncated
        "83646f6700", // trailing byte
        "c3836461", // list content runs past
        "", // empty
        "bc", // huge length of length
    };
    for (String h : bad) {
      assertThatThrownBy(() -> Rlp.decode(HEX.parseHex(h), 1000)).as(h).isInstanceOf(RlpException.class);
    }
  }

  @Test
  void boundsSizeAndDepth() {
    assertThatThrownBy(() -> Rlp.decode(new byte[11], 10)).isInstanceOf(RlpException.class);
    byte[] deep = HEX.parseHex("c0");
    for (int i = 0; i < 20; i++) {
      deep = Rlp.encodeList(List.of(deep));
    }
    byte[] d = deep;
    assertThatThrownBy(() -> Rlp.decode(d, 1000)).isInstanceOf(RlpException.class).hasMessageContaining("nested");
  }

  @Test
  void integersAreCanonical() {
    assertThat(Rlp.toUnsigned(new byte[0], "x")).isZero();
    assertThat(Rlp.toUnsigned(new byte[] {1, 0}, "x")).isEqualTo(256);
    assertThatThrownBy(() -> Rlp.toUnsigned(new byte[] {0, 1}, "x")).isInstanceOf(RlpException.class);
    assertThatThrownBy(() -> Rlp.toUnsigned(new byte[9], "x")).isInstanceOf(RlpException.class);
  }

  @Test
  void fuzzOnlyThrowsTypedException() {
    Random r = new Random(9);
    for (int i = 0; i < 20000; i++) {
      byte[] in = new byte[r.nextInt(80)];
      r.nextBytes(in);
      if (i % 2 == 0 && in.length > 0) {
        in[0] = (byte) (0xb8 + r.nextInt(16)); // long-form headers are the tricky part
      }
      try {
        RlpItem item = Rlp.decode(in, 1000);
        assertThat(item.encoded()).isEqualTo(in); // canonical: decoding then encoding is the identity
      } catch (RlpException expected) {
        // typed
      }
    }
  }
}
