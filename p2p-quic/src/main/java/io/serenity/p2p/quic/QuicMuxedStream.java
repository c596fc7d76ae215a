package io.serenity.p2p.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.mux.MuxerException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libp2p stream: one bidirectional QUIC stream. FIN is {@link #closeWrite()}; {@link #reset()}
 * sends RESET_STREAM and STOP_SENDING. The stream channel reads only once a handler is installed,
 * so data the application has not asked for yet stays under QUIC flow control inside quiche; after
 * that every byte read goes straight to the handler, and the peer gets window back as it is read.
 * {@link #setReadPaused(boolean)} stops that reading, so the peer runs out of window.
 *
 * <p>Every field is confined to the connection's event loop; public methods hop onto it.
 */
final class QuicMuxedStream implements MuxedStream {

  private static final Logger LOG = LoggerFactory.getLogger(QuicMuxedStream.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /**
   * Bytes a stream may have waiting for the peer's flow-control credit beyond the write in
   * progress, as for yamux: a producer that awaits its writes never gets near it; one that does not
   * gets further writes refused instead of an unbounded queue.
   */
  static final long MAX_PENDING_WRITE_BYTES = 4L << 20;

  /** Application error code of our RESET_STREAM and STOP_SENDING frames. */
  static final int RESET_ERROR_CODE = 0;

  /*
   * FIN_TIMING. quiche as built into Netty 4.2.18 loses a FIN that carries no data when the ACK for
   * the stream's last bytes is processed after the FIN was written but before the connection's next
   * send (cloudflare/quiche#2525; fix pending as #2665): quiche counts the send side as complete as
   * soon as the bytes up to the final size are acked, and once the peer's FIN has been read too it
   * collects the stream and drops the FIN frame it never built. The peer reads every byte and never
   * sees the end. Netty postpones the send of whatever is written from inside a read batch (an
   * onRemoteClose handler, a write listener run while quiche reports writable streams) to the end of
   * that batch, so the batch's later packets, that ACK among them, are processed first; under load,
   * when packets queue up between reads, that happens. So closeWrite() writes the FIN either
   *  - with bytes not sent yet (the last queued write as it goes to quiche, or a write of this
   *    event-loop pass): the FIN then rides in the same STREAM frame, and is retransmitted with it;
   *  - by closing the stream channel, once the peer's FIN was read: the channel then writes the FIN
   *    and has the connection send it at once, also from inside a read batch; or
   *  - from an event-loop task of its own, where the stream channel sends it at once and no packet
   *    is processed between the write and the send.
   * What remains is the loss of the packet that carries a data-less FIN, which quiche does not
   * retransmit once the data before it is acked; on loopback that takes a full socket buffer.
   */

  private final QuicMuxedConnection connection;
  private final QuicStreamChannel channel;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private MuxedStreamHandler handler;
  private boolean reading;
  private boolean readPaused;
  private long pendingWriteBytes;
  private ChannelFuture lastWrite;
  /** A write went to the stream channel in this pass of the event loop (see FIN_TIMING). */
  private boolean wroteThisPass;
  private boolean writeClosed;
  private boolean finSent;
  private boolean remoteFin;
  private boolean remoteFinDelivered;
  private boolean reset;
  private boolean resetDelivered;

  QuicMuxedStream(QuicMuxedConnection connection, QuicStreamChannel channel) {
    this.connection = connection;
    this.channel = channel;
    channel.pipeline().addLast("libp2p-stream", new Inbound());
    channel.closeFuture().addListener(f -> onChannelClosed());
  }

  QuicStreamChannel channel() {
    return channel;
  }

  @Override
  public long id() {
    return channel.streamId();
  }

  @Override
  public boolean isInitiator() {
    return channel.isLocalCreated();
  }

  @Override
  public MuxedConnection connection() {
    return connection;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public void setHandler(MuxedStreamHandler newHandler) {
    onLoop(() -> {
      handler = newHandler;
      if (!reading && !reset && !remoteFin) {
        reading = true;
        if (!readPaused) {
          channel.config().setAutoRead(true);
          channel.read();
        }
      }
      deliverEnd();
    }, () -> {});
  }

  /**
   * Stops or resumes reading from the stream channel. While paused, what the peer sends stays in
   * quiche and earns it no credit back, so QUIC flow control stops the peer once the stream's window
   * is used up; the peer's FIN waits behind the data. Unlike yamux, a RESET_STREAM from the peer also
   * waits until reading resumes (the stream channel learns of it by reading), unless the stream is
   * ended otherwise (our own reset, the connection closing).
   */
  @Override
  public void setReadPaused(boolean paused) {
    onLoop(() -> {
      if (readPaused == paused) {
        return;
      }
      readPaused = paused;
      if (!reading || reset || remoteFin || !channel.isActive()) {
        return; // reading starts with the handler, which honours the flag; or it is over
      }
      channel.config().setAutoRead(!paused);
      if (!paused) {
        channel.read();
      }
    }, () -> {});
  }

  @Override
  public CompletableFuture<Void> write(ByteBuf data) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(() -> {
      if (reset) {
        data.release();
        done.completeExceptionally(new MuxerException("quic: stream " + id() + " was reset"));
        return;
      }
      if (writeClosed) {
        data.release();
        done.completeExceptionally(new MuxerException("quic: stream " + id() + " is closed for writing"));
        return;
      }
      int n = data.readableBytes();
      if (pendingWriteBytes > 0 && pendingWriteBytes + n > MAX_PENDING_WRITE_BYTES) {
        data.release();
        connection.writeBoundHit();
        RLOG.warn("quic: refusing a write of {} bytes on stream {} to {}: {} bytes already wait for the peer's credit",
            n, id(), connection.remote(), pendingWriteBytes);
        done.completeExceptionally(new MuxerException("quic: stream " + id() + " write queue full ("
            + pendingWriteBytes + " bytes wait for the peer's credit); await earlier writes"));
        return;
      }
      pendingWriteBytes += n;
      ChannelFuture f = channel.writeAndFlush(data);
      lastWrite = f;
      if (!wroteThisPass) {
        // tasks run after the pass's reads and the connection's send: from then on, our bytes may
        // be sent and acked, and a FIN must no longer count on riding with them
        try {
          channel.eventLoop().execute(() -> wroteThisPass = false);
          wroteThisPass = true;
        } catch (RejectedExecutionException e) {
          // the loop is shutting down: the FIN, if any, goes through the task path and fails there
        }
      }
      f.addListener(x -> {
        pendingWriteBytes -= n;
        if (x.isSuccess()) {
          done.complete(null);
        } else {
          done.completeExceptionally(new MuxerException("quic: write on stream " + id() + " failed: "
              + x.cause(), x.cause()));
        }
      });
    }, () -> {
      data.release();
      done.completeExceptionally(new MuxerException("quic: connection event loop is gone"));
    });
    return done;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(() -> {
      if (reset) {
        done.completeExceptionally(new MuxerException("quic: stream " + id() + " was reset"));
        return;
      }
      if (writeClosed) {
        done.complete(null);
        return;
      }
      writeClosed = true;
      Runnable fin = () -> {
        if (reset) {
          done.completeExceptionally(new MuxerException("quic: stream " + id() + " was reset"));
          return;
        }
        channel.shutdownOutput().addListener(f -> {
          if (f.isSuccess()) {
            finSent = true;
            done.complete(null);
          } else {
            done.completeExceptionally(new MuxerException("quic: closing stream " + id() + " failed: "
                + f.cause(), f.cause()));
          }
        });
      };
      // When the FIN is written matters because of a quiche defect; see FIN_TIMING.
      if (lastWrite != null && !lastWrite.isDone()) {
        // after every queued write (the stream channel would send it at once otherwise); the
        // listener runs as the last bytes go to quiche, not sent yet, so the FIN rides with them
        lastWrite.addListener(f -> fin.run());
      } else if (remoteFin) {
        // The peer's FIN was read, so our FIN ends the stream: closing the channel writes it and has
        // the connection send it at once, even from inside a read batch, ahead of anything the
        // batch's later packets make us write (a peer may wait for it before its next stream)
        finSent = true; // before the close, whose listener (onChannelClosed) must see a normal end
        channel.close().addListener(f -> done.complete(null));
      } else if (wroteThisPass) {
        fin.run(); // our bytes of this pass are not sent yet, or nothing was processed since
      } else {
        try {
          channel.eventLoop().execute(fin); // a FIN without data: written and sent in one task
        } catch (RejectedExecutionException e) {
          done.completeExceptionally(new MuxerException("quic: connection event loop is gone"));
        }
      }
    }, () -> done.completeExceptionally(new MuxerException("quic: connection event loop is gone")));
    return done;
  }

  @Override
  public void reset() {
    onLoop(() -> terminate(true, "reset locally"), () -> {});
  }

  /**
   * Ends the stream abruptly; with {@code sendReset} tells the peer (RESET_STREAM and
   * STOP_SENDING). The handler hears {@code onReset} once.
   */
  void terminate(boolean sendReset, String why) {
    if (reset || closeFuture.isDone()) {
      return;
    }
    reset = true;
    LOG.debug("quic: stream {} with {}: {}", id(), connection.remote(), why);
    if (sendReset && channel.isOpen()) {
      channel.shutdown(RESET_ERROR_CODE);
    }
    channel.close();
    deliverEnd();
  }

  private void onData(ByteBuf data) {
    if (reset || handler == null) {
      // cannot happen while reading starts only with a handler; never hold what nobody reads
      data.release();
      return;
    }
    try {
      handler.onData(this, data);
    } catch (RuntimeException e) {
      LOG.warn("quic: handler of stream {} threw in onData; resetting", id(), e);
      terminate(true, "handler failed");
    }
  }

  private void onRemoteFin() {
    if (!remoteFin) {
      remoteFin = true;
      deliverEnd();
    }
  }

  private void onChannelClosed() {
    onLoop(() -> {
      // The stream channel closes itself once both FINs went through, and then its own flags are the
      // truth: our closeWrite() listener may run after this one. Its FIN event may not reach us at all:
      // when quiche has finished the stream (both sides done) before the channel read the FIN, the
      // channel learns it from the stream's capacity and just closes. A peer's RESET_STREAM comes as an
      // exception first (a reset, above), and a closing connection closes its parent channel, so a
      // stream that closes on its own while its connection lives, after our FIN, ended normally.
      boolean inputDone = remoteFin || channel.isInputShutdown() || channel.parent().isOpen();
      boolean outputDone = finSent || channel.isOutputShutdown();
      if (!reset && inputDone && outputDone) {
        finSent = true;
        if (!remoteFin) {
          remoteFin = true;
          deliverEnd();
        }
      } else if (!reset) {
        // the connection closed, or quiche ended the stream: for the application it was reset
        reset = true;
        deliverEnd();
      }
      closeFuture.complete(null);
    }, () -> closeFuture.complete(null));
  }

  /** Hands a remote close or a reset to the handler, once each. */
  private void deliverEnd() {
    MuxedStreamHandler h = handler;
    if (h == null) {
      return;
    }
    if (reset) {
      if (!resetDelivered) {
        resetDelivered = true;
        try {
          h.onReset(this);
        } catch (RuntimeException e) {
          LOG.warn("quic: handler of stream {} threw in onReset", id(), e);
        }
      }
      return;
    }
    if (remoteFin && !remoteFinDelivered) {
      remoteFinDelivered = true;
      try {
        h.onRemoteClose(this);
      } catch (RuntimeException e) {
        LOG.warn("quic: handler of stream {} threw in onRemoteClose; resetting", id(), e);
        terminate(true, "handler failed");
      }
    }
  }

  private void onLoop(Runnable task, Runnable ifGone) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      ifGone.run();
    }
  }

  @Override
  public String toString() {
    return "QuicMuxedStream{id=" + id() + ", initiator=" + isInitiator() + "}";
  }

  /** The stream channel's inbound events. */
  private final class Inbound extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        onData(b);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownReadComplete) {
        onRemoteFin();
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a RESET_STREAM from the peer, or quiche refusing the stream's data
      terminate(true, "ended by the peer or the QUIC stack: " + cause);
    }
  }
}
