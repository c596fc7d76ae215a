package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** floodsub over real hosts on loopback. */
class FloodSubTest {
  private static final String TOPIC = "news";
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  private PubSub node(PubSubConfig config) {
    Host h = hosts.start();
    created.add(h);
    PubSub ps = PubSub.floodsub(h, config);
    await(ps.start());
    nodes.add(ps);
    return ps;
  }

  private static long rejected(PubSub ps) {
    TopicCounters.Snapshot c = ps.stats().get(TOPIC);
    return c == null ? 0 : c.rejected();
  }

  private static void awaitTopicPeers(PubSub ps, int n) {
    await(ps.whenPeers(TOPIC, n));
  }

  @Test
  void everyMessageReachesEverySubscriberOfALineExactlyOnce() throws Exception {
    int n = 5;
    for (int i = 0; i < n; i++) {
      node(PubSubConfig.defaults());
    }
    Map<PeerId, List<String>> got = new ConcurrentHashMap<>();
    int messages = 20;
    CountDownLatch all = new CountDownLatch(n * messages - messages);
    for (PubSub ps : nodes) {
      List<String> list = new CopyOnWriteArrayList<>();
      got.put(ps.peerId(), list);
      ps.subscribe(TOPIC, m -> {
        list.add(new String(m.data(), StandardCharsets.UTF_8));
        all.countDown();
      });
    }
    // a line: 0 - 1 - 2 - 3 - 4
    for (int i = 0; i + 1 < n; i++) {
      Host a = hostOf(i);
      await(a.connect(TestHosts.dialAddr(hostOf(i + 1))));
    }
    awaitTopicPeers(nodes.get(0), 1);
    for (int i = 1; i + 1 < n; i++) {
      awaitTopicPeers(nodes.get(i), 2);
    }
    awaitTopicPeers(nodes.get(n - 1), 1);
    for (int i = 0; i < messages; i++) {
      await(nodes.get(0).publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(all.await(30, TimeUnit.SECONDS)).as("all deliveries: %s", got).isTrue();
    for (int i = 1; i < n; i++) {
      assertThat(got.get(nodes.get(i).peerId())).as("node %d", i).hasSize(messages).doesNotHaveDuplicates();
    }
    assertThat(got.get(nodes.get(0).peerId())).as("own messages are not delivered back").isEmpty();
    assertThat(nodes.get(n - 1).stats().get(TOPIC).validated()).isEqualTo(messages);
  }

  @Test
  void signedMessagesCountUpFromTheUnixTimeInNanosecondsSoTheirFirstByteIsNeverZero() throws Exception {
    long before = PubSub.initialSeqno(java.time.Instant.now());
    PubSub a = node(PubSubConfig.defaults());
    long after = PubSub.initialSeqno(java.time.Instant.now());
    PubSub b = node(PubSubConfig.defaults());
    List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    b.subscribe(TOPIC, m -> {
      got.add(m);
      three.countDown();
    });
    a.subscribe(TOPIC, m -> {});
    await(hostOf(0).connect(TestHosts.dialAddr(hostOf(1))));
    awaitTopicPeers(a, 1);
    for (int i = 0; i < 3; i++) {
      await(a.publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
    List<Long> seqnos = new ArrayList<>();
    for (ReceivedMessage m : got) {
      byte[] seq = m.message().seqno();
      assertThat(seq).hasSize(8);
      assertThat(seq[0]).as("first byte (js floodsub cannot verify a seqno with a leading zero byte)").isNotZero();
      seqnos.add(java.nio.ByteBuffer.wrap(seq).getLong());
    }
    java.util.Collections.sort(seqnos);
    assertThat(seqnos.get(0)).isGreaterThan(before).isLessThanOrEqualTo(after + 1);
    assertThat(seqnos).containsExactly(seqnos.get(0), seqnos.get(0) + 1, seqnos.get(0) + 2);
  }

  @Test
  void theFirstSeqnoIsTheUnixTimeInNanoseconds() {
    assertThat(PubSub.initialSeqno(java.time.Instant.parse("2026-12-06T00:00:00.000000123Z")))
        .isEqualTo(1_796_515_200_000_000_123L);
    // the top byte stays non-zero from 2001 until the counter's sign bit in 2262
    assertThat(PubSub.initialSeqno(java.time.Instant.parse("2001-01-01T00:00:00Z")) >>> 56).isNotZero();
    assertThat(PubSub.initialSeqno(java.time.Instant.parse("2262-04-11T00:00:00Z"))).isPositive();
  }

  @Test
  void strictNoSignNodesExchangeUnsignedMessagesAndRejectSignedOnes() throws Exception {
    PubSub unsigned = node(PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN));
    PubSub receiver = node(PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN));
    PubSub signer = node(PubSubConfig.defaults());
    List<ReceivedMessage> got = new CopyOnWriteArrayList<>();
    CountDownLatch one = new CountDownLatch(1);
    receiver.subscribe(TOPIC, m -> {
      got.add(m);
      one.countDown();
    });
    unsigned.subscribe(TOPIC, m -> {});
    signer.subscribe(TOPIC, m -> {});
    await(hostOf(0).connect(TestHosts.dialAddr(hostOf(1))));
    await(hostOf(2).connect(TestHosts.dialAddr(hostOf(1))));
    awaitTopicPeers(receiver, 2);
    awaitTopicPeers(signer, 1);
    awaitTopicPeers(unsigned, 1);

    await(signer.publish(TOPIC, "signed".getBytes(StandardCharsets.UTF_8)));
    // Rejection has no event of its own: wait for the receiver's counter (bounded), then check it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (rejected(receiver) == 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(rejected(receiver)).as("signed message rejected under StrictNoSign").isEqualTo(1);

    await(unsigned.publish(TOPIC, "plain".getBytes(StandardCharsets.UTF_8)));
    assertThat(one.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(got).singleElement().satisfies(m -> {
      assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("plain");
      assertThat(m.message().from()).isNull();
      assertThat(m.message().seqno()).isNull();
    });
  }

  @Test
  void validatorRejectStopsDeliveryAndForwarding() throws Exception {
    PubSub a = node(PubSubConfig.defaults());
    PubSub b = node(PubSubConfig.defaults());
    PubSub c = node(PubSubConfig.defaults());
    b.addValidator(TOPIC, Validator.of((from, m) -> m.data()[0] == 'x' ? ValidationResult.REJECT : ValidationResult.ACCEPT));
    List<String> atB = new CopyOnWriteArrayList<>();
    List<String> atC = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    a.subscribe(TOPIC, m -> {});
    b.subscribe(TOPIC, m -> {
      atB.add(new String(m.data(), StandardCharsets.UTF_8));
      done.countDown();
    });
    c.subscribe(TOPIC, m -> {
      atC.add(new String(m.data(), StandardCharsets.UTF_8));
      done.countDown();
    });
    await(hostOf(0).connect(TestHosts.dialAddr(hostOf(1))));
    await(hostOf(1).connect(TestHosts.dialAddr(hostOf(2))));
    awaitTopicPeers(a, 1);
    awaitTopicPeers(b, 2);
    awaitTopicPeers(c, 1);
    await(a.publish(TOPIC, "xbad".getBytes(StandardCharsets.UTF_8)));
    await(a.publish(TOPIC, "good".getBytes(StandardCharsets.UTF_8)));
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(atB).containsExactly("good");
    assertThat(atC).containsExactly("good");
    assertThat(b.stats().get(TOPIC).rejected()).isEqualTo(1);
  }

  @Test
  void asyncIgnoreDropsWithoutDeliveryAndUnsubscribeStopsDelivery() throws Exception {
    PubSub a = node(PubSubConfig.defaults());
    PubSub b = node(PubSubConfig.defaults());
    // an asynchronous validator that ignores messages starting with 'i'
    b.addValidator(TOPIC, (from, m) -> java.util.concurrent.CompletableFuture.supplyAsync(
        () -> m.data()[0] == 'i' ? ValidationResult.IGNORE : ValidationResult.ACCEPT));
    List<String> atB = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    a.subscribe(TOPIC, m -> {});
    Subscription sub = b.subscribe(TOPIC, m -> {
      atB.add(new String(m.data(), StandardCharsets.UTF_8));
      first.countDown();
    });
    await(hostOf(0).connect(TestHosts.dialAddr(hostOf(1))));
    awaitTopicPeers(a, 1);
    awaitTopicPeers(b, 1);
    await(a.publish(TOPIC, "ignored".getBytes(StandardCharsets.UTF_8)));
    await(a.publish(TOPIC, "kept".getBytes(StandardCharsets.UTF_8)));
    assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(atB).containsExactly("kept");
    assertThat(b.stats().get(TOPIC).ignored()).isEqualTo(1);

    // after unsubscribing, b leaves the topic: a sees it go, and nothing more reaches b's handler
    sub.cancel();
    sub.cancel(); // idempotent
    a.subscribe("after", m -> {});
    b.subscribe("after", m -> {});
    await(a.whenPeers("after", 1)); // b's announcements travel in order: its leave of TOPIC came first
    assertThat(await(a.peers(TOPIC))).isEmpty();
    await(a.publish(TOPIC, "late".getBytes(StandardCharsets.UTF_8)));
    assertThat(atB).containsExactly("kept");
  }

  @Test
  void publishFailsClearlyWhenTooLargeOrNotStarted() {
    PubSub a = node(PubSubConfig.defaults().withMaxMessageSize(1024));
    assertThat(a.publish(TOPIC, new byte[1025])).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("exceeds maxMessageSize 1024");
    Host h = hosts.start();
    created.add(h);
    PubSub notStarted = PubSub.floodsub(h, PubSubConfig.defaults());
    nodes.add(notStarted);
    assertThat(notStarted.publish(TOPIC, new byte[1])).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("not started");
  }

  private Host hostOf(int i) {
    return hostsList().get(i);
  }

  private final List<Host> created = new ArrayList<>();

  private List<Host> hostsList() {
    return created;
  }
}
