package io.serenity.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyProtobufTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String SECP_PUB = "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";

  @Test
  void marshalIsTypeThenDataInOrder() {
    byte[] pb = PrivateKey.fromSeed(KeyType.SECP256K1, 9).publicKey().marshal();
    assertThat(pb[0]).isEqualTo((byte) 0x08);
    assertThat(pb[1]).isEqualTo((byte) 0x02);
    assertThat(pb[2]).isEqualTo((byte) 0x12);
    assertThat(pb[3]).isEqualTo((byte) 33);
  }

  @Test
  void rejectsNonCanonicalEncodings() {
    // Fields reversed: valid protobuf, but a different byte string would give a different peer id.
    String reversed = "1221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca990802";
    assertThatThrownBy(() -> PublicKey.unmarshal(HEX.parseHex(reversed)))
        .isInstanceOf(FormatException.class).hasMessageContaining("not canonically encoded");
    assertThatThrownBy(() -> PublicKey.unmarshal(HEX.parseHex(SECP_PUB + "1801")))
        .isInstanceOf(FormatException.class).hasMessageContaining("not canonically encoded");
  }

  @Test
  void rejectsMalformedAndUnknownTypes() {
    assertThatThrownBy(() -> PublicKey.unmarshal(new byte[0])).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PublicKey.unmarshal(HEX.parseHex("0802")))
        .isInstanceOf(FormatException.class).hasMessageContaining("malformed");
    assertThatThrownBy(() -> PublicKey.unmarshal(HEX.parseHex("080912020102"))).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PublicKey.unmarshal(HEX.parseHex(SECP_PUB.substring(0, SECP_PUB.length() - 2))))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PrivateKey.unmarshal(HEX.parseHex("080212020102")))
        .isInstanceOf(FormatException.class).hasMessageContaining("32 bytes");
  }

  @Test
  void saveHexAndLoadHexRoundTripSecp256k1(@TempDir Path dir) throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 11);
    Path file = dir.resolve("node.key");
    key.saveHex(file);
    assertThat(Files.readString(file)).isEqualTo(HEX.formatHex(key.raw()));
    assertThat(PrivateKey.loadHex(file)).isEqualTo(key);
    Files.writeString(file, "  " + HEX.formatHex(key.raw()) + "\n");
    assertThat(PrivateKey.loadHex(file)).isEqualTo(key);
    Files.writeString(file, "zz");
    assertThatThrownBy(() -> PrivateKey.loadHex(file)).isInstanceOf(FormatException.class).hasMessageContaining("hex");
    Files.writeString(file, "00".repeat(32));
    assertThatThrownBy(() -> PrivateKey.loadHex(file)).isInstanceOf(FormatException.class);
  }

  @Test
  void keyTypeCodesMatchTheSpec() {
    assertThat(KeyType.RSA.code()).isZero();
    assertThat(KeyType.ED25519.code()).isEqualTo(1);
    assertThat(KeyType.SECP256K1.code()).isEqualTo(2);
    assertThat(KeyType.ECDSA.code()).isEqualTo(3);
    assertThat(KeyType.fromCode(2)).isEqualTo(KeyType.SECP256K1);
    assertThatThrownBy(() -> KeyType.fromCode(4)).isInstanceOf(FormatException.class);
  }
}
