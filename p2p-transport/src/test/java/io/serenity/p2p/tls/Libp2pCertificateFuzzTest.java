package io.serenity.p2p.tls;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

/**
 * Fuzz target of {@link Libp2pCertificate#verify}, what both roles of the TLS handshake run on the
 * peer's certificate. Byte 0 picks the mode, byte 1 holds flags, the rest is the input.
 *
 * <ul>
 *   <li>Mode 0: the rest is a whole DER certificate (seeds: ours for each known host key, the spec's
 *       test vectors, certificates with one field wrong).
 *   <li>Mode 1: the rest is the value of the libp2p extension (a {@code SignedKey}) inside a
 *       certificate the harness builds and self-signs with a fixed P-256 key; flag bit 0 marks the
 *       extension critical, bit 1 adds an unknown non-critical extension, bit 2 an unknown critical
 *       one, bit 3 adds the libp2p extension a second time.
 * </ul>
 *
 * Invariant: the only exception is {@link CertificateException}; nothing forged is accepted. The
 * fuzzer knows no private key, so every accepted certificate must authenticate one of the host keys
 * whose signatures the seeds carry (a self-signature that verifies means an unchanged body, a host
 * signature that verifies means a key that signed), and, in mode 1, none of flags 2 and 3 is set.
 */
class Libp2pCertificateFuzzTest {

  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final PrivateKey SECP = PrivateKey.fromSeed(KeyType.SECP256K1, 21);
  static final PrivateKey ED = PrivateKey.fromSeed(KeyType.ED25519, 22);
  static final KeyPair CERT_KEY = CertificateForge.certKey(23);
  private static final Set<String> KNOWN = Set.of(
      hex(SECP.publicKey().marshal()),
      hex(ED.publicKey().marshal()),
      // the host keys of the spec's three valid test vectors
      "08011220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b9",
      "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f2",
      "080212210206dc6968726765b820f050263ececf7f71e4955892776c0970542efd689d2382");

  @FuzzTest(maxDuration = "10s")
  void verify(byte[] data) throws Exception {
    int mode = u8(data, 0) % 2;
    int flags = u8(data, 1);
    byte[] input = rest(data, 2);
    PublicKey accepted;
    try {
      byte[] der = mode == 0 ? input : certificateAround(input, flags);
      // DER parsing allocates a few times the input; the signature checks a bounded amount
      accepted = allocationCheck(der);
    } catch (CertificateException e) {
      return;
    } catch (Throwable t) {
      expectOnly(t, data, CertificateException.class);
      return;
    }
    assertThat(KNOWN).as("accepted a certificate of a key that signed nothing in the seeds: %s",
        HexFormat.of().formatHex(data)).contains(hex(accepted.marshal()));
    if (mode == 1) {
      assertThat(flags & 0b1100).as("accepted an unknown critical or a duplicate extension").isZero();
    }
  }

  private static PublicKey allocationCheck(byte[] der) throws Exception {
    PublicKey[] out = new PublicKey[1];
    allocationAtMost(64L * der.length + (256 << 10), () -> "verify on " + der.length + " bytes",
        () -> out[0] = Libp2pCertificate.verify(der, NOW));
    return out[0];
  }

  /** A certificate self-signed by {@link #CERT_KEY} carrying {@code signedKey} as described. */
  static byte[] certificateAround(byte[] signedKey, int flags) {
    CertificateForge.Spec s = new CertificateForge.Spec();
    s.certKey = CERT_KEY;
    if ((flags & 2) != 0) {
      s.extension(CertificateForge.other(false));
    }
    s.extension(CertificateForge.libp2p(signedKey, (flags & 1) != 0));
    if ((flags & 4) != 0) {
      s.extension(CertificateForge.other(true));
    }
    if ((flags & 8) != 0) {
      s.extension(CertificateForge.libp2p(signedKey, false));
    }
    return s.build();
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
