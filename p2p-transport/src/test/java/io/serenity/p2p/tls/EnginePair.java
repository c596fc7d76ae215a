package io.serenity.p2p.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/** Two libp2p TLS 1.3 engines (as {@link TlsSecurity} makes them) handshaking through in-memory buffers, for the manager tests. */
final class EnginePair {

  static SSLEngine engine(Libp2pKeyManager km, Libp2pTrustManager tm, boolean client) throws Exception {
    SSLContext ctx = TlsSecurity.context(km, tm);
    SSLEngine e = ctx.createSSLEngine();
    e.setUseClientMode(client);
    e.setEnabledProtocols(new String[] {"TLSv1.3"});
    if (!client) {
      e.setNeedClientAuth(true);
    }
    return e;
  }

  /** Runs the handshake to its end; throws what either engine throws. */
  static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    ByteBuffer c2s = ByteBuffer.allocate(1 << 17);
    ByteBuffer s2c = ByteBuffer.allocate(1 << 17);
    ByteBuffer sink = ByteBuffer.allocate(1 << 17);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 50; round++) {
      client.wrap(empty, c2s);
      tasks(client);
      server.wrap(empty, s2c);
      tasks(server);
      c2s.flip();
      while (c2s.hasRemaining()) {
        sink.clear();
        if (server.unwrap(c2s, sink).bytesConsumed() == 0) {
          break;
        }
        tasks(server);
      }
      c2s.compact();
      s2c.flip();
      while (s2c.hasRemaining()) {
        sink.clear();
        if (client.unwrap(s2c, sink).bytesConsumed() == 0) {
          break;
        }
        tasks(client);
      }
      s2c.compact();
      if (done(client) && done(server) && c2s.position() == 0 && s2c.position() == 0) {
        return;
      }
    }
    throw new SSLException("handshake did not finish in 50 rounds");
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static void tasks(SSLEngine e) {
    Runnable r;
    while ((r = e.getDelegatedTask()) != null) {
      r.run();
    }
  }

  private EnginePair() {}
}
