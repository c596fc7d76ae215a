package io.serenity.p2p.host;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

/** Test fixture: an echo protocol server and a client that streams data and digests the echo. */
public final class Echo {

  public static final String PROTOCOL_ID = "/test/echo/1.0.0";

  private Echo() {}

  /** The largest write the echo server makes: what one stream can hold unread by the peer. */
  static final int SERVE_WRITE = 64 * 1024;

  /**
   * Echoes every chunk back in order, one write of at most {@link #SERVE_WRITE} bytes at a time:
   * each write is made once the previous one was accepted, so a stream never has more than 64 KiB
   * waiting for the peer. A muxer without flow control (mplex) may hand over a whole 1 MiB message
   * at once; echoing that in one write let 100 concurrent echo streams hold 100 MiB for a peer that
   * reads slowly, past the connection's write bound, which then resets streams. A write the muxer
   * refuses resets the stream, so a lost chunk shows as a reset, never as a silently short echo.
   * Closes its side after the last chunk once the remote closed.
   */
  public static void serve(Stream s) {
    s.receive(
        new StreamReceiver() {
          // the last write (or the close) queued; touched on the connection's event loop only
          private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

          @Override
          public void onData(Stream stream, ByteBuffer data) {
            byte[] copy = new byte[data.remaining()]; // the buffer is only valid during this call
            data.get(copy);
            for (int off = 0; off < copy.length; off += SERVE_WRITE) {
              int from = off;
              int n = Math.min(SERVE_WRITE, copy.length - off);
              tail = tail.thenCompose(v -> stream.write(copy, from, n));
            }
            tail.exceptionally(
                e -> {
                  stream.reset();
                  return null;
                });
          }

          @Override
          public void onEnd(Stream stream) {
            tail = tail.thenCompose(v -> stream.closeWrite());
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
