package io.serenity.p2p.discv5.service;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Node Discovery v5.1 node on one UDP socket.
 *
 * <p>Threading: one Netty {@code NioDatagramChannel} on a single-thread event loop, which owns all
 * state (table, sessions, challenges, requests, lookups); there are no locks. Every public method
 * may be called from any thread: it hands the work to the loop and returns a future completed on
 * the loop, so callbacks attached to it must not block.
 *
 * <pre>{@code
 * Discv5Service node = new Discv5Service(Discv5Config.builder(key).noIpLimits().build());
 * Enr me = node.start().join();
 * node.addEnr(bootnode).join();
 * List<Enr> found = node.lookup(target).join();
 * node.stop().join();
 * }</pre>
 */
public final class Discv5Service {

  /** Bytes received per datagram: above the 1280 allowed, so oversize datagrams are seen and dropped. */
  public static final int RECEIVE_BUFFER = 2048;

  private final Discv5Config config;
  private final RandomSource random;
  private final Map<ByteBuffer, TalkHandler> talkHandlers = new ConcurrentHashMap<>();
  private EventLoopGroup group;
  private Channel channel;
  private volatile EventLoop loop;
  private volatile DiscoveryCore core;

  /**
   * Creates a service (nothing is bound until {@link #start()}).
   *
   * @param config the settings
   */
  public Discv5Service(Discv5Config config) {
    this(config, RandomSource.secure());
  }

  /**
   * Creates a service with a given source of randomness.
   *
   * @param config the settings
   * @param random nonces, keys and request ids
   */
  public Discv5Service(Discv5Config config, RandomSource random) {
    this.config = config;
    this.random = random;
  }

  /**
   * Binds the socket and signs our record with the bound port.
   *
   * @return completes with our record
   */
  public synchronized CompletableFuture<Enr> start() {
    if (group != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("already started"));
    }
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("discv5", true), NioIoHandler.newFactory());
    CompletableFuture<Enr> started = new CompletableFuture<>();
    Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
        .handler(new DatagramHandler(this::onDatagram));
    ChannelFuture bind = b.bind(config.bind());
    bind.addListener(f -> {
      if (!f.isSuccess()) {
        started.completeExceptionally(f.cause());
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        return;
      }
      channel = bind.channel();
      loop = channel.eventLoop();
      int port = ((InetSocketAddress) channel.localAddress()).getPort();
      Enr enr = LocalRecord.build(config, port);
      core = new DiscoveryCore(config, enr, random, loop, this::send, talkHandlers);
      started.complete(enr);
    });
    return started;
  }

  /**
   * Closes the socket; requests in flight fail.
   *
   * @return completes when the loop has stopped
   */
  public synchronized CompletableFuture<Void> stop() {
    if (group == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    EventLoopGroup g = group;
    DiscoveryCore c = core;
    Runnable shutdown = () -> g.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS)
        .addListener(f -> done.complete(null));
    if (c != null && loop != null) {
      try {
        loop.execute(() -> {
          c.stop();
          channel.close().addListener(f -> shutdown.run());
        });
      } catch (RejectedExecutionException e) {
        shutdown.run();
      }
    } else {
      shutdown.run();
    }
    return done;
  }

  /**
   * {@return our record}
   *
   * @throws IllegalStateException before {@link #start()} completed
   */
  public Enr localEnr() {
    DiscoveryCore c = core;
    if (c == null) {
      throw new IllegalStateException("not started");
    }
    return c.localEnr();
  }

  /**
   * Changes our record (for example its {@code eth2} or {@code attnets} field): the change is
   * applied to a copy, the endpoint (configured or learned by voting) is kept, seq goes up by one and the record is re-signed.
   * Peers see the new seq in our PONGs and fetch the record.
   *
   * @param change edits the builder (on the event loop)
   * @return completes with the new record; fails with {@code IllegalArgumentException} when it
   *     would exceed 299 bytes
   */
  public CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change) {
    return onLoop(() -> {
      Enr current = core.localEnr();
      Enr next = LocalRecord.update(config, current, LocalRecord.udpEndpoint(current).orElseThrow(), change);
      core.setLocalEnr(next);
      return CompletableFuture.completedFuture(next);
    });
  }

  /** {@return our node id} */
  public NodeId localNodeId() {
    return new NodeId(localEnr().nodeId());
  }

  /**
   * Adds a record to the routing table (not yet verified live, so not relayed until it answers).
   *
   * @param enr a verified record
   * @return completes with true when the table took or updated it
   */
  public CompletableFuture<Boolean> addEnr(Enr enr) {
    return onLoop(() -> CompletableFuture.completedFuture(core.addEnr(enr)));
  }

  /**
   * Sends a PING.
   *
   * @param enr the node
   * @return completes with its PONG; fails with a {@code TimeoutException} when it does not answer
   */
  public CompletableFuture<Pong> ping(Enr enr) {
    return onLoop(() -> core.ping(enr));
  }

  /**
   * Sends a FINDNODE and collects every NODES packet of the answer.
   *
   * @param enr the node asked
   * @param distances log distances from it, 0 for its own record
   * @return completes with the records that are at one of those distances from it (verified)
   */
  public CompletableFuture<List<Enr>> findNode(Enr enr, List<Integer> distances) {
    List<Integer> copy = List.copyOf(distances);
    return onLoop(() -> core.findNode(enr, copy));
  }

  /**
   * Sends a TALKREQ.
   *
   * @param enr the node
   * @param protocol the protocol name
   * @param request the request bytes
   * @return completes with the TALKRESP bytes (empty when it does not speak the protocol)
   */
  public CompletableFuture<byte[]> talk(Enr enr, String protocol, byte[] request) {
    byte[] p = protocol.getBytes(StandardCharsets.UTF_8);
    byte[] r = request.clone();
    return onLoop(() -> core.talk(enr, p, r));
  }

  /**
   * Registers the answer to TALKREQs of one protocol (before or after start).
   *
   * @param protocol the protocol name
   * @param handler called on the event loop
   */
  public void registerTalkHandler(String protocol, TalkHandler handler) {
    talkHandlers.put(ByteBuffer.wrap(protocol.getBytes(StandardCharsets.UTF_8)), handler);
  }

  /**
   * Runs an iterative lookup.
   *
   * @param target the id looked for
   * @return completes with up to 16 answering nodes closest to the target, closest first
   */
  public CompletableFuture<List<Enr>> lookup(NodeId target) {
    return onLoop(() -> core.lookup(target));
  }

  /** {@return a snapshot of the routing table} */
  public CompletableFuture<List<TableEntry>> table() {
    return onLoop(() -> CompletableFuture.completedFuture(core.table()));
  }

  /** {@return a snapshot of the bounded structures and drop counters} */
  public CompletableFuture<Discv5Stats> stats() {
    return onLoop(() -> CompletableFuture.completedFuture(core.stats()));
  }

  private void onDatagram(byte[] datagram, InetSocketAddress source) {
    DiscoveryCore c = core;
    if (c != null) {
      c.onDatagram(datagram, source);
    }
  }

  private void send(InetSocketAddress to, byte[] datagram) {
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to));
  }

  private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> task) {
    EventLoop l = loop;
    if (l == null || core == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    try {
      l.execute(() -> {
        try {
          task.get().whenComplete((v, e) -> {
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(v);
            }
          });
        } catch (RuntimeException e) {
          out.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(new IllegalStateException("discv5 service stopped", e));
    }
    return out;
  }
}
