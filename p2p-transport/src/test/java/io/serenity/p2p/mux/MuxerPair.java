package io.serenity.p2p.mux;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two muxed connections over a real asynchronous in-JVM channel pair (Netty local transport), each
 * side on its own event loop so cross-thread hops are exercised.
 */
public final class MuxerPair implements AutoCloseable {
  private final EventLoopGroup dialerGroup = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final EventLoopGroup listenerGroup = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final Channel serverChannel;
  private final Channel dialerChannel;
  private final MuxedConnection dialer;
  private final MuxedConnection listener;
  private final ByteMeter dialerMeter = new ByteMeter();
  private final ByteMeter listenerMeter = new ByteMeter();

  /**
   * Connects and installs {@code muxer} on both ends. The acceptors are set inside the install
   * step, before any frame can arrive; a null acceptor is not set at all, so that side holds the
   * streams the remote opens until the test installs one.
   */
  public MuxerPair(
      StreamMuxer muxer,
      Consumer<MuxedStream> dialerAcceptor,
      Consumer<MuxedStream> listenerAcceptor)
      throws Exception {
    LocalAddress address = new LocalAddress("muxer-pair-" + System.nanoTime());
    CompletableFuture<MuxedConnection> listenerSide = new CompletableFuture<>();
    CompletableFuture<MuxedConnection> dialerSide = new CompletableFuture<>();
    serverChannel =
        new ServerBootstrap()
            .group(listenerGroup)
            .channel(LocalServerChannel.class)
            .childHandler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    ch.pipeline().addFirst("byte-meter", listenerMeter);
                    MuxedConnection c = muxer.install(ch, false);
                    if (listenerAcceptor != null) {
                      c.setInboundStreamAcceptor(listenerAcceptor);
                    }
                    listenerSide.complete(c);
                  }
                })
            .bind(address)
            .sync()
            .channel();
    dialerChannel =
        new Bootstrap()
            .group(dialerGroup)
            .channel(LocalChannel.class)
            .handler(
                new ChannelInitializer<LocalChannel>() {
                  @Override
                  protected void initChannel(LocalChannel ch) {
                    ch.pipeline().addFirst("byte-meter", dialerMeter);
                    MuxedConnection c = muxer.install(ch, true);
                    if (dialerAcceptor != null) {
                      c.setInboundStreamAcceptor(dialerAcceptor);
                    }
                    dialerSide.complete(c);
                  }
                })
            .connect(address)
            .sync()
            .channel();
    dialer = dialerSide.get(5, TimeUnit.SECONDS);
    listener = listenerSide.get(5, TimeUnit.SECONDS);
  }

  /** The side that dialled (muxer initiator). */
  public MuxedConnection dialer() {
    return dialer;
  }

  /** The side that accepted. */
  public MuxedConnection listener() {
    return listener;
  }

  public Channel dialerChannel() {
    return dialerChannel;
  }

  /**
   * Completes once the listener has processed everything the dialer had written when this was
   * called: every frame in those bytes has gone through the listener's muxer session. Await a
   * write's future first, so the bytes are counted.
   */
  public CompletableFuture<Void> listenerCaughtUp() {
    return listenerMeter.processed(dialerMeter.written());
  }

  /**
   * Counts bytes at the head of a pipeline: those written to the transport, and those read from it
   * once the handlers behind (decoder, muxer session) have processed them.
   */
  private static final class ByteMeter extends ChannelDuplexHandler {
    private long written;
    private long processed;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long bytes, CompletableFuture<Void> done) {}

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf b) {
        synchronized (this) {
          written += b.readableBytes();
        }
      }
      ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      long n = msg instanceof ByteBuf b ? b.readableBytes() : 0;
      ctx.fireChannelRead(msg); // the decoder and the session handle it before this returns
      List<Waiter> due = new ArrayList<>();
      synchronized (this) {
        processed += n;
        waiters.removeIf(w -> w.bytes() <= processed && due.add(w));
      }
      due.forEach(w -> w.done().complete(null));
    }

    synchronized long written() {
      return written;
    }

    CompletableFuture<Void> processed(long bytes) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      synchronized (this) {
        if (processed < bytes) {
          waiters.add(new Waiter(bytes, done));
          return done;
        }
      }
      done.complete(null);
      return done;
    }
  }

  @Override
  public void close() throws Exception {
    dialerChannel.close().await(5, TimeUnit.SECONDS);
    serverChannel.close().await(5, TimeUnit.SECONDS);
    dialerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    listenerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }
}
