package io.serenity.p2p.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.serenity.p2p.mux.InboundStreams;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxerException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QUIC connection as a {@link MuxedConnection}: QUIC itself multiplexes, so there is no muxer to
 * negotiate; each libp2p stream is one bidirectional QUIC stream.
 *
 * <p>Opening a stream when the peer's stream credit is used up waits for the peer to grant more
 * (MAX_STREAMS, as streams close) instead of failing, as go-libp2p's {@code OpenStreamSync} does;
 * waiting opens fail when the connection closes. Inbound streams beyond our own limit never reach
 * us: quiche refuses them (the peer's stream credit is our {@link QuicConfig#maxStreams()}).
 *
 * <p>State is confined to the connection's event loop.
 */
final class QuicMuxedConnection implements MuxedConnection {

  private static final Logger LOG = LoggerFactory.getLogger(QuicMuxedConnection.class);

  /** What {@link #protocolId()} reports: QUIC's own stream multiplexing. */
  static final String PROTOCOL_ID = "quic-v1";

  /** Opens waiting for stream credit at most; beyond, an open fails at once. */
  static final int MAX_WAITING_OPENS = 4096;

  private static final AtomicLong WRITE_BOUND_HITS = new AtomicLong();

  /** QUIC's stream bootstrap wants a handler; ours is added with the stream's {@link QuicMuxedStream}. */
  private static final io.netty.channel.ChannelHandler NO_HANDLER = new NoHandler();

  @io.netty.channel.ChannelHandler.Sharable
  private static final class NoHandler extends ChannelInboundHandlerAdapter {}

  private final QuicChannel channel;
  private final InboundStreams inbound;
  private final Set<QuicMuxedStream> streams = new HashSet<>();
  private final ArrayDeque<CompletableFuture<MuxedStream>> waitingOpens = new ArrayDeque<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile int streamCount;
  private boolean opening;

  QuicMuxedConnection(QuicChannel channel) {
    this.channel = channel;
    this.inbound = new InboundStreams("quic", this);
    channel.pipeline().addLast("libp2p-quic-credit", new CreditWatcher());
    channel.closeFuture().addListener(f -> onLoop(this::onClosed));
  }

  /** Writes refused by the per-stream bound, over all QUIC connections of the process. */
  static long writeBoundHits() {
    return WRITE_BOUND_HITS.get();
  }

  void writeBoundHit() {
    WRITE_BOUND_HITS.incrementAndGet();
  }

  Object remote() {
    return channel.remoteSocketAddress();
  }

  QuicChannel channel() {
    return channel;
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public CompletableFuture<MuxedStream> openStream() {
    CompletableFuture<MuxedStream> result = new CompletableFuture<>();
    if (!onLoop(() -> {
      if (!channel.isOpen()) {
        result.completeExceptionally(new MuxerException("quic: connection to " + remote() + " is closed"));
      } else if (waitingOpens.size() >= MAX_WAITING_OPENS) {
        result.completeExceptionally(new MuxerException("quic: " + MAX_WAITING_OPENS
            + " stream opens already wait for the peer's stream credit"));
      } else {
        waitingOpens.add(result);
        openWaiting();
      }
    })) {
      result.completeExceptionally(new MuxerException("quic: connection event loop is gone"));
    }
    return result;
  }

  /** Opens waiting streams while the peer grants credit, one creation at a time. */
  private void openWaiting() {
    while (!opening && !waitingOpens.isEmpty() && channel.isOpen()
        && channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
      CompletableFuture<MuxedStream> next = waitingOpens.poll();
      if (next.isDone()) {
        continue;
      }
      opening = true;
      io.netty.util.concurrent.Future<QuicStreamChannel> created;
      try {
        created = channel.newStreamBootstrap()
            .type(QuicStreamType.BIDIRECTIONAL)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .handler(NO_HANDLER) // the stream's own handler comes with its QuicMuxedStream
            .create();
      } catch (RuntimeException e) {
        opening = false;
        next.completeExceptionally(new MuxerException("quic: cannot open a stream to " + remote() + ": " + e, e));
        continue;
      }
      created.addListener(f -> {
            opening = false;
            if (f.isSuccess()) {
              QuicMuxedStream s = track((QuicStreamChannel) f.getNow());
              if (!next.complete(s)) {
                s.reset();
              }
            } else {
              next.completeExceptionally(new MuxerException("quic: cannot open a stream to " + remote()
                  + ": " + f.cause(), f.cause()));
            }
            openWaiting();
          });
    }
  }

  /** An inbound stream channel, from the codec's stream handler, on the loop. */
  void onInboundStream(QuicStreamChannel ch) {
    ch.config().setAutoRead(false);
    if (!inbound.admit(ch.streamId())) {
      ch.shutdown(QuicMuxedStream.RESET_ERROR_CODE);
      ch.close();
      return;
    }
    inbound.arrived(track(ch));
  }

  private QuicMuxedStream track(QuicStreamChannel ch) {
    QuicMuxedStream s = new QuicMuxedStream(this, ch);
    streams.add(s);
    streamCount = streams.size();
    s.closeFuture().whenComplete((v, e) -> onLoop(() -> {
      streams.remove(s);
      streamCount = streams.size();
    }));
    return s;
  }

  @Override
  public CompletableFuture<Void> setInboundStreamAcceptor(Consumer<MuxedStream> acceptor) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!onLoop(() -> {
      inbound.install(acceptor);
      done.complete(null);
    })) {
      done.complete(null);
    }
    return done;
  }

  @Override
  public long refusedEarlyStreams() {
    return inbound.refusedCount();
  }

  @Override
  public int streamCount() {
    return streamCount;
  }

  @Override
  public void close() {
    // application close, code 0: the peer learns we are going away; quiche resets the streams
    channel.close(true, 0, Unpooled.EMPTY_BUFFER);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  private void onClosed() {
    inbound.clear();
    CompletableFuture<MuxedStream> w;
    while ((w = waitingOpens.poll()) != null) {
      w.completeExceptionally(new MuxerException("quic: connection to " + remote() + " closed"));
    }
    for (QuicMuxedStream s : Set.copyOf(streams)) {
      s.terminate(false, "connection closed");
    }
    closeFuture.complete(null);
  }

  private boolean onLoop(Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
      return true;
    }
    try {
      channel.eventLoop().execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      LOG.debug("quic: event loop of {} is gone", channel);
      return false;
    }
  }

  @Override
  public String toString() {
    return "quic connection to " + remote();
  }

  /** Retries waiting opens when the peer raises our stream credit. */
  private final class CreditWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof QuicStreamLimitChangedEvent) {
        openWaiting();
      }
      super.userEventTriggered(ctx, evt);
    }
  }
}
