package io.serenity.p2p.mux;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * Test handler: keeps every received byte (or only a checksum) and exposes the stream's inbound
 * events as futures, so tests await events instead of sleeping.
 */
public final class RecordingHandler implements MuxedStreamHandler {
  private final boolean keepBytes;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CRC32C crc = new CRC32C();
  private long received;
  private int remoteCloseCount;
  private int resetCount;
  private Throwable misuse;

  /** Completes on onRemoteClose with the number of bytes received before it. */
  public final CompletableFuture<Long> remoteClosed = new CompletableFuture<>();

  /** Completes on onReset. */
  public final CompletableFuture<Void> reset = new CompletableFuture<>();

  /** Completes once at least {@link #awaitedBytes} bytes have arrived. */
  public final CompletableFuture<Void> gotAwaitedBytes = new CompletableFuture<>();

  private volatile long awaitedBytes = Long.MAX_VALUE;

  public RecordingHandler(boolean keepBytes) {
    this.keepBytes = keepBytes;
  }

  public RecordingHandler() {
    this(true);
  }

  /** Makes {@link #gotAwaitedBytes} complete after {@code n} bytes. */
  public RecordingHandler awaitBytes(long n) {
    awaitedBytes = n;
    if (receivedBytes() >= n) {
      gotAwaitedBytes.complete(null);
    }
    return this;
  }

  @Override
  public synchronized void onData(MuxedStream stream, ByteBuf data) {
    try {
      if (remoteCloseCount > 0 || resetCount > 0) {
        misuse = new AssertionError("data after remote close or reset on stream " + stream.id());
      }
      int n = data.readableBytes();
      byte[] chunk = new byte[n];
      data.readBytes(chunk);
      crc.update(chunk);
      if (keepBytes) {
        bytes.writeBytes(chunk);
      }
      received += n;
      if (received >= awaitedBytes) {
        gotAwaitedBytes.complete(null);
      }
    } finally {
      data.release();
    }
  }

  @Override
  public synchronized void onRemoteClose(MuxedStream stream) {
    remoteCloseCount++;
    remoteClosed.complete(received);
  }

  @Override
  public synchronized void onReset(MuxedStream stream) {
    resetCount++;
    reset.complete(null);
  }

  public synchronized byte[] bytes() {
    return bytes.toByteArray();
  }

  public synchronized long receivedBytes() {
    return received;
  }

  public synchronized long crc() {
    return crc.getValue();
  }

  public synchronized int remoteCloseCount() {
    return remoteCloseCount;
  }

  public synchronized int resetCount() {
    return resetCount;
  }

  /** Non-null when the muxer called the handler after the stream ended. */
  public synchronized Throwable misuse() {
    return misuse;
  }
}
