package io.serenity.p2p.discv5.crypto;

import static io.serenity.p2p.discv5.WireVectors.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.discv5.Discv5Exception;
import org.junit.jupiter.api.Test;

/** discv5-wire-test-vectors.md, "Cryptographic Primitives", each compared byte for byte. */
class CryptoVectorsTest {

  @Test
  void ecdhGivesTheCompressedSharedPoint() {
    assertThat(Secp256k1.ecdh(ECDH_PUBLIC_KEY, ECDH_SECRET_KEY)).isEqualTo(ECDH_SHARED_SECRET);
  }

  @Test
  void ecdhIsSymmetric() {
    byte[] a = RandomSource.secure().ephemeralKey();
    byte[] b = RandomSource.secure().ephemeralKey();
    assertThat(Secp256k1.ecdh(Secp256k1.publicKey(b), a)).isEqualTo(Secp256k1.ecdh(Secp256k1.publicKey(a), b));
  }

  @Test
  void keyDerivationFromTheInitiatorSide() {
    SessionKeys keys = KeyDerivation.initiate(KDF_EPHEMERAL_KEY, KDF_DEST_PUBKEY, WHOAREYOU_CHALLENGE_DATA_SEQ0,
        NODE_A_ID, NODE_B_ID);
    assertThat(keys.initiatorKey()).isEqualTo(KDF_INITIATOR_KEY);
    assertThat(keys.recipientKey()).isEqualTo(KDF_RECIPIENT_KEY);
  }

  @Test
  void keyDerivationAgreesOnBothSides() {
    byte[] bKey = RandomSource.secure().ephemeralKey();
    byte[] eph = RandomSource.secure().ephemeralKey();
    SessionKeys a = KeyDerivation.initiate(eph, Secp256k1.publicKey(bKey), WHOAREYOU_CHALLENGE_DATA_SEQ0,
        NODE_A_ID, NODE_B_ID);
    SessionKeys b = KeyDerivation.respond(bKey, Secp256k1.publicKey(eph), WHOAREYOU_CHALLENGE_DATA_SEQ0,
        NODE_A_ID, NODE_B_ID);
    assertThat(b).isEqualTo(a);
  }

  /** RFC 6979 nonces on both sides, so the signature matches byte for byte, not only verifies. */
  @Test
  void idSignatureMatchesTheVector() {
    byte[] sig = IdSignature.sign(SIGN_STATIC_KEY, WHOAREYOU_CHALLENGE_DATA_SEQ0, SIGN_EPHEMERAL_PUBKEY, NODE_B_ID);
    assertThat(sig).isEqualTo(ID_SIGNATURE);
  }

  @Test
  void idSignatureVerifiesAndBindsEveryInput() {
    byte[] pub = Secp256k1.publicKey(SIGN_STATIC_KEY);
    assertThat(IdSignature.verify(pub, ID_SIGNATURE, WHOAREYOU_CHALLENGE_DATA_SEQ0, SIGN_EPHEMERAL_PUBKEY, NODE_B_ID))
        .isTrue();
    assertThat(IdSignature.verify(pub, ID_SIGNATURE, WHOAREYOU_CHALLENGE_DATA_SEQ1, SIGN_EPHEMERAL_PUBKEY, NODE_B_ID))
        .as("other challenge").isFalse();
    assertThat(IdSignature.verify(pub, ID_SIGNATURE, WHOAREYOU_CHALLENGE_DATA_SEQ0, EPHEMERAL_PUBKEY, NODE_B_ID))
        .as("other ephemeral key").isFalse();
    assertThat(IdSignature.verify(pub, ID_SIGNATURE, WHOAREYOU_CHALLENGE_DATA_SEQ0, SIGN_EPHEMERAL_PUBKEY, NODE_A_ID))
        .as("other recipient").isFalse();
    assertThat(IdSignature.verify(Secp256k1.publicKey(NODE_A_KEY), ID_SIGNATURE, WHOAREYOU_CHALLENGE_DATA_SEQ0,
        SIGN_EPHEMERAL_PUBKEY, NODE_B_ID)).as("other signer").isFalse();
  }

  @Test
  void aesGcmSealsToTheVectorWithTheTagAppended() {
    assertThat(AesGcm.seal(GCM_KEY, GCM_NONCE, GCM_PT, GCM_AD)).isEqualTo(GCM_CIPHERTEXT);
    assertThat(AesGcm.open(GCM_KEY, GCM_NONCE, GCM_CIPHERTEXT, GCM_AD)).isEqualTo(GCM_PT);
  }

  @Test
  void aesGcmRefusesTamperedInput() {
    byte[] flipped = GCM_CIPHERTEXT.clone();
    flipped[0] ^= 1;
    assertThatThrownBy(() -> AesGcm.open(GCM_KEY, GCM_NONCE, flipped, GCM_AD)).isInstanceOf(Discv5Exception.class);
    byte[] otherAd = GCM_AD.clone();
    otherAd[31] ^= 1;
    assertThatThrownBy(() -> AesGcm.open(GCM_KEY, GCM_NONCE, GCM_CIPHERTEXT, otherAd))
        .isInstanceOf(Discv5Exception.class);
    assertThatThrownBy(() -> AesGcm.open(GCM_KEY, GCM_NONCE, new byte[15], GCM_AD))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("shorter than the GCM tag");
  }
}
