package io.serenity.p2p.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which socket I/O the event loops use: Linux's epoll through Netty's native transport where its
 * library loads, Java's NIO selector elsewhere. Epoll costs fewer system calls and less work per
 * read and write than the selector (docs/benchmarks.md has the figures), which is most of the cost
 * of a small gossip message. The system property {@value #PROPERTY} ({@code nio} or {@code epoll})
 * chooses; without it epoll is used when available. The channels of a group are chosen by what the
 * group's loops run, so a group made elsewhere (e.g. NIO, shared with other code) keeps working.
 */
public final class NettyIo {
  /** System property choosing the I/O: {@code nio}, {@code epoll}, or {@code auto} (the default). */
  public static final String PROPERTY = "serenity.p2p.io";

  private static final Logger LOG = LoggerFactory.getLogger(NettyIo.class);
  private static final boolean EPOLL = chooseEpoll();

  private NettyIo() {}

  private static boolean chooseEpoll() {
    String want = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (want) {
      case "nio":
        return false;
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException("-D" + PROPERTY + "=epoll, but epoll is not available: "
              + Epoll.unavailabilityCause());
        }
        return true;
      case "auto":
        if (!Epoll.isAvailable()) {
          LOG.debug("epoll not available, using NIO: {}", String.valueOf(Epoll.unavailabilityCause()));
        }
        return Epoll.isAvailable();
      default:
        throw new IllegalStateException("-D" + PROPERTY + "=" + want + ": expected nio, epoll or auto");
    }
  }

  /** {@return "epoll" or "nio": what groups made by {@link #newGroup} use} */
  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  /** {@return the factory of the I/O handlers new event loops use} */
  public static IoHandlerFactory handlerFactory() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** {@return a group of {@code threads} event loops (0: Netty's default count) on this process's I/O} */
  public static EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, handlerFactory());
  }

  /** {@return as {@link #newGroup(int)}, its threads made by {@code threads}} */
  public static EventLoopGroup newGroup(int count, ThreadFactory threads) {
    return new MultiThreadIoEventLoopGroup(count, threads, handlerFactory());
  }

  private static boolean isEpoll(EventLoopGroup group) {
    return group instanceof IoEventLoopGroup g && g.isIoType(EpollIoHandler.class);
  }

  /** {@return the TCP channel class for {@code group}'s loops} */
  public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
    return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** {@return the TCP listener channel class for {@code group}'s loops} */
  public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
    return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Linux's errno for an address in use; epoll is Linux only, so its errors carry Linux's numbers. */
  private static final int EADDRINUSE = 98;

  /**
   * {@return {@code failure} of a bind, as NIO reports it}: epoll reports an address in use as a
   * native I/O error where NIO throws {@link java.net.BindException}, which callers look for to say
   * "port taken"; other failures are returned as they are.
   */
  public static Throwable bindFailure(Throwable failure) {
    if (failure instanceof io.netty.channel.unix.Errors.NativeIoException n && n.expectedErr() == -EADDRINUSE) {
      java.net.BindException b = new java.net.BindException("Address already in use");
      b.initCause(n);
      return b;
    }
    return failure;
  }

  /** {@return the UDP channel class for {@code group}'s loops} */
  public static Class<? extends DatagramChannel> datagramChannel(EventLoopGroup group) {
    return isEpoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }
}
