package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.ThreadScheduler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our own publishes take the publish lane even when messages carry no author (StrictNoSign, the
 * Ethereum setting): the real routers say which messages are ours, the queue does not guess.
 *
 * <p>All sends happen in one router-thread task. The first is a forward larger than the raw peer's
 * yamux window, and the raw peer reads nothing until the task is done: that write cannot complete
 * before the peer reads, so the rest wait in the lanes behind it, and the order the raw peer reads
 * after the large one is the lane order.
 */
class OwnPublishLaneTest {
  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("lane-test");
  private final TestHosts hosts = fixture.hosts;
  private final ThreadScheduler scheduler = fixture.scheduler;
  private PubSub pubsub;

  /** Bytes of the first forward: more than a yamux stream's initial window (256 KiB). */
  private static final int LARGE = 400 * 1024;

  private <T> T onRouterThread(Supplier<T> task) {
    CompletableFuture<T> r = new CompletableFuture<>();
    scheduler.execute(() -> r.complete(task.get()));
    return await(r);
  }

  private static PubSubMessage unsigned(String data) {
    return new PubSubMessage(null, data.getBytes(StandardCharsets.UTF_8), null, "t", null, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"floodsub", "gossipsub"})
  void ourUnsignedPublishGoesBeforeQueuedForwards(String kind) throws Exception {
    Host host = hosts.start();
    Router router = kind.equals("floodsub")
        ? new FloodSubRouter()
        : new GossipSubRouter(GossipSubParams.defaults(), new Random(1));
    PubSubConfig config = PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN);
    pubsub = fixture.track(PubSub.create(host, config, router, scheduler));
    await(pubsub.start());
    RawPeer raw = new RawPeer(hosts);
    Stream toPubsub = raw.dial(host);
    RawPeer.sync(toPubsub, pubsub, "t"); // the raw peer is subscribed to t
    Stream fromPubsub = raw.awaitInbound();

    PeerId elsewhere = PeerId.random();
    MessageIdFunction ids = config.messageIdFunction();
    onRouterThread(() -> {
      PubSubMessage large = unsigned("large" + "x".repeat(LARGE));
      router.publish(ids.apply(large), large, elsewhere); // stays in flight: more than the window
      for (String tag : List.of("forward-1", "forward-2", "forward-3")) {
        PubSubMessage m = unsigned(tag);
        router.publish(ids.apply(m), m, elsewhere); // received from another peer: a forward
      }
      PubSubMessage own = unsigned("own");
      router.publish(ids.apply(own), own, null); // published here
      return null;
    });

    List<String> order = new ArrayList<>();
    while (order.size() < 5) {
      Rpc rpc = RpcCodec.decode(await(fromPubsub.readMessage(1 << 20)), RpcCodec.Limits.defaults());
      for (PubSubMessage m : rpc.publish()) {
        String data = new String(m.data(), StandardCharsets.UTF_8);
        order.add(data.startsWith("large") ? "large" : data);
      }
    }
    assertThat(order).containsExactly("large", "own", "forward-1", "forward-2", "forward-3");
  }
}
