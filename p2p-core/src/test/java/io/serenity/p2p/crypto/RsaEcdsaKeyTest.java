package io.serenity.p2p.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.FormatException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.junit.jupiter.api.Test;

class RsaEcdsaKeyTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void rsaPrivateKeyWithInconsistentCrtFieldsIsRejected() throws Exception {
    byte[] marshalled;
    try (InputStream in = getClass().getResourceAsStream("/peer-ids/rsa-private.hex")) {
      marshalled = HEX.parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
    }
    RsaPrivateKey good = (RsaPrivateKey) PrivateKey.unmarshal(marshalled);
    RSAPrivateKey k = RSAPrivateKey.getInstance(good.raw());
    byte[] bad = new RSAPrivateKey(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(),
        k.getPrime2(), k.getExponent1(), k.getExponent2(), k.getCoefficient().add(BigInteger.ONE))
        .getEncoded(ASN1Encoding.DER);
    assertThatThrownBy(() -> PrivateKey.fromRaw(KeyType.RSA, bad))
        .isInstanceOf(FormatException.class).hasMessageContaining("inconsistent");
  }

  @Test
  void smallRsaPublicKeysAreRejected() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    byte[] spki = g.generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.RSA, spki))
        .isInstanceOf(FormatException.class).hasMessageContaining("1024 bits");
  }

  @Test
  void ecdsaKeysFromTheJdkInteroperate() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair pair = g.generateKeyPair();
    PublicKey pub = PublicKey.fromRaw(KeyType.ECDSA, pair.getPublic().getEncoded());
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(pair.getPrivate());
    s.update(new byte[] {1, 2, 3});
    assertThat(pub.verify(new byte[] {1, 2, 3}, s.sign())).isTrue();
    assertThat(pub.verify(new byte[] {1, 2, 3}, new byte[] {0x30, 0})).isFalse();
    assertThat(PublicKey.unmarshal(pub.marshal())).isEqualTo(pub);
  }

  @Test
  void generatingRsaOrEcdsaAndSavingNonSecpKeysAsHexAreUnsupported() {
    assertThatThrownBy(() -> PrivateKey.generate(KeyType.RSA)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> PrivateKey.fromSeed(KeyType.ECDSA, 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> PrivateKey.fromSeed(KeyType.ED25519, 1).saveHex(java.nio.file.Path.of("unused")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
