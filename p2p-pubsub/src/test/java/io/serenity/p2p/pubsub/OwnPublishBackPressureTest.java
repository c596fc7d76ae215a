package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.ThreadScheduler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our own publishes are not dropped when a peer's queue is full: they wait for room, bounded by the
 * backlog (beyond it a publish is refused at once) and by the publish wait (past it the publish
 * fails, naming the peer). Each test holds the router thread while it publishes, so all publishes
 * are routed back to back before any write completes: what does not fit the 4 KiB queue must wait.
 */
class OwnPublishBackPressureTest {
  private static final int MESSAGE = 1000;

  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("publish-test");
  private final TestHosts hosts = fixture.hosts;
  private final ThreadScheduler scheduler = fixture.scheduler;
  private PubSub pubsub;
  private RawPeer raw;
  private Stream fromPubsub;
  private Host host;

  private void start(long backlog, Duration wait) throws Exception {
    PubSubConfig d = PubSubConfig.defaults();
    PubSubConfig config = new PubSubConfig(SignaturePolicy.STRICT_NO_SIGN, MessageIdFunction.sha256OfData(), MESSAGE,
        2 * MESSAGE + 64, d.seenTtl(), d.seenCapacity(), 4096, d.subscriberQueue(), d.maxPendingValidations(), false,
        d.verifyThreads(), backlog, wait);
    host = hosts.start();
    pubsub = fixture.track(PubSub.create(host, config, new FloodSubRouter(), scheduler));
    await(pubsub.start());
    raw = new RawPeer(hosts);
    Stream toPubsub = raw.dial(host);
    RawPeer.sync(toPubsub, pubsub, "t");
    fromPubsub = raw.awaitInbound();
  }

  private static byte[] payload(int i) {
    byte[] b = new byte[MESSAGE];
    byte[] tag = ("m" + i + ".").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tag, 0, b, 0, tag.length);
    return b;
  }

  /** Publishes {@code n} messages while the router thread is held, then lets it go. */
  private List<CompletableFuture<?>> publishBackToBack(int n) {
    CountDownLatch release = new CountDownLatch(1);
    scheduler.execute(() -> {
      try {
        release.await(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    List<CompletableFuture<?>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(pubsub.publish("t", payload(i)));
    }
    release.countDown();
    return results;
  }

  /** Reads what the raw peer gets until the message whose payload starts with {@code end}. */
  private Set<String> readUntil(String end) {
    Set<String> got = new HashSet<>();
    while (true) {
      Rpc rpc = RpcCodec.decode(await(fromPubsub.readMessage(1 << 20)), RpcCodec.Limits.defaults());
      for (PubSubMessage m : rpc.publish()) {
        String tag = new String(m.data(), StandardCharsets.UTF_8).split("\\.")[0];
        if (tag.equals(end)) {
          return got;
        }
        got.add(tag);
      }
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void aPublisherFasterThanThePeerLosesNothing() throws Exception {
    start(PubSubConfig.DEFAULT_PUBLISH_BACKLOG, PubSubConfig.DEFAULT_PUBLISH_WAIT);
    // the peer reads as it goes: 300 KB is more than its stream window, which it grants back as it reads
    CompletableFuture<Set<String>> reading = CompletableFuture.supplyAsync(() -> readUntil("end"));
    List<CompletableFuture<?>> results = publishBackToBack(300); // 300 KB through a 4 KiB queue
    await(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)));
    await(pubsub.publish("t", "end.".getBytes(StandardCharsets.UTF_8)));
    Set<String> got = await(reading);
    assertThat(got).hasSize(300);
    assertThat(pubsub.queueDrops()).isZero();
    assertThat(pubsub.publishRefusals()).isZero();
    assertThat(pubsub.publishTimeouts()).isZero();
  }

  @Test
  void beyondTheBacklogAPublishIsRefusedAtOnceAndTheAcceptedOnesAllArrive() throws Exception {
    start(8 * 1024, PubSubConfig.DEFAULT_PUBLISH_WAIT); // about 8 messages may wait
    List<CompletableFuture<?>> results = publishBackToBack(100);
    await(CompletableFuture.allOf(results.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new)));
    List<Integer> refused = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Throwable e = failure(results.get(i));
      if (e != null) {
        assertThat(e).isInstanceOf(PubSubException.class).hasMessageContaining("publish refused")
            .hasMessageContaining("publishBacklogBytes");
        refused.add(i);
      }
    }
    assertThat(refused).as("refused publishes").isNotEmpty().hasSizeLessThan(100);
    assertThat(pubsub.publishRefusals()).isEqualTo(refused.size());
    await(pubsub.publish("t", "end.".getBytes(StandardCharsets.UTF_8)));
    Set<String> got = readUntil("end");
    assertThat(got).hasSize(100 - refused.size());
    for (int i : refused) {
      assertThat(got).doesNotContain("m" + i);
    }
    assertThat(pubsub.queueDrops()).isZero();
  }

  @Test
  void aPeerThatStopsReadingFailsThePublishesThatWaitedTooLongNamingIt() throws Exception {
    start(PubSubConfig.DEFAULT_PUBLISH_BACKLOG, Duration.ofMillis(300));
    TestHosts.stopReading(raw.host.connection(host.peerId()).orElseThrow());
    // more than the stream window and socket buffers take: the queue fills and stays full
    List<CompletableFuture<?>> results = publishBackToBack(4000);
    await(CompletableFuture.allOf(results.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new)));
    long failed = 0;
    for (CompletableFuture<?> f : results) {
      Throwable e = failure(f);
      if (e != null) {
        assertThat(e).isInstanceOf(PubSubException.class).hasMessageContaining("was not sent to 1 peer(s)")
            .hasMessageContaining(raw.host.peerId().toString()).hasMessageContaining("300 ms");
        failed++;
      }
    }
    assertThat(failed).as("publishes that waited too long").isPositive();
    assertThat(pubsub.publishTimeouts()).isEqualTo(failed);
    assertThat(pubsub.queueDrops()).isZero();
  }
}
