package io.serenity.p2p.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * TCP transport on Netty NIO: listens on {@code /ip4|ip6/<addr>/tcp/<port>} multiaddrs and dials
 * them. The transport hands out raw, unsecured channels; securing and multiplexing them is the
 * {@link io.serenity.p2p.upgrade.Upgrader}'s job.
 *
 * <p>The event loop group belongs to the caller (the host), which shuts it down; {@link #close()}
 * only closes the listeners.
 *
 * <pre>{@code
 * TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
 * Multiaddr bound = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), ch -> upgrade(ch)).join();
 * Channel raw = tcp.dial(bound).join();
 * }</pre>
 */
public final class TcpTransport implements AutoCloseable {

  /**
   * The buffer allocator of every channel: Netty's pooled one. Netty 4.2 made an adaptive allocator
   * the default; measured on our transport and pubsub benchmarks the pooled one did better
   * (docs/benchmarks.md, "Netty 4.2"), so connections use it whatever {@code io.netty.allocator.type}
   * says.
   */
  public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

  private final TcpConfig config;
  private final EventLoopGroup group;
  private final List<Channel> listeners = new CopyOnWriteArrayList<>();

  /**
   * A transport on {@code group}, which the caller owns and shuts down.
   *
   * @param config socket settings; must pass {@link TcpConfig#validate()}
   * @param group the event loops for listening and dialling
   */
  public TcpTransport(TcpConfig config, EventLoopGroup group) {
    this.config = config.validate();
    this.group = group;
  }

  /**
   * {@return true when this transport can dial or listen on {@code addr} (ip4/ip6/dns + tcp)}
   *
   * @param addr a multiaddr
   */
  public static boolean canHandle(Multiaddr addr) {
    try {
      addr.withoutPeerId().toTcpSocketAddress();
      return true;
    } catch (FormatException e) {
      return false;
    }
  }

  /**
   * Starts listening on {@code addr}. Port 0 picks a free port; the returned future carries the
   * address actually bound. Each accepted channel is passed to {@code onAccepted} on its event
   * loop, before any byte is read, so the caller can install its handlers or close it. Accepted
   * channels start with auto-read off: the caller turns it on once its handlers are in place.
   *
   * @param addr the address to listen on
   * @param onAccepted called with each accepted channel
   * @return completes with the bound address
   */
  public CompletableFuture<Multiaddr> listen(Multiaddr addr, Consumer<Channel> onAccepted) {
    CompletableFuture<Multiaddr> result = new CompletableFuture<>();
    InetSocketAddress socket;
    try {
      socket = addr.withoutPeerId().toTcpSocketAddress();
    } catch (FormatException e) {
      result.completeExceptionally(
          new TcpException("cannot listen on " + addr + ": " + e.getMessage(), e));
      return result;
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, config.backlog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childOption(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
            // Nothing is read until the owner has installed its handlers (see Upgrader): the remote
            // may speak first, and bytes read before then would be lost.
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    onAccepted.accept(ch);
                  }
                });
    ChannelFuture bind = bootstrap.bind(socket);
    bind.addListener(
        f -> {
          if (f.isSuccess()) {
            Channel ch = bind.channel();
            listeners.add(ch);
            ch.closeFuture().addListener(c -> listeners.remove(ch));
            result.complete(Multiaddr.tcp((InetSocketAddress) ch.localAddress()));
          } else {
            result.completeExceptionally(
                new TcpException("cannot listen on " + addr + ": " + f.cause().getMessage(), f.cause()));
          }
        });
    return result;
  }

  /**
   * Dials {@code addr} (a {@code /p2p} suffix is ignored here). The future completes with the
   * connected channel, or fails with {@link TcpException} after the configured connect timeout.
   * {@code initializer} runs on the channel before it connects (e.g. to install handlers). The
   * channel starts with auto-read off: the caller turns it on once its handlers are in place.
   *
   * @param addr the address to dial
   * @param initializer prepares the channel before it connects
   * @return completes with the connected channel
   */
  public CompletableFuture<Channel> dial(Multiaddr addr, Consumer<Channel> initializer) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    InetSocketAddress socket;
    try {
      socket = addr.withoutPeerId().toTcpSocketAddress();
    } catch (FormatException e) {
      result.completeExceptionally(
          new TcpException("cannot dial " + addr + ": " + e.getMessage(), e));
      return result;
    }
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, config.tcpNoDelay())
            .option(ChannelOption.ALLOCATOR, ALLOCATOR)
            // The listener sends its multistream header as soon as it accepts; reading starts only
            // once the dialer's handlers are in place (see Upgrader), or that header could be lost.
            .option(ChannelOption.AUTO_READ, false)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    initializer.accept(ch);
                  }
                });
    ChannelFuture connect = bootstrap.connect(socket);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            result.complete(connect.channel());
          } else {
            result.completeExceptionally(
                new TcpException("cannot dial " + addr + ": " + f.cause().getMessage(), f.cause()));
          }
        });
    return result;
  }

  /**
   * Dials without an initializer.
   *
   * @param addr the address to dial
   * @return completes with the connected channel
   */
  public CompletableFuture<Channel> dial(Multiaddr addr) {
    return dial(addr, ch -> {});
  }

  /** {@return addresses currently bound by listeners} */
  public List<Multiaddr> listenAddrs() {
    return listeners.stream()
        .map(ch -> Multiaddr.tcp((InetSocketAddress) ch.localAddress()))
        .toList();
  }

  /** Stops listening; established connections are left to their owner. */
  @Override
  public void close() {
    for (Channel ch : listeners) {
      ch.close().syncUninterruptibly();
    }
    listeners.clear();
  }
}
