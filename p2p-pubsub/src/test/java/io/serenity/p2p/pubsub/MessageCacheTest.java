package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import java.util.List;
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

  private static PubSubMessage big(int size, int seed) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 7 + seed);
    }
    return new PubSubMessage(new byte[] {9}, data, new byte[] {8}, "t", new byte[] {7}, new byte[] {6});
  }

  @Test
  void largePayloadsComeBackIntactAndTheirArraysAreReusedOnceTheirWindowLeaves() {
    MessageCache c = new MessageCache(2, 1, 1 << 20);
    PubSubMessage large = big(MessageCache.RECYCLE_THRESHOLD, 3);
    PubSubMessage small = big(MessageCache.RECYCLE_THRESHOLD - 1, 4);
    c.put(id(1), large);
    c.put(id(2), small);
    assertThat(c.bytes()).isEqualTo(2L * MessageCache.RECYCLE_THRESHOLD - 1);

    PubSubMessage back = c.getForPeer(id(1), PeerId.random(), 3).orElseThrow();
    assertThat(back.data()).isEqualTo(large.data()).isNotSameAs(large.data());
    assertThat(back.from()).isEqualTo(large.from());
    assertThat(back.seqno()).isEqualTo(large.seqno());
    assertThat(back.signature()).isEqualTo(large.signature());
    assertThat(back.key()).isEqualTo(large.key());
    assertThat(back.topic()).isEqualTo("t");
    assertThat(c.get(id(2)).orElseThrow()).as("small payloads are kept as they came").isSameAs(small);
    large.data()[0]++;
    assertThat(c.get(id(1)).orElseThrow().data()).as("the cache holds a copy").isEqualTo(back.data());

    c.shift();
    assertThat(c.freeBytes()).isZero();
    c.shift(); // the window holding both leaves the history
    assertThat(c.bytes()).isZero();
    assertThat(c.get(id(1))).isEmpty();
    assertThat(c.freeBytes()).as("the large payload's array is kept").isEqualTo(MessageCache.RECYCLE_THRESHOLD);

    PubSubMessage next = big(MessageCache.RECYCLE_THRESHOLD, 5); // same size class
    c.put(id(3), next);
    assertThat(c.freeBytes()).as("and reused").isZero();
    assertThat(c.get(id(3)).orElseThrow().data()).isEqualTo(next.data());
  }

  @Test
  void theCacheHoldsAtMostMaxBytesOfPayloadsForgettingTheOldestFirst() {
    int size = 10_000;
    MessageCache c = new MessageCache(5, 3, 25_000);
    c.put(id(1), big(size, 1));
    c.shift();
    c.put(id(2), big(size, 2));
    c.put(id(3), big(size, 3));
    assertThat(c.evictedEarly()).isEqualTo(1);
    assertThat(c.bytes()).isEqualTo(2L * size);
    assertThat(c.get(id(1))).as("the oldest went first").isEmpty();
    assertThat(c.get(id(2))).isPresent();
    assertThat(c.get(id(3))).isPresent();
    assertThat(c.gossipIds("t")).containsExactly(id(2), id(3));

    c.put(id(4), big(size, 4)); // evicts from the newest window when nothing older is left
    assertThat(c.get(id(2))).isEmpty();
    assertThat(c.get(id(4)).orElseThrow().data()).isEqualTo(big(size, 4).data());
    assertThat(c.evictedEarly()).isEqualTo(2);
    assertThat(c.freeBytes()).as("arrays kept stay within the bound").isLessThanOrEqualTo(25_000);
  }

  @Test
  void clearForgetsEverythingAndTheCacheStaysUsable() {
    MessageCache c = new MessageCache(3, 2, 1 << 20);
    c.put(id(1), big(20_000, 1));
    c.shift();
    c.put(id(2), big(20_000, 2));
    c.clear();
    assertThat(c.size()).isZero();
    assertThat(c.bytes()).isZero();
    assertThat(c.freeBytes()).isZero();
    c.put(id(3), big(20_000, 3));
    assertThat(c.get(id(3)).orElseThrow().data()).isEqualTo(big(20_000, 3).data());
    assertThatThrownBy(() -> new MessageCache(3, 2, 0)).hasMessageContaining("bytes");
  }

  @Test
  void theByteBoundIsAGossipSubOptionAndReachesTheRouter() {
    assertThat(GossipSubOptions.defaults().messageCacheBytes()).isEqualTo(256L << 20);
    assertThatThrownBy(() -> GossipSubOptions.defaults().withMessageCacheBytes(0).validate())
        .hasMessageContaining("messageCacheBytes");
    GossipSubOptions small = GossipSubOptions.defaults().withMessageCacheBytes(50_000);
    assertThat(small.withPeerExchange(true).withDirectPeers(List.of()).messageCacheBytes())
        .as("kept by the other withers").isEqualTo(50_000);
    GossipSubRouter router = new GossipSubRouter(GossipSubParams.defaults(), small, new java.util.Random(1));
    router.attach(new FakeRouterContext(new io.serenity.p2p.time.ManualScheduler()));
    for (int i = 0; i < 6; i++) {
      router.publish(id(i), big(10_000, i), null);
    }
    assertThat(router.messageCacheEvictedEarly()).isEqualTo(1);
    router.detach();
  }
}
