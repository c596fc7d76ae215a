package io.serenity.p2p.quic;

import io.serenity.p2p.core.internal.RateLimitedLog;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes every check to the libp2p trust manager and logs why a certificate was refused (at most 5
 * lines a minute): BoringSSL reports only {@code CERTIFICATE_VERIFY_FAILED} to both sides, so the
 * reason would otherwise be lost.
 */
final class RefusalLoggingTrustManager extends X509ExtendedTrustManager {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalLoggingTrustManager.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final X509ExtendedTrustManager delegate;

  RefusalLoggingTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private static void logged(String who, Check check) throws CertificateException {
    try {
      check.run();
    } catch (CertificateException | RuntimeException e) {
      RLOG.info("quic: refusing the {} certificate: {}", who, e.getMessage());
      throw e;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    logged("client's", () -> delegate.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    logged("server's", () -> delegate.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    logged("client's", () -> delegate.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    logged("server's", () -> delegate.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    logged("client's", () -> delegate.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    logged("server's", () -> delegate.checkServerTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
