package io.serenity.p2p.mux;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two muxed connections over a real asynchronous in-JVM channel pair (Netty local transport), each
 * side on its own event loop so cross-thread hops are exercised.
 */
public final class MuxerPair implements AutoCloseable {
  private final EventLoopGroup dialerGroup = new DefaultEventLoopGroup(1);
  private final EventLoopGroup listenerGroup = new DefaultEventLoopGroup(1);
  private final Channel serverChannel;
  private final Channel dialerChannel;
  private final MuxedConnection dialer;
  private final MuxedConnection listener;

  /**
   * Connects and installs {@code muxer} on both ends. The acceptors are set inside the install
   * step, before any frame can arrive.
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
                    MuxedConnection c = muxer.install(ch, false);
                    c.setInboundStreamAcceptor(listenerAcceptor);
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
                    MuxedConnection c = muxer.install(ch, true);
                    c.setInboundStreamAcceptor(dialerAcceptor);
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

  @Override
  public void close() throws Exception {
    dialerChannel.close().await(5, TimeUnit.SECONDS);
    serverChannel.close().await(5, TimeUnit.SECONDS);
    dialerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    listenerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }
}
