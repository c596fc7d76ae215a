/**
 * The libp2p TLS 1.3 handshake ({@code /tls/1.0.0}, libp2p/specs tls/tls.md): the self-signed
 * certificate carrying the host key ({@link io.serenity.p2p.tls.Libp2pCertificate}), the trust and
 * key managers any JSSE-style TLS stack can use ({@link io.serenity.p2p.tls.Libp2pTrustManager},
 * {@link io.serenity.p2p.tls.Libp2pKeyManager}), and the engines of the TCP security protocol on the
 * JDK's {@code SSLEngine} ({@link io.serenity.p2p.tls.TlsSecurity}).
 */
package io.serenity.p2p.tls;
