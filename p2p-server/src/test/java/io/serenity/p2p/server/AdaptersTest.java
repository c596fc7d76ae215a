package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.server.testpb.Puzzle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptersTest {

  private static final PeerId X = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 1).publicKey());
  private static final PeerId Y = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 2).publicKey());

  private final List<Message<?>> passed = new ArrayList<>();
  private final Handler sink = passed::add;

  private static Message<Puzzle> msg(PeerId from, MessageContext.Source source) {
    Puzzle p = Puzzle.newBuilder().setChallenge("c").build();
    return new Message<>(MessageContext.of("puzzles", source, "", p.getSerializedSize()), from, p);
  }

  @Test
  void rateLimitAllowsABurstThenTheRatePerPeer() {
    AtomicLong now = new AtomicLong();
    Handler h = Adapters.rateLimit(1, 2, now::get).wrap(sink);
    for (int i = 0; i < 3; i++) {
      h.handle(msg(X, MessageContext.Source.PUBSUB));
    }
    assertThat(passed).hasSize(2);
    h.handle(msg(Y, MessageContext.Source.PUBSUB)); // another peer has its own bucket
    assertThat(passed).hasSize(3);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    assertThat(passed).as("not yet a whole token").hasSize(3);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    assertThat(passed).hasSize(4);
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    for (int i = 0; i < 5; i++) {
      h.handle(msg(X, MessageContext.Source.PUBSUB));
    }
    assertThat(passed).as("tokens cap at the burst").hasSize(6);
    assertThatThrownBy(() -> Adapters.rateLimit(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void blocklistDropsBlockedPeersAndFollowsChanges() {
    Set<PeerId> banned = ConcurrentHashMap.newKeySet();
    banned.add(X);
    Handler h = Adapters.blocklist(banned::contains).wrap(sink);
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    h.handle(msg(Y, MessageContext.Source.DIRECT));
    assertThat(passed).extracting(Message::peer).containsExactly(Y);
    banned.remove(X);
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    assertThat(passed).extracting(Message::peer).containsExactly(Y, X);
  }

  @Test
  void metricsCountMessagesBytesAndDirectOnesPerTopic() {
    MessageMetrics metrics = new MessageMetrics();
    Handler h = Adapters.metrics(metrics).wrap(sink);
    Message<Puzzle> m = msg(X, MessageContext.Source.PUBSUB);
    h.handle(m);
    h.handle(msg(Y, MessageContext.Source.DIRECT));
    assertThat(passed).hasSize(2);
    MessageMetrics.Counts c = metrics.of("puzzles");
    assertThat(c.messages()).isEqualTo(2);
    assertThat(c.bytes()).isEqualTo(2L * m.context().size());
    assertThat(c.direct()).isEqualTo(1);
    assertThat(metrics.snapshot()).containsOnlyKeys("puzzles");
    assertThat(metrics.of("other")).isEqualTo(new MessageMetrics.Counts(0, 0, 0));
  }

  @Test
  void loggingPassesEveryMessageOn() {
    Handler h = Adapters.logging().wrap(sink);
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    assertThat(passed).hasSize(1);
  }

  @Test
  void contextAttributesCarryValuesInward() {
    Adapter tag = next -> msg -> next.handle(msg.withContext(msg.context().withAttribute("trace", "t-1")));
    Handler h = tag.wrap(sink);
    h.handle(msg(X, MessageContext.Source.PUBSUB));
    assertThat(passed.get(0).context().attribute("trace")).contains("t-1");
    assertThat(passed.get(0).context().attribute("none")).isEmpty();
  }
}
