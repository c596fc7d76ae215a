package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The validation pipeline is bounded by {@link PubSubConfig#maxPendingValidations()}. */
@ExtendWith(NettyLeakCheck.class)
class ValidationQueueFullTest {
  private static final String TOPIC = "blocks";
  private final TestHosts hosts = new TestHosts();
  private PubSub pubsub;

  @AfterEach
  void close() {
    if (pubsub != null) {
      pubsub.close();
    }
    hosts.close();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void messagesBeyondMaxPendingValidationsAreDroppedAndCountedUntilValidationsComplete() throws Exception {
    PubSubConfig d = PubSubConfig.defaults();
    PubSubConfig config =
        new PubSubConfig(d.signaturePolicy(), d.messageIdFunction(), d.maxMessageSize(), d.maxRpcSize(),
            d.seenTtl(), d.seenCapacity(), d.peerQueueBytes(), d.subscriberQueue(), 2, d.deliverOwnMessages(),
            0); // signatures checked inline: only validations count against the bound here
    Host host = hosts.start();
    pubsub = PubSub.floodsub(host, config);
    await(pubsub.start());

    // An asynchronous validator that holds every message until the test releases it.
    List<CompletableFuture<ValidationResult>> held = new CopyOnWriteArrayList<>();
    List<String> validated = new CopyOnWriteArrayList<>();
    pubsub.addValidator(TOPIC, (from, m) -> {
      validated.add(new String(m.data(), StandardCharsets.UTF_8));
      CompletableFuture<ValidationResult> f = new CompletableFuture<>();
      held.add(f);
      return f;
    });
    List<String> delivered = new CopyOnWriteArrayList<>();
    CountDownLatch firstTwo = new CountDownLatch(2);
    CountDownLatch allFour = new CountDownLatch(4);
    pubsub.subscribe(TOPIC, m -> {
      delivered.add(new String(m.data(), StandardCharsets.UTF_8));
      firstTwo.countDown();
      allFour.countDown();
    });

    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    List<PubSubMessage> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(raw.signed(TOPIC, text("m" + i)));
      RawPeer.send(s, Rpc.publish(sent.get(i)));
    }
    RawPeer.sync(s, pubsub, "marker-1");

    // two validations in flight fill the queue; the other three were dropped without validation
    assertThat(validated).containsExactly("m0", "m1");
    TopicCounters.Snapshot full = pubsub.stats().get(TOPIC);
    assertThat(full.received()).isEqualTo(5);
    assertThat(full.dropped()).as("dropped while the validation queue was full").isEqualTo(3);
    assertThat(full.validated()).isZero();
    assertThat(delivered).isEmpty();

    // releasing the held validations frees the queue
    held.forEach(f -> f.complete(ValidationResult.ACCEPT));
    assertThat(firstTwo.await(30, TimeUnit.SECONDS)).isTrue();

    RawPeer.send(s, Rpc.publish(raw.signed(TOPIC, text("m5"))));
    RawPeer.send(s, Rpc.publish(raw.signed(TOPIC, text("m6"))));
    RawPeer.sync(s, pubsub, "marker-2");
    assertThat(validated).as("the queue accepts again once validations completed").containsExactly("m0", "m1", "m5", "m6");
    assertThat(pubsub.stats().get(TOPIC).dropped()).as("no new drops").isEqualTo(3);

    held.forEach(f -> f.complete(ValidationResult.ACCEPT));
    assertThat(allFour.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(delivered).containsExactlyInAnyOrder("m0", "m1", "m5", "m6");
    assertThat(pubsub.stats().get(TOPIC).validated()).isEqualTo(4);
  }

  @Test
  void aMessageDroppedForAFullQueueIsValidatedWhenItArrivesAgain() throws Exception {
    PubSubConfig d = PubSubConfig.defaults();
    PubSubConfig config =
        new PubSubConfig(d.signaturePolicy(), d.messageIdFunction(), d.maxMessageSize(), d.maxRpcSize(),
            d.seenTtl(), d.seenCapacity(), d.peerQueueBytes(), d.subscriberQueue(), 1, d.deliverOwnMessages(),
            0); // signatures checked inline: only validations count against the bound here
    Host host = hosts.start();
    pubsub = PubSub.floodsub(host, config);
    await(pubsub.start());
    List<CompletableFuture<ValidationResult>> held = new CopyOnWriteArrayList<>();
    List<String> validated = new CopyOnWriteArrayList<>();
    pubsub.addValidator(TOPIC, (from, m) -> {
      validated.add(new String(m.data(), StandardCharsets.UTF_8));
      CompletableFuture<ValidationResult> f = new CompletableFuture<>();
      held.add(f);
      return f;
    });
    CountDownLatch first = new CountDownLatch(1);
    pubsub.subscribe(TOPIC, m -> first.countDown());

    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    PubSubMessage a = raw.signed(TOPIC, text("a"));
    PubSubMessage b = raw.signed(TOPIC, text("b"));
    RawPeer.send(s, Rpc.publish(a));
    RawPeer.send(s, Rpc.publish(b)); // dropped: the one slot is taken by a
    RawPeer.sync(s, pubsub, "marker-1");
    assertThat(validated).containsExactly("a");
    held.get(0).complete(ValidationResult.ACCEPT);
    assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();

    // The drop was our overload, not a verdict on b: b was not remembered as seen (as in
    // go-libp2p, where a throttled message is never marked seen), so a copy from a peer is validated.
    RawPeer.send(s, Rpc.publish(b));
    RawPeer.sync(s, pubsub, "marker-2");
    assertThat(validated).containsExactly("a", "b");
    assertThat(pubsub.stats().get(TOPIC).dropped()).isEqualTo(1);
  }
}
