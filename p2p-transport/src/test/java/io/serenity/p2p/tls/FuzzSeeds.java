package io.serenity.p2p.tls;

import static io.serenity.p2p.fuzz.FuzzSupport.with;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.HexFormat;

/** Seeds of the certificate fuzz target: our certificates, the spec vectors, one-field-wrong ones. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void write() {
    Class<?> t = Libp2pCertificateFuzzTest.class;
    Instant created = Instant.parse("2029-12-31T00:00:00Z");
    try {
      writeSeed(t, "verify", "ours-secp256k1", with(0, 0, Libp2pCertificate.create(
          Libp2pCertificateFuzzTest.SECP, created, CertificateForge.seeded(1)).certificate().getEncoded()));
      writeSeed(t, "verify", "ours-ed25519", with(0, 0, Libp2pCertificate.create(
          Libp2pCertificateFuzzTest.ED, created, CertificateForge.seeded(2)).certificate().getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    HexFormat hex = HexFormat.of();
    writeSeed(t, "verify", "spec-ed25519", with(0, 0, hex.parseHex(Libp2pCertificateTest.ED25519_VECTOR)));
    writeSeed(t, "verify", "spec-ecdsa", with(0, 0, hex.parseHex(Libp2pCertificateTest.ECDSA_VECTOR)));
    writeSeed(t, "verify", "spec-secp256k1", with(0, 0, hex.parseHex(Libp2pCertificateTest.SECP256K1_VECTOR)));
    writeSeed(t, "verify", "spec-invalid", with(0, 0, hex.parseHex(Libp2pCertificateTest.INVALID_VECTOR)));

    CertificateForge.Spec uid = new CertificateForge.Spec();
    uid.certKey = Libp2pCertificateFuzzTest.CERT_KEY;
    uid.issuerUniqueId = true;
    uid.extension(CertificateForge.libp2p(
        CertificateForge.signedKey(Libp2pCertificateFuzzTest.SECP, uid.certKey), false));
    writeSeed(t, "verify", "unique-id", with(0, 0, uid.build()));

    byte[] secp = CertificateForge.signedKey(Libp2pCertificateFuzzTest.SECP, Libp2pCertificateFuzzTest.CERT_KEY);
    byte[] ed = CertificateForge.signedKey(Libp2pCertificateFuzzTest.ED, Libp2pCertificateFuzzTest.CERT_KEY);
    writeSeed(t, "verify", "signed-key-secp256k1", with(1, 0, secp));
    writeSeed(t, "verify", "signed-key-ed25519-critical", with(1, 1, ed));
    writeSeed(t, "verify", "signed-key-other-extensions", with(1, 2 | 4, secp));
    writeSeed(t, "verify", "signed-key-twice", with(1, 8, ed));
  }
}
