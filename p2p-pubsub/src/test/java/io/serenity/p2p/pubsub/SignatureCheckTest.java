package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** StrictSign checks on the verifier pool (or inline) over real hosts on loopback. */
class SignatureCheckTest {
  private static final String TOPIC = "signed";
  private final TestHosts hosts = new TestHosts();
  private final List<PubSub> nodes = new ArrayList<>();
  private final List<Host> created = new ArrayList<>();

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

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void signedMessagesArriveOnceEachInPublishOrder(int verifyThreads) throws Exception {
    PubSubConfig config = PubSubConfig.defaults().withVerifyThreads(verifyThreads);
    PubSub a = node(config);
    PubSub b = node(config);
    int messages = 300;
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(messages);
    a.subscribe(TOPIC, m -> {});
    b.subscribe(TOPIC, m -> {
      got.add(new String(m.data(), StandardCharsets.UTF_8));
      all.countDown();
    });
    await(created.get(0).connect(TestHosts.dialAddr(created.get(1))));
    await(a.whenPeers(TOPIC, 1));
    await(b.whenPeers(TOPIC, 1));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      sent.add("m" + i);
      // not awaited one by one: many messages are in flight at once, so checks overlap on the pool
      a.publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactlyElementsOf(sent);
    assertThat(b.stats().get(TOPIC).validated()).isEqualTo(messages);
    assertThat(b.stats().get(TOPIC).rejected()).isZero();
    assertThat(b.checkDrops()).isZero();
  }

  @Test
  void verifyThreadsOutOfRangeIsRejected() {
    assertThatThrownBy(() -> PubSubConfig.defaults().withVerifyThreads(-1).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verifyThreads");
    assertThatThrownBy(() -> PubSubConfig.defaults().withVerifyThreads(65).validate())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PubSubConfig.defaults().verifyThreads()).isBetween(1, 4);
  }
}
