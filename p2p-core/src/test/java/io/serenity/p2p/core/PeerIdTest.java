package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PeerIdTest {
  private static final HexFormat HEX = HexFormat.of();

  // libp2p/specs peer-ids.md "Decoding" examples.
  @Test
  void specCidExampleDecodesToTheSameIdAsItsBase58Form() {
    PeerId fromCid = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    PeerId fromB58 = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    assertThat(fromCid).isEqualTo(fromB58).hasSameHashCodeAs(fromB58);
    assertThat(HEX.formatHex(fromB58.toBytes()))
        .isEqualTo("12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
    assertThat(fromB58.toCid()).isEqualTo("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    assertThat(fromB58.extractPublicKey()).isEmpty();
  }

  @Test
  void specIdentityExampleInlinesAnEd25519Key() {
    PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    assertThat(id.toBytes()).hasSize(38);
    PublicKey key = id.extractPublicKey().orElseThrow();
    assertThat(key.type()).isEqualTo(KeyType.ED25519);
    assertThat(PeerId.fromPublicKey(key)).isEqualTo(id);
    assertThat(id.toCid()).isEqualTo("bafzaajaiaejcal72gwuz2or47oyxxn6b3rkwdmmkrxgkjxzy3rqt5kczyn7lcm3l");
    assertThat(id.toString()).isEqualTo("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
  }

  @Test
  void secp256k1IdsUseIdentityMultihashAndStartWith16Uiu2() {
    for (long seed = 0; seed < 20; seed++) {
      PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, seed);
      PeerId id = PeerId.fromPublicKey(key.publicKey());
      assertThat(id.toBase58()).startsWith("16Uiu2HA");
      assertThat(id.toCid()).startsWith("bafzaa");
      assertThat(id.extractPublicKey()).contains(key.publicKey());
      assertThat(id.matches(key.publicKey())).isTrue();
      assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
      assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
      assertThat(PeerId.parse("z" + Base58.encode(HEX.parseHex("0172" + HEX.formatHex(id.toBytes()))))).isEqualTo(id);
    }
    assertThat(PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, 1).publicKey()).toBase58())
        .startsWith("12D3KooW");
  }

  @Test
  void parseNamesTheOffsetOfBadBase58() {
    assertThatThrownBy(() -> PeerId.parse("16Uiu2H0mLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY"))
        .isInstanceOf(FormatException.class).hasMessage("bad base58 in peer id at offset 7");
  }

  @Test
  void parseRejectsWrongCodecVersionPrefixAndEmpty() {
    PeerId id = PeerId.random();
    String dagPb = Multibase.encode(Multibase.Encoding.BASE32, HEX.parseHex("0170" + HEX.formatHex(id.toBytes())));
    assertThatThrownBy(() -> PeerId.parse(dagPb)).isInstanceOf(FormatException.class)
        .hasMessageContaining("libp2p-key");
    String v2 = Multibase.encode(Multibase.Encoding.BASE32, HEX.parseHex("0272" + HEX.formatHex(id.toBytes())));
    assertThatThrownBy(() -> PeerId.parse(v2)).isInstanceOf(FormatException.class).hasMessageContaining("CIDv1");
    assertThatThrownBy(() -> PeerId.parse("")).isInstanceOf(FormatException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> PeerId.parse("foo")).isInstanceOf(FormatException.class).hasMessageContaining("prefix 'f'");
    assertThatThrownBy(() -> PeerId.parse("bAFZ")).isInstanceOf(FormatException.class).hasMessageContaining("base32");
    assertThatThrownBy(() -> PeerId.parse("1".repeat(300))).isInstanceOf(FormatException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void fromBytesRejectsBadMultihashes() {
    assertThatThrownBy(() -> PeerId.fromBytes(new byte[0])).isInstanceOf(FormatException.class)
        .hasMessageContaining("bad peer id multihash");
    assertThatThrownBy(() -> PeerId.fromBytes(HEX.parseHex("1114" + "00".repeat(20))))
        .isInstanceOf(FormatException.class).hasMessageContaining("identity or sha2-256");
    assertThatThrownBy(() -> PeerId.fromBytes(HEX.parseHex("0003010203")))
        .isInstanceOf(FormatException.class).hasMessageContaining("invalid public key");
  }

  @Test
  void aValidInlinedKeySeenBeforeIsStillCheckedByteForByte() {
    PeerId id = PeerId.random();
    byte[] good = id.toBytes();
    assertThat(PeerId.fromBytes(good)).isEqualTo(id);
    assertThat(PeerId.fromBytes(good)).isEqualTo(id); // from the cache of valid ids
    // one bit off in the key: not the cached id, so decoded and refused every time
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 0x01;
    bad[6] = 0x05; // the compressed point's prefix byte (after 00 25 08 02 12 21): only 02 and 03 are valid
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> PeerId.fromBytes(bad)).isInstanceOf(FormatException.class)
          .hasMessageContaining("invalid public key");
    }
    // the caller's array is not the id's: changing it later changes neither the id nor the cache
    byte[] mine = good.clone();
    PeerId fromMine = PeerId.fromBytes(mine);
    mine[mine.length - 1] ^= 0x01;
    assertThat(fromMine).isEqualTo(id);
    assertThat(PeerId.fromBytes(good)).isEqualTo(id);
  }

  @Test
  void valueEqualityAndDefensiveCopies() {
    PeerId id = PeerId.random();
    byte[] b = id.toBytes();
    b[3] ^= 1;
    assertThat(id.toBytes()).isNotEqualTo(b);
    assertThat(PeerId.parse(id.toString())).isEqualTo(id);
    assertThat(id).isNotEqualTo(PeerId.random());
  }
}
