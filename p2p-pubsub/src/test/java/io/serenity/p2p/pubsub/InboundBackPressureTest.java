package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.ThreadScheduler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A peer that sends faster than our router thread handles RPCs cannot make us queue without bound,
 * and an honest one loses nothing: we stop reading once two maximum-size RPCs wait for the router,
 * the stream's receive window is granted back only as we read, so the sender is stopped by flow
 * control (its own write queue fills and refuses more), and once the router catches up every RPC it
 * managed to send arrives. (Before, the window was granted as bytes reached the read buffer: the
 * buffer overflowed, the honest sender was reported for a violation and its stream reset, and the
 * RPCs buffered were lost.)
 */
@ExtendWith(NettyLeakCheck.class)
class InboundBackPressureTest {
  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("backpressure-test");
  private final TestHosts hosts = fixture.hosts;
  private final ThreadScheduler scheduler = fixture.scheduler;
  private PubSub pubsub;

  @Test
  void aBusyRouterThreadStopsTheSenderThroughFlowControlAndLosesNothing() throws Exception {
    Host host = hosts.start();
    PubSubConfig config = PubSubConfig.defaults().withMaxMessageSize(16 * 1024); // maxRpcSize 80 KiB
    RawPeer raw = new RawPeer(hosts);
    Stream s = subscribedPeer(host, config, raw);

    CountDownLatch release = blockRouterThread();
    List<io.serenity.p2p.host.HostEvent.ProtocolViolation> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    host.addListener(e -> {
      if (e instanceof io.serenity.p2p.host.HostEvent.ProtocolViolation v) {
        violations.add(v);
      }
    });
    // ~10 MiB of RPCs, written without awaiting: more than our read buffer (4 MiB), the RPCs the
    // router may have waiting (2 x maxRpcSize) and the sender's own write queue together
    int n = (host.config().maxStreamReadBuffer() + (6 << 20)) / (15 * 1024);
    List<CompletableFuture<Void>> writes = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      PubSubMessage m = raw.signed("t", new byte[15 * 1024]);
      writes.add(s.writeMessage(RpcCodec.encode(new Rpc(List.of(), List.of(m), null))));
    }
    // The last write is refused by the sender's own bounded queue: the window stopped it.
    assertThat(writes.get(n - 1))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("await earlier writes");
    assertThat(violations).as("an honest sender is not reported").isEmpty();
    // Writes are handled in order on the sender's event loop: every one before the refused ones was
    // accepted, and those are now either sent or waiting for window.
    long accepted = writes.stream().filter(w -> !w.isCompletedExceptionally()).count();
    assertThat(accepted).isGreaterThan(0).isLessThan(n);

