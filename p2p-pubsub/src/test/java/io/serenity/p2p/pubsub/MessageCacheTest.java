package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import org.junit.jupiter.api.Test;

class MessageCacheTest {

  private static MessageId id(int i) {
    return new MessageId(new byte[] {(byte) i});
  }

  private static PubSubMessage msg(String topic) {
    return new PubSubMessage(null, new byte[] {1}, null, topic, null, null);
  }

  @Test
  void gossipCoversTheNewestWindowsAndGetCoversAllOfThem() {
    MessageCache c = new MessageCache(5, 3);
    for (int i = 0; i < 5; i++) {
      c.put(id(i), msg("t"));
      c.shift();
    }
    // windows, newest first: [], 4, 3, 2, 1 (0 was shifted out)
    assertThat(c.gossipIds("t")).containsExactly(id(4), id(3));
    assertThat(c.get(id(0))).isEmpty();
    assertThat(c.get(id(1))).isPresent();
    assertThat(c.size()).isEqualTo(4);
  }

  @Test
  void gossipIsPerTopic() {
    MessageCache c = new MessageCache(3, 2);
    c.put(id(1), msg("a"));
    c.put(id(2), msg("b"));
    assertThat(c.gossipIds("a")).containsExactly(id(1));
    assertThat(c.gossipIds("b")).containsExactly(id(2));
    assertThat(c.gossipIds("c")).isEmpty();
  }

  @Test
  void onePeerGetsAMessageByIwantAtMostTheRetransmissionLimit() {
    MessageCache c = new MessageCache(3, 2);
    c.put(id(1), msg("t"));
    PeerId p = PeerId.random();
    PeerId q = PeerId.random();
    assertThat(c.getForPeer(id(1), p, 2)).isPresent();
    assertThat(c.getForPeer(id(1), p, 2)).isPresent();
    assertThat(c.getForPeer(id(1), p, 2)).isEmpty();
    assertThat(c.getForPeer(id(1), q, 2)).isPresent();
  }

  @Test
  void historyGossipMustFitTheHistory() {
    assertThatThrownBy(() -> new MessageCache(3, 4)).hasMessageContaining("historyGossip");
  }
}
