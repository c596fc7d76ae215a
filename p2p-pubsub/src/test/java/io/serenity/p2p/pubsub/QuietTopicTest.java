package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pubsub streams are long-lived: a topic silent for many idle-stream timeouts still delivers, and a
 * pubsub stream lost while its connection lives is reopened.
 */
class QuietTopicTest {
  private static final String TOPIC = "slashings";
  private static final Duration IDLE = Duration.ofMillis(200);
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  private PubSub node() {
    Host h = hosts.start(KeyType.SECP256K1, HostConfig.builder().idleStreamTimeout(IDLE).build());
    PubSub ps = PubSub.gossipsub(h, PubSubConfig.defaults(), GossipSubParams.defaults());
    await(ps.start());
    nodes.add(ps);
    return ps;
  }

  private static void silence(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < until) { // the silence itself is what is tested, not a synchronisation
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static String take(BlockingQueue<String> q) throws InterruptedException {
    String s = q.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("a delivery within %s", TestHosts.TIMEOUT).isNotNull();
    return s;
  }

  @Test
  void aTopicSilentForTenIdleTimeoutsStillDeliversWithoutReopening() throws Exception {
    PubSub a = node();
    PubSub b = node();
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    a.subscribe(TOPIC, m -> { });
    b.subscribe(TOPIC, m -> got.add(new String(m.data(), StandardCharsets.UTF_8)));
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    await(a.whenMesh(TOPIC, 1));
    await(b.whenMesh(TOPIC, 1));

    silence(IDLE.multipliedBy(10));

    await(a.publish(TOPIC, "after the silence".getBytes(StandardCharsets.UTF_8)));
    assertThat(take(got)).isEqualTo("after the silence");
    assertThat(a.streamReopens()).as("the stream was never lost").isZero();
    assertThat(b.streamReopens()).isZero();
    assertThat(await(a.meshPeers(TOPIC))).containsExactly(b.peerId());
  }

  @Test
  void aPubsubStreamResetByThePeerIsReopenedWhileTheConnectionLives() throws Exception {
    PubSub a = node();
    PubSub b = node();
    CompletableFuture<Stream> bInbound = new CompletableFuture<>();
    b.host().addListener(e -> {
      if (e instanceof HostEvent.StreamOpened o && o.stream().protocol().startsWith("/meshsub/")) {
        bInbound.complete(o.stream());
      }
    });
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    a.subscribe(TOPIC, m -> { });
    b.subscribe(TOPIC, m -> got.add(new String(m.data(), StandardCharsets.UTF_8)));
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    await(a.whenPeers(TOPIC, 1));

    await(bInbound).reset(); // a's outbound pubsub stream dies; the connection stays
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (a.streamReopens() == 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // awaiting the reopen event, bounded
    }
    assertThat(a.streamReopens()).isEqualTo(1);
    assertThat(a.host().connection(b.peerId())).as("same connection").isPresent();
    await(a.whenPeers(TOPIC, 1));
    await(a.publish(TOPIC, "after the reopen".getBytes(StandardCharsets.UTF_8)));
    assertThat(take(got)).isEqualTo("after the reopen");
  }
}
