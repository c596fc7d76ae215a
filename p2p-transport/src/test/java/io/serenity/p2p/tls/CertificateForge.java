package io.serenity.p2p.tls;

import io.serenity.p2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Builds libp2p-style certificates field by field, including the malformed ones a correct encoder
 * never writes (duplicate extensions, unique ids, foreign critical extensions), for the verification
 * tests and the fuzz target. The TBS is assembled by hand so nothing in between tidies it up.
 */
final class CertificateForge {

  static final ASN1ObjectIdentifier OTHER_OID = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.7");
  private static final KeyPair DEFAULT_KEY = certKey(1);

  /** A fixed P-256 certificate key from a seeded generator. */
  static KeyPair certKey(long seed) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), seeded(seed));
      return kpg.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER SignedKey for a host key over the SPKI of {@code certKey}. */
  static byte[] signedKey(PrivateKey host, KeyPair certKey) {
    return signedKey(host.publicKey().marshal(),
        host.sign(Libp2pCertificate.signedData(certKey.getPublic().getEncoded())));
  }

  static byte[] signedKey(byte[] publicKeyProto, byte[] signature) {
    return der(new DERSequence(new ASN1Encodable[] {
        new DEROctetString(publicKeyProto), new DEROctetString(signature)}));
  }

  static Extension libp2p(byte[] signedKey, boolean critical) {
    return new Extension(Libp2pCertificate.EXTENSION, critical, new DEROctetString(signedKey));
  }

  static Extension other(boolean critical) {
    return new Extension(OTHER_OID, critical, new DEROctetString(new byte[] {5, 0}));
  }

  /** Everything a certificate is made of; tests change one field at a time. */
  static final class Spec {
    KeyPair certKey = DEFAULT_KEY;
    Instant notBefore = Instant.parse("2020-01-01T00:00:00Z");
    Instant notAfter = Instant.parse("2120-01-01T00:00:00Z");
    List<Extension> extensions = new ArrayList<>();
    boolean issuerUniqueId;
    boolean subjectUniqueId;
    /** When set, signs with this key instead of the certificate key. */
    KeyPair signer;
    /** Subject and issuer. */
    X500Name name = new X500Name("SERIALNUMBER=1");

    Spec extension(Extension e) {
      extensions.add(e);
      return this;
    }

    byte[] build() {
      try {
        AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        ASN1EncodableVector tbs = new ASN1EncodableVector();
        tbs.add(new DERTaggedObject(true, 0, new ASN1Integer(2)));
        tbs.add(new ASN1Integer(BigInteger.valueOf(1234567)));
        tbs.add(alg);
        tbs.add(name);
        tbs.add(new DERSequence(new ASN1Encodable[] {
            new Time(Date.from(notBefore)), new Time(Date.from(notAfter))}));
        tbs.add(name);
        tbs.add(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(certKey.getPublic().getEncoded()));
        if (issuerUniqueId) {
          tbs.add(new DERTaggedObject(false, 1, new DERBitString(new byte[] {1, 2})));
        }
        if (subjectUniqueId) {
          tbs.add(new DERTaggedObject(false, 2, new DERBitString(new byte[] {3, 4})));
        }
        if (!extensions.isEmpty()) {
          tbs.add(new DERTaggedObject(true, 3, new DERSequence(extensions.toArray(new ASN1Encodable[0]))));
        }
        byte[] body = der(new DERSequence(tbs));
        Signature s = Signature.getInstance(Libp2pCertificate.SIGNATURE_ALGORITHM);
        s.initSign((signer != null ? signer : certKey).getPrivate(), seeded(9));
        s.update(body);
        ASN1EncodableVector cert = new ASN1EncodableVector();
        cert.add(new DERSequence(tbs));
        cert.add(alg);
        cert.add(new DERBitString(s.sign()));
        return der(new DERSequence(cert));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static byte[] der(ASN1Encodable e) {
    try {
      return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  private CertificateForge() {}
}
