package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link PubSub#publishWithoutCopy} takes the caller's array as it is; {@link PubSub#publish} copies it. */
class PublishWithoutCopyTest {
  private static final String TOPIC = "handover";
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(PubSub::close);
    hosts.close();
  }

  /** Our own subscribers get our publishes, so the test can see which array pubsub kept. */
  private PubSub node() {
    PubSubConfig d = PubSubConfig.defaults();
    PubSubConfig config =
        new PubSubConfig(d.signaturePolicy(), d.messageIdFunction(), d.maxMessageSize(), d.maxRpcSize(),
            d.seenTtl(), d.seenCapacity(), d.peerQueueBytes(), d.subscriberQueue(), d.maxPendingValidations(),
            true, d.verifyThreads());
    Host h = hosts.start();
    PubSub ps = PubSub.gossipsub(h, config, GossipSubParams.defaults());
    await(ps.start());
    nodes.add(ps);
    return ps;
  }

  @Test
  void theHandedOverArrayIsTheOneDeliveredAndSentWhilePublishKeepsACopy() throws Exception {
    PubSub a = node();
    PubSub b = node();
    CompletableFuture<byte[]> ownHandedOver = new CompletableFuture<>();
    CompletableFuture<byte[]> ownCopied = new CompletableFuture<>();
    CompletableFuture<String> remoteHandedOver = new CompletableFuture<>();
    CompletableFuture<String> remoteCopied = new CompletableFuture<>();
    a.subscribe(TOPIC, m -> {
      String s = new String(m.data(), StandardCharsets.UTF_8);
      (s.equals("handed over") ? ownHandedOver : ownCopied).complete(m.data());
    });
    b.subscribe(TOPIC, m -> {
      String s = new String(m.data(), StandardCharsets.UTF_8);
      (s.equals("handed over") ? remoteHandedOver : remoteCopied).complete(s);
    });
    await(a.host().connect(TestHosts.dialAddr(b.host())));
    await(a.whenMesh(TOPIC, 1));

    byte[] handedOver = "handed over".getBytes(StandardCharsets.UTF_8);
    await(a.publishWithoutCopy(TOPIC, handedOver));
    byte[] copied = "copied".getBytes(StandardCharsets.UTF_8);
    await(a.publish(TOPIC, copied));
    // the caller may reuse the array it gave publish as soon as the call returns
    copied[0] = 'X';

    assertThat(ownHandedOver.get(10, TimeUnit.SECONDS)).isSameAs(handedOver);
    assertThat(ownCopied.get(10, TimeUnit.SECONDS)).isNotSameAs(copied).asString(StandardCharsets.UTF_8)
        .isEqualTo("copied");
    assertThat(remoteHandedOver.get(10, TimeUnit.SECONDS)).isEqualTo("handed over");
    assertThat(remoteCopied.get(10, TimeUnit.SECONDS)).isEqualTo("copied");
  }

  @Test
  void aNullPayloadIsRefusedAtOnceByBoth() {
    PubSub a = node();
    assertThatThrownBy(() -> a.publishWithoutCopy(TOPIC, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("data");
    assertThatThrownBy(() -> a.publish(TOPIC, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("data");
  }

  @Test
  void anOversizedHandedOverPayloadFailsLikeAnyOther() {
    PubSub a = node();
    byte[] big = new byte[PubSubConfig.defaults().maxMessageSize() + 1];
    assertThat(a.publishWithoutCopy(TOPIC, big)).failsWithin(5, TimeUnit.SECONDS)
        .withThrowableThat().havingRootCause().isInstanceOf(PubSubException.class)
        .withMessageContaining("exceeds maxMessageSize");
  }
}
