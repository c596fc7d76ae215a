package io.serenity.p2p.host;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

/** Test fixture: an echo protocol server and a client that streams data and digests the echo. */
public final class Echo {

  public static final String PROTOCOL_ID = "/test/echo/1.0.0";

  private Echo() {}

  /** Echoes every chunk back as it arrives; closes its side when the remote closes. */
  public static void serve(Stream s) {
    s.receive(
        new StreamReceiver() {
          @Override
          public void onData(Stream stream, ByteBuffer data) {
            stream.write(data);
          }

          @Override
          public void onEnd(Stream stream) {
            stream.closeWrite();
          }
        });
  }

  /**
   * Writes {@code data} in {@code chunk}-sized writes, each after the previous was accepted
   * (back-pressure), then half-closes; completes with the SHA-256 of everything echoed back.
   */
  public static CompletableFuture<byte[]> roundTrip(Stream s, byte[] data, int chunk) {
    CompletableFuture<byte[]> digest = new CompletableFuture<>();
    MessageDigest md = sha256();
    s.receive(
        new StreamReceiver() {
          @Override
          public void onData(Stream stream, ByteBuffer d) {
            md.update(d);
          }

          @Override
          public void onEnd(Stream stream) {
            digest.complete(md.digest());
          }

          @Override
          public void onReset(Stream stream) {
            digest.completeExceptionally(new IllegalStateException("reset: " + stream));
          }
        });
    writeFrom(s, data, 0, chunk)
        .thenCompose(v -> s.closeWrite())
        .exceptionally(
            e -> {
              digest.completeExceptionally(e);
              return null;
            });
    return digest;
  }

  private static CompletableFuture<Void> writeFrom(Stream s, byte[] data, int offset, int chunk) {
    if (offset >= data.length) {
      return CompletableFuture.completedFuture(null);
    }
    int n = Math.min(chunk, data.length - offset);
    return s.write(data, offset, n).thenCompose(v -> writeFrom(s, data, offset + n, chunk));
  }

  public static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
