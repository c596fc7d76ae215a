package io.serenity.p2p.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class Libp2pCertificateTest {

  /** Inside the spec vectors' validity window (1975-01-01T13:00Z to 4096-01-01T13:00Z). */
  static final Instant IN_WINDOW = Instant.parse("2026-06-01T00:00:00Z");

  // libp2p/specs tls/tls.md "Test vectors"
  static final String ED25519_VECTOR =
      "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078060a2b0601040183a25a0101046a3068042408011220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b90440d90d2769db992d5e6195dbb08e706b6651e024fda6cfb8846694a435519941cac215a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909300a06082a8648ce3d0403020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e702203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b77";
  static final String ECDSA_VECTOR =
      "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f2044730450220064ea8124774caf8f50e57f436aa62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb9222cb6cc51f954d04a4e2e5450f8805fe8918f71eaae300a06082a8648ce3d04030203470030440220799395b0b6c1e940a7e4484705f610ab51ed376f19ff9d7c16757cfbf61b8d4302206205c03fbb0f95205c779be86581d3e31c01871ad5d1f3435bcf375cb0e5088a";
  static final String SECP256K1_VECTOR =
      "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181307f060a2b0601040183a25a01010471306f0425080212210206dc6968726765b820f050263ececf7f71e4955892776c0970542efd689d2382044630440220145e15a991961f0d08cd15425bb95ec93f6ffa03c5a385eedc34ecf464c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de0666d1bcec2a4690dd300a06082a8648ce3d0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b8b27f93dc00ed58545d9fe022100b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6b5d46899cef0";
  static final String INVALID_VECTOR =
      "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f34303936303130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f204473045022100bb6e03577b7cc7a3cd1558df0da2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba24ee0362e490641ac45c240db71fe955f2c5cf8df6e300a06082a8648ce3d0403020348003045022100e847f267f43717358f850355bdcabbefb2cfbf8a3c043b203a14788a092fe8db022027c1d04a2d41fd6b57a7e8b3989e470325de4406e52e084e34a3fd56eef0d0df";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ED25519, " + ED25519_VECTOR + ", 12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv",
    "ECDSA, " + ECDSA_VECTOR + ", QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE",
    "SECP256K1, " + SECP256K1_VECTOR + ", 16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs",
  })
  void specVectorsAuthenticateTheirPeerIds(KeyType type, String cert, String peerId) throws Exception {
    PublicKey key = Libp2pCertificate.verify(hex(cert), IN_WINDOW);
    assertThat(key.type()).isEqualTo(type);
    assertThat(PeerId.fromPublicKey(key).toBase58()).isEqualTo(peerId);
  }

  @Test
  void specVectorsAreRejectedOutsideTheirValidityWindow() {
    assertThatThrownBy(() -> Libp2pCertificate.verify(hex(ED25519_VECTOR), Instant.parse("1975-01-01T12:59:59Z")))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not valid at");
    assertThatThrownBy(() -> Libp2pCertificate.verify(hex(ED25519_VECTOR), Instant.parse("4096-01-01T13:00:01Z")))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not valid at");
  }

  @Test
  void specInvalidVectorIsRejected() {
    // the host key did not sign this certificate's key
    assertThatThrownBy(() -> Libp2pCertificate.verify(hex(INVALID_VECTOR), IN_WINDOW))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("did not sign the certificate key");
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"SECP256K1", "ED25519"})
  void ourCertificateRoundTrips(KeyType type) throws Exception {
    PrivateKey host = PrivateKey.generate(type);
    Instant now = Instant.parse("2026-12-06T00:00:00Z");
    Libp2pCertificate ours = Libp2pCertificate.create(host, now, CertificateForge.seeded(3));
    X509Certificate cert = ours.certificate();
    assertThat(ours.peerId()).isEqualTo(PeerId.fromPublicKey(host.publicKey()));
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getSerialNumber().bitLength()).isLessThanOrEqualTo(63);
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Libp2pCertificate.NOT_BEFORE_MARGIN));
    // valid long past 2049: the end date is a GeneralizedTime
    assertThat(cert.getNotAfter().toInstant().atZone(ZoneOffset.UTC).getYear()).isGreaterThan(2120);
    assertThat(cert.getNonCriticalExtensionOIDs()).containsExactly(Libp2pCertificate.EXTENSION_OID);
    assertThat(cert.getCriticalExtensionOIDs()).isNullOrEmpty();
    // the certificate key is not the host key
    assertThat(cert.getPublicKey().getEncoded()).isNotEqualTo(host.publicKey().raw());

    for (Instant at : new Instant[] {now.minusSeconds(3599), now, now.plus(java.time.Duration.ofDays(365 * 99))}) {
      assertThat(Libp2pCertificate.verify(new X509Certificate[] {cert}, at)).isEqualTo(host.publicKey());
      assertThat(Libp2pCertificate.verify(cert.getEncoded(), at)).isEqualTo(host.publicKey());
    }
    assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[] {cert}, now.minusSeconds(3601)))
        .hasMessageContaining("not valid at");
  }

  @Test
  void eachCertificateHasItsOwnKey() {
    PrivateKey host = PrivateKey.generate(KeyType.ED25519);
    Libp2pCertificate a = Libp2pCertificate.create(host);
    Libp2pCertificate b = Libp2pCertificate.create(host);
    assertThat(a.certificate().getPublicKey()).isNotEqualTo(b.certificate().getPublicKey());
    assertThat(a.hostKey()).isEqualTo(b.hostKey());
  }

  // ---- refusals, each built with one field wrong (CertificateForge)

  private static final PrivateKey HOST = PrivateKey.fromSeed(KeyType.SECP256K1, 5);
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private static CertificateForge.Spec honest() {
    CertificateForge.Spec s = new CertificateForge.Spec();
    return s.extension(CertificateForge.libp2p(CertificateForge.signedKey(HOST, s.certKey), false));
  }

  private static PublicKey verify(CertificateForge.Spec spec) throws CertificateException {
    return Libp2pCertificate.verify(spec.build(), NOW);
  }

  private static void rejected(CertificateForge.Spec spec, String why) {
    assertThatThrownBy(() -> verify(spec)).isInstanceOf(CertificateException.class).hasMessageContaining(why);
  }

  @Test
  void theForgeBuildsAcceptableCertificates() throws Exception {
    // the baseline every refusal below changes in one place
    assertThat(verify(honest())).isEqualTo(HOST.publicKey());
  }

  @Test
  void criticalLibp2pExtensionAndUnknownNonCriticalOnesAreAccepted() throws Exception {
    CertificateForge.Spec s = new CertificateForge.Spec();
    s.extension(CertificateForge.other(false));
    s.extension(CertificateForge.libp2p(CertificateForge.signedKey(HOST, s.certKey), true));
    assertThat(verify(s)).isEqualTo(HOST.publicKey());
  }

  @Test
  void emptyIssuerAndSubjectAsJsAndRustSendThemAreAccepted() throws Exception {
    // RFC 5280 wants names, the libp2p spec does not; js-libp2p and rust-libp2p leave them empty
    CertificateForge.Spec s = new CertificateForge.Spec();
    s.name = new org.bouncycastle.asn1.x500.X500Name(new org.bouncycastle.asn1.x500.RDN[0]);
    s.extension(CertificateForge.libp2p(CertificateForge.signedKey(HOST, s.certKey), true));
    byte[] der = s.build();
    assertThat(Libp2pCertificate.verify(der, NOW)).isEqualTo(HOST.publicKey());
    // and when a TLS stack hands over its own (possibly lazily parsed) certificate object
    X509Certificate handed = Libp2pCertificate.parse(der);
    assertThat(Libp2pCertificate.verify(new X509Certificate[] {handed}, NOW)).isEqualTo(HOST.publicKey());
  }

  @Test
  void unknownCriticalExtensionIsRejected() {
    rejected(honest().extension(CertificateForge.other(true)), "unknown critical extension");
  }

  @Test
  void missingLibp2pExtensionIsRejected() {
    CertificateForge.Spec none = new CertificateForge.Spec();
    rejected(none, "no libp2p public key extension");
    rejected(new CertificateForge.Spec().extension(CertificateForge.other(false)), "lacks the libp2p public key extension");
  }

  @Test
  void duplicateLibp2pExtensionIsRejected() {
    CertificateForge.Spec s = honest();
    s.extension(s.extensions.get(0));
    assertThatThrownBy(() -> verify(s)).isInstanceOf(CertificateException.class);
  }

  @Test
  void tamperedHostSignatureIsRejected() {
    CertificateForge.Spec s = new CertificateForge.Spec();
    byte[] sig = HOST.sign(Libp2pCertificate.signedData(s.certKey.getPublic().getEncoded()));
    sig[sig.length - 1] ^= 1;
    s.extension(CertificateForge.libp2p(CertificateForge.signedKey(HOST.publicKey().marshal(), sig), false));
    rejected(s, "did not sign the certificate key");
  }

  @Test
  void hostSignatureOverAnotherCertificateKeyIsRejected() {
    CertificateForge.Spec s = new CertificateForge.Spec();
    KeyPair other = CertificateForge.certKey(2);
    s.extension(CertificateForge.libp2p(CertificateForge.signedKey(HOST, other), false));
    rejected(s, "did not sign the certificate key");
  }

  @Test
  void tamperedSelfSignatureIsRejected() throws Exception {
    byte[] der = honest().build();
    der[der.length - 1] ^= 1;
    assertThatThrownBy(() -> Libp2pCertificate.verify(der, NOW))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("self-signature");
    CertificateForge.Spec s = honest();
    s.signer = CertificateForge.certKey(3);
    rejected(s, "self-signature");
  }

  @Test
  void uniqueIdsAreRejected() {
    CertificateForge.Spec a = honest();
    a.issuerUniqueId = true;
    rejected(a, "UniqueID");
    CertificateForge.Spec b = honest();
    b.subjectUniqueId = true;
    rejected(b, "UniqueID");
  }

  @Test
  void expiredAndNotYetValidAreRejected() {
    CertificateForge.Spec a = honest();
    a.notAfter = NOW.minusSeconds(1);
    rejected(a, "not valid at");
    CertificateForge.Spec b = honest();
    b.notBefore = NOW.plusSeconds(1);
    rejected(b, "not valid at");
  }

  @Test
  void chainOfTwoAndEmptyChainAreRejected() throws Exception {
    X509Certificate one = Libp2pCertificate.parse(honest().build());
    assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[] {one, one}, NOW))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("exactly one certificate, got 2");
    assertThatThrownBy(() -> Libp2pCertificate.verify(new X509Certificate[0], NOW))
        .hasMessageContaining("exactly one certificate, got 0");
    assertThatThrownBy(() -> Libp2pCertificate.verify((X509Certificate[]) null, NOW))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void signedKeyMustBeStrictDer() {
    byte[] good = CertificateForge.signedKey(HOST, new CertificateForge.Spec().certKey);
    // trailing byte
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    CertificateForge.Spec a = new CertificateForge.Spec();
    rejected(a.extension(CertificateForge.libp2p(trailing, false)), "libp2p extension value");
    // long-form length where the short form fits: BER, not DER
    byte[] ber = new byte[good.length + 1];
    ber[0] = 0x30;
    ber[1] = (byte) 0x81;
    ber[2] = good[1];
    System.arraycopy(good, 2, ber, 3, good.length - 2);
    assertThat(good[1] & 0xff).isLessThan(128);
    CertificateForge.Spec b = new CertificateForge.Spec();
    rejected(b.extension(CertificateForge.libp2p(ber, false)), "not DER");
    // three fields
    CertificateForge.Spec c = new CertificateForge.Spec();
    byte[] three = CertificateForge.der(new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new org.bouncycastle.asn1.DEROctetString(new byte[1]),
        new org.bouncycastle.asn1.DEROctetString(new byte[1]),
        new org.bouncycastle.asn1.DEROctetString(new byte[1])}));
    rejected(c.extension(CertificateForge.libp2p(three, false)), "SignedKey");
  }

  @Test
  void badHostKeyProtobufIsRejected() {
    CertificateForge.Spec s = new CertificateForge.Spec();
    s.extension(CertificateForge.libp2p(CertificateForge.signedKey(new byte[] {8, 1, 18, 3, 1, 2, 3}, new byte[64]), false));
    rejected(s, "bad host key");
  }

  @Test
  void garbageAndTrailingBytesAreCertificateExceptions() {
    assertThatThrownBy(() -> Libp2pCertificate.verify(new byte[0], NOW)).isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> Libp2pCertificate.verify(new byte[] {0x30, 0x03, 1, 2, 3}, NOW))
        .isInstanceOf(CertificateException.class);
    byte[] good = honest().build();
    assertThatThrownBy(() -> Libp2pCertificate.verify(Arrays.copyOf(good, good.length + 2), NOW))
        .isInstanceOf(CertificateException.class);
  }
}
