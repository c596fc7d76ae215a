package io.serenity.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.Varint;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.time.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream to a peer, speaking one agreed protocol. Write raw bytes with {@link #write} or
 * uvarint-length-prefixed messages with {@link #writeMessage}; read either pull-style with {@link
 * #readMessage} / {@link #readExactly} (unread bytes are buffered up to {@link
 * HostConfig#maxStreamReadBuffer()}), or push-style with {@link #receive} (no buffering, suited to
 * bulk data).
 *
 * <pre>{@code
 * Stream s = host.newStream(peer, "/echo/1.0.0").join();
 * s.writeMessage("hello".getBytes(UTF_8));
 * byte[] reply = s.readMessage(1024).join();
 * s.closeWrite();
 * }</pre>
 *
 * <p>Methods may be called from any thread. Futures complete on the connection's event loop: do
 * not block in their callbacks.
 */
public final class Stream {

  private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final Connection connection;
  private final MuxedStream muxed;
  private final EventLoop loop;
  private final int maxReadBuffer;
  /**
   * What a connection may still hand a stream after its muxer stopped reading for it (the bytes
   * already read and decrypted), allowed beyond the read buffer under reader credit.
   */
  static final int IN_FLIGHT_ALLOWANCE = 256 * 1024;
  private final ResourceManager.StreamScope resources;
  private volatile String protocol;
  private final Clock clock;
  private volatile long lastActivityNanos;

  // Event-loop state below.
  private final ReadBuffer buffer;
  private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();
  /**
   * serveReads is running (event loop only). A read's future completes inside it, and a reader
   * that asks for its next message from the completion (pubsub's read loop does) lands here again:
   * the nested call leaves the new read to the running loop instead of recursing, one level per
   * buffered message, into a StackOverflowError that CompletableFuture would swallow.
   */
  private boolean serving;
  /** A nested serveReads was asked for while serving: go round again. Event loop only. */
  private boolean servePending;
  private StreamReceiver receiver;
  private boolean ended;
  private boolean wasReset;
  private final int[] varintLen = new int[1];
  private Traffic.Counter traffic; // the counter of the current protocol, looked up once
  private long reserved; // unread bytes reserved with the resource manager
  /** The muxer grants window back only for bytes we report consumed (yamux after negotiation). */
  private volatile boolean readerCredit;
  /**
   * Buffered bytes not yet reported consumed to the muxer: always the newest ones, since a pending
   * read that cannot complete credits everything buffered (those bytes are all part of its message).
   */
  private int uncredited;

  /**
   * A pull read waiting for bytes: a length-prefixed message, or exactly {@code size} bytes; or, with
   * a {@code reader} (and no future), every message from here on, the read staying at the head.
   */
  private record PendingRead(
      boolean message, int size, Function<ByteBuffer, ?> decoder, CompletableFuture<Object> future,
      MessageReader reader) {
    PendingRead(boolean message, int size, Function<ByteBuffer, ?> decoder, CompletableFuture<Object> future) {
      this(message, size, decoder, future, null);
    }
  }

  /**
   * A {@link MessageReader} is installed (reads queued behind it would never be served). It is always
   * the last queued read: nothing is queued after it, and it leaves the queue when it ends.
   */
  private boolean hasReader() {
    PendingRead last = reads.peekLast();
    return last != null && last.reader() != null;
  }
  /** The installed reader asked to pause: nothing is handed on or credited until it resumes. */
  private boolean readerPaused;
  /** Calls the installed reader; made once so that a message costs no object. */
  private Function<ByteBuffer, Boolean> readerCall;

  Stream(Connection connection, MuxedStream muxed, int maxReadBuffer, ResourceManager.StreamScope resources) {
    this.connection = connection;
    this.muxed = muxed;
    this.loop = connection.channel().eventLoop();
    this.maxReadBuffer = maxReadBuffer;
    this.resources = resources;
    this.clock = connection.host().clock();
    this.buffer = new ReadBuffer(connection.host().readBufferPool());
    this.lastActivityNanos = clock.nanos();
  }

  /** Adds to the host's per-protocol byte counters (payload bytes; nothing before negotiation ends). */
  private void count(boolean in, long n) {
    String p = protocol;
    if (p == null || n <= 0) {
      return;
    }
    Traffic.Counter t = traffic;
    if (t == null || !t.protocol().equals(p)) {
      t = connection.host().traffic().counter(p);
      traffic = t;
    }
    t.add(in, n);
  }

  /** {@return the agreed protocol id (null while negotiation is still running)} */
  public String protocol() {
    return protocol;
  }

  /** {@return the peer on the other end} */
  public PeerId remotePeer() {
    return connection.remotePeer();
  }

  /** {@return the connection carrying this stream} */
  public Connection connection() {
    return connection;
  }

  /** {@return true when this side opened the stream} */
  public boolean isInitiator() {
    return muxed.isInitiator();
  }

  /**
   * Writes a copy of {@code data}. The future completes when the muxer took it (back-pressure).
   *
   * @param data the bytes
   * @return completes when the muxer took them
   */
  public CompletableFuture<Void> write(byte[] data) {
    return write(data, 0, data.length);
  }

  /**
   * Writes a copy of {@code data[offset, offset+length)}.
   *
   * @param data the array
   * @param offset where the bytes start
   * @param length how many
   * @return completes when the muxer took them
   */
  public CompletableFuture<Void> write(byte[] data, int offset, int length) {
    touch();
    count(false, length);
    java.util.Objects.checkFromIndexSize(offset, length, data.length);
    // The copy goes into the connection's pooled memory, not a fresh array: one garbage array per
    // write was a third of the sending thread's time in a single-stream transfer.
    ByteBuf copy = connection.channel().alloc().heapBuffer(length);
    copy.writeBytes(data, offset, length);
    return muxed.write(copy);
  }

  /**
   * Writes a copy of the remaining bytes of {@code data}.
   *
   * @param data the buffer; its position is not moved
   * @return completes when the muxer took them
   */
  public CompletableFuture<Void> write(ByteBuffer data) {
    touch();
    count(false, data.remaining());
    ByteBuf copy = connection.channel().alloc().heapBuffer(data.remaining());
    copy.writeBytes(data.duplicate());
    return muxed.write(copy);
  }

  /**
   * Writes {@code data} without copying it: the stream takes ownership and releases the buffer, also
   * when the write fails. For callers that build their bytes in a (pooled) buffer of their own.
   *
   * @param data the bytes; do not use or release the buffer afterwards
   * @return completes when the muxer took them
   */
  public CompletableFuture<Void> write(ByteBuf data) {
    touch();
    count(false, data.readableBytes());
    return muxed.write(data);
  }

  /**
   * Writes {@code message} prefixed by its length as an unsigned varint.
   *
   * @param message the message
   * @return completes when the muxer took it
   */
  public CompletableFuture<Void> writeMessage(byte[] message) {
    touch();
    byte[] prefix = Varint.encode(message.length);
    ByteBuf buf = connection.channel().alloc().heapBuffer(prefix.length + message.length);
    buf.writeBytes(prefix).writeBytes(message);
    count(false, buf.readableBytes());
    return muxed.write(buf);
  }

  /**
   * Half-closes: we write no more; the remote may keep writing.
   *
   * @return completes when the close is sent
   */
  public CompletableFuture<Void> closeWrite() {
    return muxed.closeWrite();
  }

  /** Aborts the stream both ways. Idempotent. */
  public void reset() {
    muxed.reset();
  }

  /**
   * Completes when both directions are closed or the stream was reset.
   *
   * @return a future of the end
   */
  public CompletableFuture<Void> closeFuture() {
    return muxed.closeFuture();
  }

  /**
   * Reads the next uvarint-length-prefixed message of at most {@code maxSize} bytes. A longer
   * message is a protocol violation: the future fails with {@link HostException} and the stream is
   * reset. Fails too when the stream ends before the message is complete, and once the stream was
   * reset (by either side or for a violation): a reset drops the bytes not read yet.
   *
   * @param maxSize the largest message accepted, in bytes
   * @return completes with the message
   */
  public CompletableFuture<byte[]> readMessage(int maxSize) {
    return enqueue(new PendingRead(true, maxSize, null, new CompletableFuture<>()));
  }

  /**
   * Reads one length-prefixed message as {@link #readMessage(int)} does, but hands it to {@code decoder}
   * in place instead of copying it out: the decoder runs on the connection's event loop with a buffer
   * over the stream's own memory (position at the message, limit at its end), and its result completes
   * the future. The decoder must not modify the buffer nor keep it, or anything that shares its memory,
   * beyond its return; an exception it throws fails the future with that exception (the message is
   * consumed and the stream stays open).
   *
   * @param maxSize the largest message accepted, in bytes
   * @param decoder turns the message's bytes into a value
   * @param <T> the decoded type
   * @return completes with the decoded value
   */
  public <T> CompletableFuture<T> readMessage(int maxSize, Function<ByteBuffer, T> decoder) {
    return enqueue(new PendingRead(true, maxSize, Objects.requireNonNull(decoder, "decoder"),
        new CompletableFuture<>()));
  }

  /**
   * Hands every later uvarint-length-prefixed message of at most {@code maxSize} bytes to {@code
   * reader}, in place, on the connection's event loop, until the stream ends: the push-style form of
   * {@link #readMessage(int, Function)} for protocols that read messages for the stream's whole life,
   * without a future per message. Pull reads queued before it are served first; reads asked for after
   * it, and {@link #receive}, fail. Flow control is that of pull reads: the remote gets window as
   * messages are handed on, and none while the reader is paused (see {@link
   * MessageReader#onMessage}). A message over the limit is a protocol violation: the stream is reset and
   * the reader closed with a {@link HostException}.
   *
   * @param maxSize the largest message accepted, in bytes (at most {@link
   *     HostConfig#maxStreamReadBuffer()})
   * @param reader gets each message, then the end
   */
  public void readMessages(int maxSize, MessageReader reader) {
    Objects.requireNonNull(reader, "reader");
    if (maxSize < 0 || maxSize > maxReadBuffer) {
      throw new IllegalArgumentException("read size must be in [0, " + maxReadBuffer + "]: " + maxSize);
    }
    onLoop(
        () -> {
          if (receiver != null || hasReader()) {
            closeReader(reader, new IllegalStateException(
                receiver != null ? "stream is in receive() mode" : "stream already has a message reader"));
            return;
          }
          readerCall = m -> reader.onMessage(this, m);
          reads.add(new PendingRead(true, maxSize, null, null, reader));
          serveReads();
        });
  }

  /**
   * Resumes a {@link MessageReader} that paused by returning false; any thread. Messages already
   * buffered are handed on at once, on the event loop. No effect when it is not paused.
   */
  public void resumeMessages() {
    onLoop(
        () -> {
          if (readerPaused) {
            readerPaused = false;
            serveReads();
          }
        });
  }

  /**
   * Reads exactly {@code size} bytes (at most {@link HostConfig#maxStreamReadBuffer()}).
   *
   * @param size how many bytes
   * @return completes with the bytes
   */
  public CompletableFuture<byte[]> readExactly(int size) {
    return enqueue(new PendingRead(false, size, null, new CompletableFuture<>()));
  }

  /**
   * Pauses or resumes reading. While paused the muxer holds what the remote sends and hands nothing
   * on (no data, no end; a reset still arrives), so a slow {@link #receive} consumer stops the remote
   * through the muxer's flow control: yamux grants no more window, and the remote stops after one
   * window; mplex, which has no flow control, holds up to its per-stream buffer and then resets the
   * stream; QUIC stops reading the stream, so the remote stops after one stream window (a reset from
   * the remote then waits until reading resumes too). Resuming delivers what was held, in order.
   *
   * @param paused whether to hold inbound data
   */
  public void setReadPaused(boolean paused) {
    muxed.setReadPaused(paused);
  }

  /**
   * Switches to push-style reading: {@code r} gets buffered bytes first, then every later chunk,
   * then the end or reset. Pending pull reads fail.
   *
   * @param r the receiver
   */
  public void receive(StreamReceiver r) {
    onLoop(
        () -> {
          for (PendingRead p : reads) {
            failRead(p, new IllegalStateException("stream switched to receive()"));
          }
          reads.clear();
          receiver = r;
          if (buffer.readable() > 0) {
            byte[] all = buffer.takeAll();
            releaseRead();
            deliver(ByteBuffer.wrap(all));
            creditAll();
          }
          if (wasReset) {
            r.onReset(this);
          } else if (ended) {
            r.onEnd(this);
          }
        });
  }

  @Override
  public String toString() {
    return "stream " + muxed.id() + " " + protocol + " with " + remotePeer();
  }

  // ---- package-private plumbing ----

  /** Called by negotiation once {@code p} is agreed; returns the handler to install. */
  MuxedStreamHandler bind(String p) {
    this.protocol = p;
    // From here the muxer grants window back as the protocol reads (pull reads or a receiver), so a
    // slow reader stops the sender through flow control instead of overflowing maxReadBuffer.
    readerCredit = muxed.creditOnConsume(maxReadBuffer);
    touch();
    return new Inbound();
  }

  MuxedStream muxed() {
    return muxed;
  }

  /**
   * Counts the stream under its agreed protocol with the resource manager; on a limit the stream
   * is reset and the exception thrown.
   */
  void accountProtocol(String p) {
    try {
      resources.setProtocol(p);
    } catch (ResourceLimitException e) {
      muxed.reset();
      throw e;
    }
  }

  /** Returns the stream's slots and reserved bytes to the resource manager (once closed). */
  void releaseResources() {
    resources.close();
  }

  /** Gives back reservations for bytes no longer held (read, or dropped). Event loop only. */
  private void releaseRead() {
    long held = buffer.readable();
    if (reserved > held) {
      resources.releaseMemory(reserved - held);
      reserved = held;
    }
  }

  long idleNanos(long now) {
    return now - lastActivityNanos;
  }

  private void touch() {
    lastActivityNanos = clock.nanos();
  }

  @SuppressWarnings("unchecked") // the future's values are of the type its public method promised
  private <T> CompletableFuture<T> enqueue(PendingRead read) {
    if (read.size() < 0 || read.size() > maxReadBuffer) {
      read.future()
          .completeExceptionally(
              new IllegalArgumentException("read size must be in [0, " + maxReadBuffer + "]: " + read.size()));
      return (CompletableFuture<T>) read.future();
    }
    onLoop(
        () -> {
          if (receiver != null || hasReader()) {
            read.future().completeExceptionally(new IllegalStateException(
                receiver != null ? "stream is in receive() mode" : "stream has a message reader"));
            return;
          }
          reads.add(read);
          serveReads();
        });
    return (CompletableFuture<T>) read.future();
  }

  private void onLoop(Runnable r) {
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
  }

  private void serveReads() {
    if (serving) {
      servePending = true; // the running call serves it once its loop returns (see serving)
      return;
    }
    serving = true;
    try {
      do {
        servePending = false;
        serveQueuedReads();
      } while (servePending);
    } finally {
      serving = false;
    }
  }

  private void serveQueuedReads() {
    while (!reads.isEmpty()) {
      PendingRead head = reads.peek();
      if (head.reader() != null && readerPaused && !wasReset) {
        return; // held: nothing credited, so the remote stops once its window is used
      }
      Object out;
      if (head.message()) {
        long len;
        try {
          len = buffer.peekUvarint(varintLen);
        } catch (IllegalArgumentException e) {
          violation(e.getMessage());
          return;
        }
        if (len == ReadBuffer.INCOMPLETE) {
          if (!stalled(head)) {
            creditAll(); // every buffered byte belongs to the message this read waits for
            return;
          }
          continue;
        }
        if (len > head.size()) {
          violation("message of " + len + " bytes exceeds the limit of " + head.size());
          return;
        }
        if (buffer.readable() < varintLen[0] + len) {
          if (!stalled(head)) {
            creditAll();
            return;
          }
          continue;
        }
        creditTaken(varintLen[0] + (int) len);
        buffer.skip(varintLen[0]);
        if (head.reader() != null) {
          boolean more;
          try {
            more = buffer.decode((int) len, readerCall);
          } catch (RuntimeException e) {
            reads.poll();
            releaseRead();
            muxed.reset();
            closeReader(head.reader(), e);
            continue;
          }
          releaseRead();
          if (!more) {
            readerPaused = true;
          }
          continue;
        }
        if (head.decoder() != null) {
          try {
            out = buffer.decode((int) len, head.decoder());
          } catch (RuntimeException e) {
            reads.poll();
            releaseRead();
            head.future().completeExceptionally(e);
            continue;
          }
        } else {
          out = buffer.take((int) len);
        }
      } else {
        if (buffer.readable() < head.size()) {
          if (!stalled(head)) {
            creditAll();
            return;
          }
          continue;
        }
        creditTaken(head.size());
        out = buffer.take(head.size());
      }
      reads.poll();
      releaseRead();
      head.future().complete(out);
    }
  }

  /** Fails a queued read: its future, or its reader's end. */
  private void failRead(PendingRead p, Throwable e) {
    if (p.reader() != null) {
      closeReader(p.reader(), e);
    } else {
      p.future().completeExceptionally(e);
    }
  }

  private void closeReader(MessageReader r, Throwable cause) {
    try {
      r.onClose(this, cause);
    } catch (RuntimeException e) {
      LOG.warn("message reader of {} failed while closing", this, e);
    }
  }

  /** Reports every buffered byte not yet credited as consumed (event loop only). */
  private void creditAll() {
    if (uncredited > 0) {
      int n = uncredited;
      uncredited = 0;
      muxed.consumed(n);
    }
  }

  /** Credits the uncredited part of the next {@code n} buffered bytes, about to be taken. */
  private void creditTaken(int n) {
    int creditedInBuffer = buffer.readable() - uncredited;
    int c = Math.max(0, n - creditedInBuffer);
    if (c > 0) {
      uncredited -= c;
      muxed.consumed(c);
    }
  }

  /** A read that cannot be satisfied yet: fails it when no more data can come. */
  private boolean stalled(PendingRead head) {
    if (!ended && !wasReset) {
      return false;
    }
    reads.poll();
    if (head.reader() != null) {
      closeReader(head.reader(), new HostException(
          (wasReset ? "stream reset" : "stream closed by remote") + " (" + this + ")"));
      return true;
    }
    head.future()
        .completeExceptionally(
            new HostException(
                (wasReset ? "stream reset" : "stream closed by remote")
                    + " before a complete read (" + this + ")"));
    return true;
  }

  private void violation(String what) {
    RLOG.info("peer {} broke {}: {}; resetting stream", remotePeer(), protocol, what);
    HostException e = new HostException("peer " + remotePeer() + " broke " + protocol + ": " + what);
    for (PendingRead p : reads) {
      failRead(p, e);
    }
    reads.clear();
    // Reset now, not when the muxer reports it: later reads fail at once instead of serving the
    // bytes of a peer we are cutting off (up to maxReadBuffer of them).
    wasReset = true;
    buffer.clear();
    uncredited = 0;
    releaseRead();
    connection.host().reportViolation(remotePeer(), protocol, what);
    muxed.reset();
  }

  /** A resource limit refused more unread bytes: the stream is reset, its reads fail. */
  private void refused(ResourceLimitException e) {
    for (PendingRead p : reads) {
      failRead(p, e);
    }
    reads.clear();
    wasReset = true;
    buffer.clear();
    uncredited = 0;
    releaseRead();
    muxed.reset();
  }

  private void deliver(ByteBuffer data) {
    try {
      receiver.onData(this, data);
    } catch (RuntimeException e) {
      LOG.warn("receiver of {} failed; resetting stream", this, e);
      muxed.reset();
    }
  }

  /** The muxer's callbacks, on the event loop. */
  private final class Inbound implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      try {
        if (wasReset) {
          return; // reset for a violation while the muxer still had data for us: dropped
        }
        touch();
        count(true, data.readableBytes());
        if (receiver != null) {
          int n = data.readableBytes();
          deliver(data.nioBuffer());
          muxed.consumed(n);
          return;
        }
        int n = data.readableBytes();
        // Under reader credit the muxer holds the sender back: yamux's window (at most
        // maxReadBuffer; it closes a connection that sends past it) plus the part of a message a
        // pending read has credited; mplex stops reading the socket at maxReadBuffer, and what the
        // connection had read already still arrives: up to a socket read, a Noise message (64 KiB)
        // and the mplex frame it completes. The bound allows the buffer once more, and never less
        // than IN_FLIGHT_ALLOWANCE. Without reader credit this buffer is the only bound.
        long bound = readerCredit ? maxReadBuffer + Math.max(maxReadBuffer, IN_FLIGHT_ALLOWANCE) : maxReadBuffer;
        if (buffer.readable() + n > bound) {
          resources.streamMemoryRefused();
          violation("more than " + bound + " unread bytes");
          return;
        }
        try {
          resources.reserveMemory(n);
        } catch (ResourceLimitException e) {
          refused(e);
          return;
        }
        reserved += n;
        buffer.append(data);
        if (readerCredit) {
          uncredited += n;
        }
      } finally {
        data.release();
      }
      serveReads();
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      ended = true;
      if (receiver != null) {
        receiver.onEnd(Stream.this);
      } else {
        serveReads();
      }
    }

    @Override
    public void onReset(MuxedStream stream) {
      wasReset = true;
      // A reset aborts the stream: unread bytes are dropped, as the muxers drop what they held, so
      // pending and later reads fail instead of returning data from before the reset.
      buffer.clear();
      uncredited = 0;
      releaseRead();
      if (receiver != null) {
        receiver.onReset(Stream.this);
      } else {
        serveReads();
      }
    }
  }
}
