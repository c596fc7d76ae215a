package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultihashTest {
  private static final HexFormat HEX = HexFormat.of();

  // multihash README example: sha2-256 of "Merkle–Damgård".
  @Test
  void sha256MatchesMultihashReadmeExample() {
    Multihash mh = Multihash.sha256("Merkle–Damgård".getBytes(StandardCharsets.UTF_8));
    assertThat(HEX.formatHex(mh.encode()))
        .isEqualTo("122041dd7b6443542e75701aa98a0c235951a28a0d851b11564d20022ab11d2589a8");
    assertThat(Multihash.decode(mh.encode())).isEqualTo(mh);
  }

  @Test
  void identityKeepsDataVerbatim() {
    Multihash mh = Multihash.identity(HEX.parseHex("0102"));
    assertThat(HEX.formatHex(mh.encode())).isEqualTo("00020102");
    assertThat(mh.code()).isEqualTo(Multihash.IDENTITY);
    assertThat(mh.digest()).containsExactly(1, 2);
  }

  @Test
  void recordCopiesAndComparesByContent() {
    byte[] d = {1, 2, 3};
    Multihash a = new Multihash(0, d);
    d[0] = 9;
    assertThat(a).isEqualTo(new Multihash(0, new byte[] {1, 2, 3}));
    assertThat(a.hashCode()).isEqualTo(new Multihash(0, new byte[] {1, 2, 3}).hashCode());
    a.digest()[1] = 9;
    assertThat(a.digest()).containsExactly(1, 2, 3);
  }

  @Test
  void decodeRejectsTruncatedTrailingAndWrongSha256Length() {
    assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("000301"))).isInstanceOf(FormatException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("00010102"))).isInstanceOf(FormatException.class)
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("120101"))).isInstanceOf(FormatException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> Multihash.decode(new byte[0])).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Multihash.decode(HEX.parseHex("00ff7f"))).isInstanceOf(FormatException.class)
        .hasMessageContaining("exceeds maximum");
  }
}
