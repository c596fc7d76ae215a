package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.ThreadScheduler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PubSub#subscribeInline}: the handler runs on the router thread, in order, with no queue between. */
class InlineSubscriptionTest {
  @RegisterExtension final PubSubFixture fixture = new PubSubFixture("inline-test");
  private final TestHosts hosts = fixture.hosts;
  private final ThreadScheduler scheduler = fixture.scheduler;
  private PubSub pubsub;

  @Test
  void theHandlerRunsOnTheRouterThreadInArrivalOrderAndSurvivesItsOwnException() throws Exception {
    Host host = hosts.start();
    PubSubConfig config = PubSubConfig.defaults().withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .withMessageIdFunction(MessageIdFunction.sha256OfData());
    pubsub = fixture.track(PubSub.create(host, config, new FloodSubRouter(), scheduler));
    await(pubsub.start());
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    Subscription sub = pubsub.subscribeInline("t", m -> {
      String data = new String(m.data(), StandardCharsets.UTF_8);
      got.add(data + (scheduler.inScheduler() ? "@router" : "@elsewhere"));
      if (data.equals("boom")) {
        throw new IllegalStateException("handler failure");
      }
    });
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    RawPeer.sync(s, pubsub, "ready");
    for (String d : List.of("one", "boom", "two", "three")) {
      RawPeer.send(s, Rpc.publish(new PubSubMessage(null, d.getBytes(StandardCharsets.UTF_8), null, "t", null, null)));
    }
    for (String want : List.of("one@router", "boom@router", "two@router", "three@router")) {
      assertThat(got.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(want);
    }
    assertThat(sub.dropped()).isZero();
  }
}
