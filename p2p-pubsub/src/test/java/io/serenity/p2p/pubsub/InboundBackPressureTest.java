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
 * A peer that sends faster than our router thread handles RPCs cannot make us queue without bound:
 * we stop reading once two maximum-size RPCs wait for the router, what it sends next waits in the
 * stream's read buffer, and when that buffer's limit is passed the host resets the stream.
 */
@ExtendWith(NettyLeakCheck.class)
class InboundBackPressureTest {
  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("backpressure-test");
  private final TestHosts hosts = fixture.hosts;
  private final ThreadScheduler scheduler = fixture.scheduler;
  private PubSub pubsub;

  @Test
  void aBusyRouterThreadStopsReadingAndTheSenderStalls() throws Exception {
    Host host = hosts.start();
    PubSubConfig config = PubSubConfig.defaults().withMaxMessageSize(16 * 1024); // maxRpcSize 80 KiB
    pubsub = fixture.track(PubSub.create(host, config, new FloodSubRouter(), scheduler));
    await(pubsub.start());
    pubsub.subscribe("t", m -> {});
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    RawPeer.sync(s, pubsub, "ready");

    CountDownLatch release = new CountDownLatch(1);
    scheduler.execute(() -> {
      try {
        release.await(60, TimeUnit.SECONDS); // the router thread is busy until released
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<io.serenity.p2p.host.HostEvent.ProtocolViolation> violation = new CompletableFuture<>();
    host.addListener(e -> {
      if (e instanceof io.serenity.p2p.host.HostEvent.ProtocolViolation v) {
        violation.complete(v);
      }
    });
    // ~6 MiB of RPCs, more than 2 x maxRpcSize plus the host's 4 MiB stream read buffer
    int n = (host.config().maxStreamReadBuffer() + (2 << 20)) / (15 * 1024);
    for (int i = 0; i < n && !violation.isDone(); i++) {
      PubSubMessage m = raw.signed("t", new byte[15 * 1024]);
      s.writeMessage(RpcCodec.encode(new Rpc(List.of(), List.of(m), null)));
    }
    io.serenity.p2p.host.HostEvent.ProtocolViolation v = violation.get(30, TimeUnit.SECONDS);
    assertThat(v.peer()).isEqualTo(raw.host.peerId());
    assertThat(v.violation()).contains("unread bytes");
    await(s.closeFuture()); // the sender's stream was reset: it cannot send more

    release.countDown();
    // The router handled what it had taken (at most 2 x maxRpcSize + one RPC), not the whole flood.
    // This task runs after the RPCs queued while the router was busy; the last of them resumed the
    // read loop, whose read is queued on the connection's event loop by now.
    long handled = receivedOnRouterThread();
    assertThat(handled).isLessThanOrEqualTo(2L * config.maxRpcSize() / (15 * 1024) + 2).isLessThan(n);
    // A marker on a new stream of the same connection is read on that event loop after the resumed
    // read was served, and handled on the router thread after any RPC that read returned: once it
    // was handled, nothing more may have come from the reset stream's unread bytes.
    RawPeer.sync(await(s.connection().newStream(FloodSubRouter.PROTOCOL_ID)), pubsub, "after");
    assertThat(receivedOnRouterThread()).as("RPCs handled after the stream was reset").isEqualTo(handled);
  }

  private long receivedOnRouterThread() throws Exception {
    CompletableFuture<Long> received = new CompletableFuture<>();
    scheduler.execute(() -> received.complete(pubsub.stats().get("t").received()));
    return received.get(30, TimeUnit.SECONDS);
  }
}