    release.countDown();
    for (CompletableFuture<Void> w : writes.subList(0, (int) accepted)) {
      await(w); // the window reopens as the router reads: every accepted write goes out
    }
    RawPeer.sync(s, pubsub, "after"); // behind every accepted RPC on the same stream
    assertThat(receivedOnRouterThread()).as("RPCs the router handled").isEqualTo(accepted);
    assertThat(violations).isEmpty();
  }

  @Test
  void aFloodOfSmallRpcsPausesReadingAtTheInboxCountAndLosesNothing() throws Exception {
    Host host = hosts.start();
    // maxRpcSize over 1 MiB: the byte bound (two of them) would let about 14,000 of these RPCs wait
    PubSubConfig config = PubSubConfig.defaults().withMaxMessageSize(1 << 20);
    RawPeer raw = new RawPeer(hosts);
    Stream s = subscribedPeer(host, config, raw);

    CountDownLatch release = blockRouterThread();
    int n = PubSub.MAX_INBOX_RPCS + 2_000; // about 150 bytes each
    List<CompletableFuture<Void>> writes = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      writes.add(s.writeMessage(RpcCodec.encode(new Rpc(List.of(), List.of(raw.signed("t", new byte[] {(byte) i})), null))));
    }
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (pubsub.inboxHighWater() < PubSub.MAX_INBOX_RPCS) { // no event for it: polled, bounded
      assertThat(System.nanoTime()).as("the inbox filled up").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
    // reading paused at the count: the router's inbox holds no more, the rest waits in the stream
    assertThat(pubsub.inboxHighWater()).isEqualTo(PubSub.MAX_INBOX_RPCS);

    release.countDown();
    for (CompletableFuture<Void> w : writes) {
      await(w);
    }
    RawPeer.sync(s, pubsub, "after");
    assertThat(receivedOnRouterThread()).as("RPCs the router handled").isEqualTo(n);
    assertThat(pubsub.inboxHighWater()).isEqualTo(PubSub.MAX_INBOX_RPCS);
  }

  @Test
  void aFailureOfOursWhileHandlingAMessageLosesThatOneAndTheRestGoOn() throws Exception {
    Host host = hosts.start();
    // floodsub that throws on the subscription to "x" and on the forward of "first": bugs of ours, met
    // while the router thread handles a received RPC and after a message's signature check
    Router flood = new FloodSubRouter();
    java.util.concurrent.atomic.AtomicInteger thrown = new java.util.concurrent.atomic.AtomicInteger();
    Router failingOnce = (Router) java.lang.reflect.Proxy.newProxyInstance(
        Router.class.getClassLoader(), new Class<?>[] {Router.class}, (proxy, method, args) -> {
          if (method.getName().equals("onSubscription") && args[1].equals("x")
              || method.getName().equals("publish") && "first".equals(new String(((PubSubMessage) args[1]).data(), java.nio.charset.StandardCharsets.UTF_8))) {
            thrown.incrementAndGet();
            throw new IllegalStateException("router bug (test)");
          }
          try {
            return method.invoke(flood, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    pubsub = fixture.track(PubSub.create(host, PubSubConfig.defaults(), failingOnce, scheduler));
    await(pubsub.start());
    List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    pubsub.subscribe("t", m -> delivered.add(new String(m.message().data(), java.nio.charset.StandardCharsets.UTF_8)));
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    RawPeer.sync(s, pubsub, "ready");
    RawPeer.send(s, new Rpc(List.of(new Rpc.SubOpts(true, "x")), List.of(), null)); // handling it throws
    for (String text : List.of("first", "second", "third")) {
      RawPeer.send(s, new Rpc(List.of(), List.of(raw.signed("t", text.getBytes(java.nio.charset.StandardCharsets.UTF_8))), null));
    }
    RawPeer.sync(s, pubsub, "after"); // handled only if the inbox went on after the failure
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (delivered.size() < 2) { // delivery runs on its own thread: polled, bounded
      assertThat(System.nanoTime()).as("the later messages were delivered: %s", delivered).isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
    assertThat(delivered).containsExactly("second", "third");
    assertThat(thrown).hasValue(2); // checked messages are handled in order: "first" went before them
  }

  /** Starts pubsub on {@code host} subscribed to "t" and returns {@code raw}'s stream to it, both ready. */
  private Stream subscribedPeer(Host host, PubSubConfig config, RawPeer raw) {
    pubsub = fixture.track(PubSub.create(host, config, new FloodSubRouter(), scheduler));
    await(pubsub.start());
    pubsub.subscribe("t", m -> {});
    Stream s = raw.dial(host);
    RawPeer.sync(s, pubsub, "ready");
    return s;
  }

  /** Keeps the router thread busy until the returned latch is counted down. */
  private CountDownLatch blockRouterThread() {
    CountDownLatch release = new CountDownLatch(1);
    scheduler.execute(() -> {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return release;
  }

  private long receivedOnRouterThread() throws Exception {
    CompletableFuture<Long> received = new CompletableFuture<>();
    scheduler.execute(() -> received.complete(pubsub.stats().get("t").received()));
    return received.get(30, TimeUnit.SECONDS);
  }
}
