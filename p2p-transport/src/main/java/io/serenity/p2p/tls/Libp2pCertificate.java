package io.serenity.p2p.tls;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The self-signed X.509 certificate of the libp2p TLS handshake (libp2p/specs tls/tls.md): a
 * certificate key of its own (ECDSA P-256, unrelated to the host key) and the libp2p Public Key
 * Extension, in which the host key signs that certificate key. Peers learn our identity from the
 * extension; TLS itself proves possession of the certificate key.
 *
 * <p>{@link #create} builds ours: serial a random positive 62-bit number, subject and issuer one
 * {@code SERIALNUMBER} attribute, valid from one hour before now (clock skew) for 100 years,
 * {@code SHA256withECDSA}, one extension only, ours, not critical. {@link #verify} checks a received
 * one, in the spec's order, and yields the host key it authenticates:
 *
 * <ol>
 *   <li>exactly one certificate;
 *   <li>inside its validity window at {@code now};
 *   <li>its self-signature verifies with its own key;
 *   <li>no {@code issuerUniqueID} or {@code subjectUniqueID};
 *   <li>no critical extension but the libp2p one, and that one present exactly once;
 *   <li>the extension's value is the DER of {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING,
 *       signature OCTET STRING }}, strictly (no other encoding, no trailing bytes);
 *   <li>{@code publicKey} is a canonical libp2p {@code PublicKey} protobuf;
 *   <li>{@code signature} verifies under that key over {@code "libp2p-tls-handshake:"} followed by
 *       the certificate's DER {@code SubjectPublicKeyInfo}.
 * </ol>
 *
 * Any failure is a {@link CertificateException} naming the check; no other exception escapes.
 *
 * <pre>{@code
 * Libp2pCertificate ours = Libp2pCertificate.create(hostKey);
 * PublicKey remote = Libp2pCertificate.verify(receivedChain, Instant.now());
 * PeerId peer = PeerId.fromPublicKey(remote);
 * }</pre>
 */
public final class Libp2pCertificate {

  /** The OID of the libp2p Public Key Extension (IANA enterprise number 53594 of libp2p). */
  public static final String EXTENSION_OID = "1.3.6.1.4.1.53594.1.1";

  /** How long before its creation our certificate becomes valid: absorbs clock skew. */
  public static final Duration NOT_BEFORE_MARGIN = Duration.ofHours(1);

  /** How long our certificate stays valid (the value go and js use). */
  public static final Duration VALIDITY = Duration.ofDays(36_525);

  static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(EXTENSION_OID);
  static final byte[] SIGNATURE_PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private final X509Certificate certificate;
  private final java.security.PrivateKey certificateKey;
  private final PublicKey hostKey;

  private Libp2pCertificate(
      X509Certificate certificate, java.security.PrivateKey certificateKey, PublicKey hostKey) {
    this.certificate = certificate;
    this.certificateKey = certificateKey;
    this.hostKey = hostKey;
  }

  /**
   * A new certificate for {@code hostKey}, valid from an hour ago, with a fresh P-256 key.
   *
   * @param hostKey our libp2p identity key; it signs the certificate key
   * @return the certificate and its key
   */
  public static Libp2pCertificate create(PrivateKey hostKey) {
    return create(hostKey, Instant.now(), new SecureRandom());
  }

