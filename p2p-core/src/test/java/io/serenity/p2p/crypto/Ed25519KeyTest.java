package io.serenity.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.FormatException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Ed25519KeyTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
  @Test
  void signMatchesRfc8032Vector() {
    PrivateKey key = PrivateKey.fromRaw(KeyType.ED25519,
        HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    assertThat(HEX.formatHex(key.publicKey().raw()))
        .isEqualTo("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    byte[] sig = key.sign(new byte[] {0x72});
    assertThat(HEX.formatHex(sig)).isEqualTo("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    assertThat(key.publicKey().verify(new byte[] {0x72}, sig)).isTrue();
    assertThat(key.publicKey().verify(new byte[] {0x73}, sig)).isFalse();
    assertThat(key.publicKey().verify(new byte[] {0x72}, new byte[63])).isFalse();
    assertThat(key.publicKey().verify(new byte[] {0x72}, new byte[64])).isFalse();
  }

  // WIRE-REFERENCE A.3 (vectors.py, computed with Python `cryptography`): the Noise transcript's identity key.
  @Test
  void seedGivesTheReferencePublicKeyAndPeerId() {
    PrivateKey key = PrivateKey.fromRaw(KeyType.ED25519, HEX.parseHex("11".repeat(32)));
    assertThat(HEX.formatHex(key.publicKey().raw()))
        .isEqualTo("d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737");
    assertThat(io.serenity.p2p.core.PeerId.fromPublicKey(key.publicKey()).toString())
        .isEqualTo("12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz");
  }

  @Test
  void marshalUsesSeedAndPublicAndAcceptsLegacy96ByteForm() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.ED25519, 3);
    byte[] marshalled = key.marshal();
    assertThat(marshalled).hasSize(4 + 64);
    assertThat(key.raw()).hasSize(32);
    byte[] pub = key.publicKey().raw();
    byte[] legacy = new byte[96];
    System.arraycopy(key.raw(), 0, legacy, 0, 32);
    System.arraycopy(pub, 0, legacy, 32, 32);
    System.arraycopy(pub, 0, legacy, 64, 32);
    byte[] legacyPb = new byte[4 + 96];
    legacyPb[0] = 0x08;
    legacyPb[1] = 0x01;
    legacyPb[2] = 0x12;
    legacyPb[3] = 96;
    System.arraycopy(legacy, 0, legacyPb, 4, 96);
    PrivateKey fromLegacy = PrivateKey.unmarshal(legacyPb);
    assertThat(fromLegacy).isEqualTo(key);
    assertThat(fromLegacy.marshal()).isEqualTo(marshalled);
  }

  @Test
  void rejectsMismatchedPublicHalves() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.ED25519, 4);
    byte[] data = new byte[64];
    System.arraycopy(key.raw(), 0, data, 0, 32);
    System.arraycopy(PrivateKey.fromSeed(KeyType.ED25519, 5).publicKey().raw(), 0, data, 32, 32);
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.ED25519, data))
        .isInstanceOf(FormatException.class).hasMessageContaining("does not match");
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.ED25519, new byte[33]))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.ED25519, new byte[31]))
        .isInstanceOf(FormatException.class).hasMessageContaining("32 bytes");
  }

  @Test
  void roundTripsThroughAllForms() {
    PrivateKey key = PrivateKey.generate(KeyType.ED25519);
    assertThat(PrivateKey.unmarshal(key.marshal())).isEqualTo(key);
    assertThat(PrivateKey.fromRaw(KeyType.ED25519, key.raw())).isEqualTo(key);
    assertThat(PublicKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
    assertThat(key.publicKey().marshal()).hasSize(36);
    byte[] sig = key.sign(new byte[0]);
    assertThat(sig).hasSize(64);
    assertThat(key.publicKey().verify(new byte[0], sig)).isTrue();
  }
}
