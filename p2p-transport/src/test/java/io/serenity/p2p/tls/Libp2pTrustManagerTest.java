package io.serenity.p2p.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** The trust and key managers inside real JDK TLS 1.3 handshakes (engines over memory buffers). */
class Libp2pTrustManagerTest {

  private final PrivateKey clientHost = PrivateKey.generate(KeyType.ED25519);
  private final PrivateKey serverHost = PrivateKey.generate(KeyType.SECP256K1);
  private final Libp2pKeyManager clientKm = new Libp2pKeyManager(Libp2pCertificate.create(clientHost));
  private final Libp2pKeyManager serverKm = new Libp2pKeyManager(Libp2pCertificate.create(serverHost));

  @Test
  void mutualHandshakeRecordsBothHostKeys() throws Exception {
    Libp2pTrustManager clientTm = new Libp2pTrustManager();
    Libp2pTrustManager serverTm = new Libp2pTrustManager();
    SSLEngine client = EnginePair.engine(clientKm, clientTm, true);
    SSLEngine server = EnginePair.engine(serverKm, serverTm, false);
    clientTm.expect(client, PeerId.fromPublicKey(serverHost.publicKey()));
    EnginePair.handshake(client, server);
    assertThat(clientTm.remoteKey(client)).contains(serverHost.publicKey());
    assertThat(serverTm.remoteKey(server)).contains(clientHost.publicKey());
    assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
    clientTm.forget(client);
    assertThat(clientTm.remoteKey(client)).isEmpty();
  }

  @Test
  void clientExpectingAnotherPeerAbortsTheHandshake() throws Exception {
    Libp2pTrustManager clientTm = new Libp2pTrustManager();
    Libp2pTrustManager serverTm = new Libp2pTrustManager();
    SSLEngine client = EnginePair.engine(clientKm, clientTm, true);
    SSLEngine server = EnginePair.engine(serverKm, serverTm, false);
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    clientTm.expect(client, someoneElse);
    assertThatThrownBy(() -> EnginePair.handshake(client, server))
        .isInstanceOf(javax.net.ssl.SSLException.class)
        .hasStackTraceContaining("peer id mismatch");
    assertThat(clientTm.remoteKey(client)).isEmpty();
    assertThat(serverTm.remoteKey(server)).isEmpty();
  }

  @Test
  void serverRejectsAClientCertificateOutsideItsValidity() throws Exception {
    // the client's certificate becomes valid only in two hours (its clock runs ahead)
    Libp2pKeyManager early = new Libp2pKeyManager(Libp2pCertificate.create(
        clientHost, Instant.now().plus(java.time.Duration.ofHours(2)), new java.security.SecureRandom()));
    Libp2pTrustManager clientTm = new Libp2pTrustManager();
    Libp2pTrustManager serverTm = new Libp2pTrustManager();
    SSLEngine client = EnginePair.engine(early, clientTm, true);
    SSLEngine server = EnginePair.engine(serverKm, serverTm, false);
    assertThatThrownBy(() -> EnginePair.handshake(client, server))
        .isInstanceOf(javax.net.ssl.SSLException.class)
        .hasStackTraceContaining("not valid at");
    // the client had checked the server before it sent its own certificate
    assertThat(clientTm.remoteKey(client)).contains(serverHost.publicKey());
    assertThat(serverTm.remoteKey(server)).isEmpty();
  }

  @Test
  void fixedExpectedPeerAppliesToEveryCheck() throws Exception {
    X509Certificate[] chain = {serverKm.certificate().certificate()};
    Libp2pTrustManager right =
        new Libp2pTrustManager(Clock.systemUTC(), PeerId.fromPublicKey(serverHost.publicKey()));
    right.checkServerTrusted(chain, "UNKNOWN");
    Libp2pTrustManager wrong =
        new Libp2pTrustManager(Clock.systemUTC(), PeerId.fromPublicKey(clientHost.publicKey()));
    assertThatThrownBy(() -> wrong.checkServerTrusted(chain, "UNKNOWN"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("peer id mismatch");
    assertThatThrownBy(() -> wrong.checkClientTrusted(chain, "UNKNOWN", (java.net.Socket) null))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void clockDecidesValidity() {
    X509Certificate[] chain = {serverKm.certificate().certificate()};
    Libp2pTrustManager past =
        new Libp2pTrustManager(Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC), null);
    assertThatThrownBy(() -> past.checkClientTrusted(chain, "UNKNOWN"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("not valid at 2001");
  }

  @Test
  void keyManagerAnswersOnlyForTheCertificateKeyType() {
    assertThat(serverKm.chooseEngineServerAlias("EC", null, null)).isEqualTo(Libp2pKeyManager.ALIAS);
    assertThat(serverKm.chooseEngineServerAlias("EC/secp256r1", null, null)).isEqualTo(Libp2pKeyManager.ALIAS);
    assertThat(serverKm.chooseEngineServerAlias("EC/secp384r1", null, null)).isNull();
    assertThat(serverKm.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(serverKm.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null))
        .isEqualTo(Libp2pKeyManager.ALIAS);
    assertThat(serverKm.chooseEngineClientAlias(new String[] {"RSA"}, null, null)).isNull();
    assertThat(serverKm.getCertificateChain(Libp2pKeyManager.ALIAS))
        .containsExactly(serverKm.certificate().certificate());
    assertThat(serverKm.getCertificateChain("other")).isNull();
    assertThat(serverKm.getPrivateKey(Libp2pKeyManager.ALIAS)).isSameAs(serverKm.certificate().certificateKey());
    assertThat(new Libp2pTrustManager().getAcceptedIssuers()).isEmpty();
  }
}