  /**
   * A new certificate for {@code hostKey}, valid from {@code now} minus {@link #NOT_BEFORE_MARGIN}
   * for {@link #VALIDITY}.
   *
   * @param hostKey our libp2p identity key; it signs the certificate key
   * @param now the time of creation
   * @param random randomness for the certificate key, serial number and signature
   * @return the certificate and its key
   */
  public static Libp2pCertificate create(PrivateKey hostKey, Instant now, SecureRandom random) {
    Objects.requireNonNull(hostKey, "hostKey");
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair pair = kpg.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      byte[] signedKey =
          new DERSequence(
                  new ASN1Encodable[] {
                    new DEROctetString(hostKey.publicKey().marshal()),
                    new DEROctetString(hostKey.sign(signedData(spki)))
                  })
              .getEncoded(ASN1Encoding.DER);
      BigInteger serial = new BigInteger(62, random).add(BigInteger.ONE);
      X500Name name =
          new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.SERIALNUMBER, serial.toString()).build();
      AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(serial));
      tbs.setSignature(algorithm);
      tbs.setIssuer(name);
      tbs.setSubject(name);
      // Time picks UTCTime up to 2049 and GeneralizedTime after, as RFC 5280 requires
      tbs.setStartDate(new Time(Date.from(now.minus(NOT_BEFORE_MARGIN))));
      tbs.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
      tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(spki));
      tbs.setExtensions(
          new Extensions(new Extension(EXTENSION, false, new DEROctetString(signedKey))));
      TBSCertificate body = tbs.generateTBSCertificate();
      Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
      signer.initSign(pair.getPrivate(), random);
      signer.update(body.getEncoded(ASN1Encoding.DER));
      ASN1EncodableVector cert = new ASN1EncodableVector();
      cert.add(body);
      cert.add(algorithm);
      cert.add(new DERBitString(signer.sign()));
      X509Certificate x509 = parse(new DERSequence(cert).getEncoded(ASN1Encoding.DER));
      return new Libp2pCertificate(x509, pair.getPrivate(), hostKey.publicKey());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create the libp2p TLS certificate: " + e, e);
    }
  }

  /** {@return the certificate, to send in the TLS handshake} */
  public X509Certificate certificate() {
    return certificate;
  }

  /** {@return the certificate's private key (P-256), which TLS uses in CertificateVerify} */
  public java.security.PrivateKey certificateKey() {
    return certificateKey;
  }

  /** {@return the host key the certificate carries} */
  public PublicKey hostKey() {
    return hostKey;
  }

  /** {@return the peer id of the host key} */
  public PeerId peerId() {
    return PeerId.fromPublicKey(hostKey);
  }

  /**
   * Parses one DER certificate and {@linkplain #verify(X509Certificate[], Instant) verifies} it.
   *
   * @param der the certificate's DER bytes
   * @param now the time to check the validity window against
   * @return the authenticated host key
   * @throws CertificateException when the bytes are no certificate or a check fails
   */
  public static PublicKey verify(byte[] der, Instant now) throws CertificateException {
    return verify(new X509Certificate[] {parse(der)}, now);
  }

  /**
   * Runs the checks listed on this class on a received certificate chain.
   *
   * @param chain the chain the peer sent; must hold exactly one certificate
   * @param now the time to check the validity window against
   * @return the authenticated host key; its {@link PeerId} is {@code PeerId.fromPublicKey(key)}
   * @throws CertificateException naming the check that failed
   */
  public static PublicKey verify(X509Certificate[] chain, Instant now) throws CertificateException {
    if (chain == null || chain.length != 1 || chain[0] == null) {
      throw new CertificateException(
          "libp2p TLS wants exactly one certificate, got " + (chain == null ? 0 : chain.length));
    }
    try {
      // parsed again from its bytes: the objects a TLS stack hands over may parse lazily, with a
      // parser that refuses the empty issuer names of other implementations' certificates
      X509Certificate cert = parse(chain[0].getEncoded());
      return check(cert, now);
    } catch (CertificateException e) {
      throw e;
    } catch (RuntimeException e) {
      // a malformed structure deep inside: fail closed, with the one exception type callers expect
      throw new CertificateException("malformed libp2p certificate: " + e, e);
    }
  }

  private static PublicKey check(X509Certificate cert, Instant now) throws CertificateException {
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateException e) {
      throw new CertificateException(
          "certificate not valid at " + now + " (valid " + cert.getNotBefore().toInstant() + " to "
              + cert.getNotAfter().toInstant() + ")", e);
    }
    try {
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new CertificateException("certificate self-signature does not verify: " + e.getMessage(), e);
    }
    if (cert.getIssuerUniqueID() != null || cert.getSubjectUniqueID() != null) {
      throw new CertificateException("certificate carries issuerUniqueID or subjectUniqueID");
    }
    TBSCertificate tbs;
    try {
      tbs = TBSCertificate.getInstance(ASN1Primitive.fromByteArray(cert.getTBSCertificate()));
    } catch (IOException | IllegalArgumentException e) {
      throw new CertificateException("cannot parse the certificate body: " + e.getMessage(), e);
    }
    byte[] signedKey = libp2pExtension(tbs.getExtensions());
    ASN1OctetString[] fields = parseSignedKey(signedKey);
    PublicKey hostKey;
    try {
      hostKey = PublicKey.unmarshal(fields[0].getOctets());
    } catch (FormatException e) {
      throw new CertificateException("bad host key in the libp2p extension: " + e.getMessage(), e);
    }
    byte[] spki;
    try {
      spki = tbs.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new CertificateException("cannot encode the certificate key: " + e.getMessage(), e);
    }
    if (!hostKey.verify(signedData(spki), fields[1].getOctets())) {
      throw new CertificateException(
          "the host key of " + PeerId.fromPublicKey(hostKey) + " did not sign the certificate key");
    }
    return hostKey;
  }

  /** The value of the one libp2p extension; refuses other critical extensions and duplicates. */
  private static byte[] libp2pExtension(Extensions extensions) throws CertificateException {
    if (extensions == null) {
      throw new CertificateException("certificate has no extensions, so no libp2p public key extension");
    }
    byte[] value = null;
    int found = 0;
    // Extensions keeps one entry per OID: walk the encoded sequence to see duplicates too
    ASN1Sequence all = ASN1Sequence.getInstance(extensions.toASN1Primitive());
    for (ASN1Encodable e : all) {
      Extension ext = Extension.getInstance(e);
      if (EXTENSION.equals(ext.getExtnId())) {
        found++;
        value = ext.getExtnValue().getOctets();
      } else if (ext.isCritical()) {
        throw new CertificateException("certificate has an unknown critical extension " + ext.getExtnId());
      }
    }
    if (found != 1) {
      throw new CertificateException(
          found == 0
              ? "certificate lacks the libp2p public key extension " + EXTENSION_OID
              : "certificate carries the libp2p public key extension " + found + " times");
    }
    return value;
  }

  /** The two octet strings of a strictly DER-encoded SignedKey. */
  private static ASN1OctetString[] parseSignedKey(byte[] der) throws CertificateException {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (!Arrays.equals(p.getEncoded(ASN1Encoding.DER), der)) {
        throw new CertificateException("libp2p extension value is not DER");
      }
      if (!(p instanceof ASN1Sequence seq) || seq.size() != 2
          || !(seq.getObjectAt(0) instanceof ASN1OctetString key)
          || !(seq.getObjectAt(1) instanceof ASN1OctetString sig)) {
        throw new CertificateException(
            "libp2p extension value is not SignedKey ::= SEQUENCE { OCTET STRING, OCTET STRING }");
      }
      return new ASN1OctetString[] {key, sig};
    } catch (IOException | IllegalArgumentException e) {
      throw new CertificateException("cannot parse the libp2p extension value: " + e.getMessage(), e);
    }
  }

  static byte[] signedData(byte[] spki) {
    byte[] data = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + spki.length);
    System.arraycopy(spki, 0, data, SIGNATURE_PREFIX.length, spki.length);
    return data;
  }

  /**
   * Parses one DER certificate with BouncyCastle's X.509 parser (a provider instance of our own, not
   * registered with the JVM). The JDK's parser refuses certificates with an empty issuer name, which
   * is what js-libp2p and rust-libp2p send (RFC 5280 wants a name; the libp2p spec does not).
   * BouncyCastle up to 1.84 accepts them; from 1.85 only with the system property {@code
   * org.bouncycastle.x509.allow_empty_issuer_cert=true}.
   */
  static X509Certificate parse(byte[] der) throws CertificateException {
    if (der == null || der.length == 0) {
      throw new CertificateException("empty certificate");
    }
    Certificate c;
    try {
      c = CertificateFactory.getInstance("X.509", Bc.PROVIDER)
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CertificateException("cannot parse the certificate: " + e, e);
    }
    if (c == null) {
      throw new CertificateException("no certificate in the bytes");
    }
    if (!(c instanceof X509Certificate x509)) {
      throw new CertificateException("not an X.509 certificate");
    }
    if (!Arrays.equals(x509.getEncoded(), der)) {
      throw new CertificateException("certificate bytes are not exactly one DER certificate");
    }
    return x509;
  }

  /** The BouncyCastle provider instance, made once on first use. */
  static final class Bc {
    static final java.security.Provider PROVIDER =
        new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private Bc() {}
  }
}
