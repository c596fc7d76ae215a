package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-peer outbound queue of {@link PubSub}: three lanes (control, our publishes, forwards),
 * bounded in bytes by {@link PubSubConfig#peerQueueBytes()}.
 *
 * <p>A test router sends straight through {@link RouterContext#send} on the router thread. The
 * node's host runs on one event loop that the test holds while a router-thread task runs, so inside
 * the task no write completes: the first RPC goes to the stream, the peer's queue stays busy until
 * its write completes after the task, and what a task queues and the order it leaves in are
 * deterministic. (Write completions free their bytes on the event loop, as soon as they happen.)
 */
@ExtendWith(NettyLeakCheck.class)
class OutboundLanesTest {
  private static final int MAX_MESSAGE = 1024;
  private static final long QUEUE_BYTES = 4096;

  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("lanes-test");
  private final TestHosts hosts = fixture.hosts;
  private final SendingRouter router = new SendingRouter();
  private Host host;
  private PubSub pubsub;
  private RawPeer raw;
  private Stream fromPubsub;

  /** The node's one event loop, held by {@link #onRouterThread} while its task runs. */
  private io.netty.channel.EventLoopGroup loop;

  @BeforeEach
  void start() throws Exception {
    loop = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
    PubSubConfig d = PubSubConfig.defaults();
    PubSubConfig config =
        new PubSubConfig(d.signaturePolicy(), d.messageIdFunction(), MAX_MESSAGE, 2 * MAX_MESSAGE, d.seenTtl(),
            d.seenCapacity(), QUEUE_BYTES, d.subscriberQueue(), d.maxPendingValidations(), false, d.verifyThreads());
    host = hosts.start(io.serenity.p2p.crypto.KeyType.SECP256K1, io.serenity.p2p.host.HostConfig.defaults(),
        "/ip4/127.0.0.1/tcp/0", b -> b.eventLoopGroup(loop));
    pubsub = fixture.track(PubSub.create(host, config, router));
    await(pubsub.start());
    raw = new RawPeer(hosts);
    raw.dial(host);
    fromPubsub = raw.awaitInbound();
    await(router.peerUp);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An RPC carrying our own publish (from = our id): the publish lane. */
  private Rpc ours(String data) {
    return Rpc.publish(new PubSubMessage(host.peerId().toBytes(), text(data), new byte[8], "t", null, null));
  }

  /** An RPC forwarding someone else's message: the forward lane. */
  private Rpc forward(String data) {
    return Rpc.publish(new PubSubMessage(raw.host.peerId().toBytes(), text(data), new byte[8], "t", null, null));
  }

  /** A control-only RPC (a GRAFT naming {@code topic}): the control lane. */
  private static Rpc control(String topic) {
    return Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of()));
  }

  private static String padded(String tag, int size) {
    char[] c = new char[size];
    Arrays.fill(c, '.');
    tag.getChars(0, tag.length(), c, 0);
    return new String(c);
  }

  @org.junit.jupiter.api.AfterEach
  void stopLoop() {
    pubsub.close();
    host.close(); // before its event loop goes (the fixture's second close does nothing)
    loop.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * Runs {@code task} on the router thread and returns its result, while the node's event loop is
   * held: no write of the node completes until the task is done.
   */
  private <T> T onRouterThread(Supplier<T> task) {
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    loop.execute(() -> {
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<T> r = new CompletableFuture<>();
    try {
      assertThat(held.await(TestHosts.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
      router.context.scheduler().execute(() -> {
        try {
          r.complete(task.get());
        } catch (RuntimeException e) {
          r.completeExceptionally(e);
        }
      });
      T result = await(r);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      release.countDown();
    }
  }

  /** What the raw peer reads next from the pubsub stream, named by GRAFT topic or message data tag. */
  private String readNext() {
    Rpc rpc = RpcCodec.decode(await(fromPubsub.readMessage(1 << 20)), RpcCodec.Limits.defaults());
    if (!rpc.control().graft().isEmpty()) {
      return rpc.control().graft().get(0).topic();
    }
    return new String(rpc.publish().get(0).data(), StandardCharsets.UTF_8).replace(".", "");
  }

  @Test
  void controlGoesBeforeQueuedDataAndOurPublishesBeforeForwards() {
    PeerId peer = raw.host.peerId();
    List<Boolean> accepted = onRouterThread(() -> List.of(
        router.context.send(peer, forward("first"), Lane.FORWARD), // written at once; the rest waits behind it
        router.context.send(peer, forward("f1"), Lane.FORWARD),
        router.context.send(peer, ours("p1"), Lane.PUBLISH),
        router.context.send(peer, control("c1"), Lane.CONTROL),
        router.context.send(peer, forward("f2"), Lane.FORWARD),
        router.context.send(peer, ours("p2"), Lane.PUBLISH),
        router.context.send(peer, control("c2"), Lane.CONTROL)));
    assertThat(accepted).containsOnly(true);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      order.add(readNext());
    }
    assertThat(order).containsExactly("first", "c1", "c2", "p1", "p2", "f1", "f2");
    assertThat(pubsub.queueDrops()).isZero();
  }

  @Test
  void dataBeyondPeerQueueBytesIsDroppedAndCountedWithoutBlocking() {
    PeerId peer = raw.host.peerId();
    int rpcSize = RpcCodec.encode(forward(padded("x", 1000))).length;
    int fits = (int) (QUEUE_BYTES / rpcSize);
    List<Boolean> accepted = onRouterThread(() -> {
      List<Boolean> r = new ArrayList<>();
      for (int i = 0; i < fits + 3; i++) {
        // alternate the two data lanes: both count against the one byte bound
        r.add(i % 2 == 0
            ? router.context.send(peer, forward(padded("d" + i, 1000)), Lane.FORWARD)
            : router.context.send(peer, ours(padded("d" + i, 1000)), Lane.PUBLISH));
      }
      return r;
    });
    List<Boolean> expected = new ArrayList<>();
    for (int i = 0; i < fits + 3; i++) {
      expected.add(i < fits);
    }
    assertThat(accepted).as("first %d RPCs of %d bytes fit in %d bytes", fits, rpcSize, QUEUE_BYTES)
        .isEqualTo(expected);
    assertThat(pubsub.queueDrops()).isEqualTo(3);
    // what was queued still arrives, and nothing more
    List<String> got = new ArrayList<>();
    for (int i = 0; i < fits; i++) {
      got.add(readNext());
    }
    assertThat(got).hasSize(fits).allMatch(s -> s.startsWith("d"));
    assertThat(host.connection(peer)).as("data overflow keeps the peer").isPresent();
  }

  @Test
  void controlOverflowDisconnectsThePeer() {
    PeerId peer = raw.host.peerId();
    CompletableFuture<Void> gone = new CompletableFuture<>();
    host.addListener(e -> {
      if (e instanceof HostEvent.PeerDisconnected d && d.peer().equals(peer)) {
        gone.complete(null);
      }
    });
    int rpcSize = RpcCodec.encode(forward(padded("x", 1000))).length;
    int fits = (int) (QUEUE_BYTES / rpcSize);
    // a control RPC bigger than the room the data leaves
    Rpc bigControl = control(padded("c", (int) (QUEUE_BYTES - (long) fits * rpcSize) + 16));
    Boolean controlAccepted = onRouterThread(() -> {
      for (int i = 0; i < fits; i++) {
        router.context.send(peer, forward(padded("d" + i, 1000)), Lane.FORWARD);
      }
      return router.context.send(peer, bigControl, Lane.CONTROL);
    });
    assertThat(controlAccepted).isFalse();
    await(gone);
    assertThat(host.connection(peer)).isEmpty();
    assertThat(pubsub.queueDrops()).as("a control overflow is a disconnect, not a counted drop").isZero();
  }

  @Test
  void manySlowPeersTogetherHoldAtMostTheNodesBoundAndControlStillGoesOut() throws Exception {
    // eight more peers, none of which reads: nine in all, each filled to its own bound
    List<PeerId> peers = new ArrayList<>(List.of(raw.host.peerId()));
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RawPeer more = new RawPeer(hosts);
      more.dial(host);
      streams.add(more.awaitInbound());
      peers.add(more.host.peerId());
    }
    java.util.Set<PeerId> seen = new java.util.HashSet<>();
    while (!seen.containsAll(peers)) {
      PeerId p = router.up.poll(TestHosts.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(p).as("router saw every peer").isNotNull();
      seen.add(p);
    }
    int rpcSize = RpcCodec.encode(forward(padded("x", 950))).length;
    int fitsPerPeer = (int) (QUEUE_BYTES / rpcSize);
    long limit = pubsub.totalQueueLimit();
    assertThat(limit).isEqualTo(8 * QUEUE_BYTES);
    // what the node bound lets through, peer after peer, each peer's own bound first
    int fitsInAll = (int) Math.min(9L * fitsPerPeer, limit / rpcSize);
    assertThat(fitsInAll).as("the node bound is the tighter one here").isLessThan(9 * fitsPerPeer);

    List<Boolean> accepted = onRouterThread(() -> {
      List<Boolean> r = new ArrayList<>();
      for (PeerId peer : peers) {
        for (int i = 0; i < fitsPerPeer; i++) {
          r.add(router.context.send(peer, forward(padded("d" + i, 950)), Lane.FORWARD));
        }
      }
      // control is bound per peer only: the last peer's queue has room, so its GRAFT goes out
      r.add(router.context.send(peers.get(8), control("still-out"), Lane.CONTROL));
      return r;
    });
    long dataAccepted = accepted.subList(0, accepted.size() - 1).stream().filter(b -> b).count();
    assertThat(dataAccepted).as("data RPCs of %d bytes within %d bytes in all", rpcSize, limit)
        .isEqualTo(fitsInAll);
    assertThat(pubsub.queueDrops()).isEqualTo(9L * fitsPerPeer - fitsInAll);
    assertThat(accepted.get(accepted.size() - 1)).as("control still queued").isTrue();
    // the last peer got no data (the node bound was reached before it), but its control arrives
    Rpc first = RpcCodec.decode(await(streams.get(7).readMessage(1 << 20)), RpcCodec.Limits.defaults());
    assertThat(first.control().graft()).extracting(Rpc.Graft::topic).containsExactly("still-out");
    assertThat(peers).allMatch(p -> host.connection(p).isPresent());
  }

  /** Floodsub's protocol id, a handle on the context, and nothing else. */
  private static final class SendingRouter implements Router {
    volatile RouterContext context;
    final CompletableFuture<PeerId> peerUp = new CompletableFuture<>();
    final java.util.concurrent.LinkedBlockingQueue<PeerId> up = new java.util.concurrent.LinkedBlockingQueue<>();

    @Override
    public List<String> protocols() {
      return List.of(FloodSubRouter.PROTOCOL_ID);
    }

    @Override
    public void attach(RouterContext context) {
      this.context = context;
    }

    @Override
    public void addPeer(PeerId peer, String protocol, boolean outbound) {
      up.add(peer);
      peerUp.complete(peer);
    }

    @Override
    public void removePeer(PeerId peer) {}

    @Override
    public void onSubscription(PeerId peer, String topic, boolean subscribed) {}

    @Override
    public boolean acceptFrom(PeerId peer) {
      return true;
    }

    @Override
    public void handleControl(PeerId peer, Rpc.Control control) {}

    @Override
    public void join(String topic) {}

    @Override
    public void leave(String topic) {}

    @Override
    public void publish(MessageId id, PubSubMessage message, PeerId receivedFrom) {}

    @Override
    public void detach() {}
  }
}
