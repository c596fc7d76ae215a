package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.pubsub.PubSubConfig;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A topic's inbox is bounded in bytes as well as in messages: a count alone lets 1,024 messages of
 * the largest size (10 MiB in Ethereum) hold gigabytes while the application is slow.
 */
class TopicInboxBytesTest {
  private static final PeerId PEER = PeerId.random();

  private static RegisteredTopic.Inbound inbound(int size) {
    return new RegisteredTopic.Inbound(new byte[size], null, PEER, MessageContext.Source.PUBSUB, "id", Instant.now());
  }

  @Test
  void aMessageThatWouldPassTheByteBoundIsDroppedAndCountedAndTheBytesComeBackAsMessagesAreTaken()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    BlockingQueue<Integer> delivered = new LinkedBlockingQueue<>();
    RegisteredTopic.Counters counters = new RegisteredTopic.Counters();
    // room for 100 messages but only 1,000 bytes; the handler holds the first message until released
    RegisteredTopic<byte[]> t = new RegisteredTopic<>("t", byte[].class, "/test/t", m -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.add(((byte[]) m.data()).length);
    }, bytes -> bytes, "raw", 100, 1000, counters);
    try {
      t.start("test");
      t.offer(inbound(10)); // taken by the thread, held in the handler: no longer in the inbox
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      t.offer(inbound(400));
      t.offer(inbound(400)); // 800 of 1,000 bytes
      t.offer(inbound(300)); // would make 1,100: dropped
      assertThat(counters.dropped.get()).isEqualTo(1);
      t.offer(inbound(200)); // exactly 1,000: fits
      assertThat(counters.dropped.get()).isEqualTo(1);
      t.offer(inbound(1)); // one byte over
      assertThat(counters.dropped.get()).isEqualTo(2);

      release.countDown();
      for (int expected : new int[] {10, 400, 400, 200}) {
        assertThat(delivered.poll(30, TimeUnit.SECONDS)).isEqualTo(expected);
      }
      // everything taken: the whole bound is free again
      t.offer(inbound(1000));
      assertThat(delivered.poll(30, TimeUnit.SECONDS)).isEqualTo(1000);
      assertThat(counters.dropped.get()).isEqualTo(2);
    } finally {
      t.stop();
    }
  }

  @Test
  void theByteBoundMustHoldTheLargestMessageAccepted() {
    assertThatThrownBy(() -> ServerConfig.builder()
            .pubSubConfig(PubSubConfig.defaults().withMaxMessageSize(2 << 20))
            .inboundQueueBytes(1 << 20)
            .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inboundQueueBytes");
    assertThat(ServerConfig.builder().build().inboundQueueBytes()).isEqualTo(64L << 20);
  }
}
