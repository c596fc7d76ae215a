package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.awaitAtLeast;
import static io.serenity.p2p.server.TestServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.event.FeedClosedException;
import io.serenity.p2p.event.Subscription;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.pubsub.ValidationResult;
import io.serenity.p2p.server.testpb.Puzzle;
import io.serenity.p2p.server.testpb.Solution;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Server#leaveTopic}: peers see the unsubscribe and the PRUNE, the feed ends, nothing more is
 * delivered, what was still queued is counted, and the topic can be joined again.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class LeaveTopicTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Waits (bounded) until {@code condition} holds; for states that have no event to wait on. */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    awaitAtLeast(() -> condition.getAsBoolean() ? 1 : 0, 1, what);
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  private static boolean waiting(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name)
        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING));
  }

  private static String topicThread(Server s, String topic) {
    String id = s.peerId().toBase58();
    return "server-" + id.substring(id.length() - 6) + "-topic-" + topic;
  }

  @Test
  void aPeerSeesTheUnsubscribeAndLosesUsFromItsMesh() {
    try (TestServers t = new TestServers()) {
      Server a = t.start(c -> {}, s -> s.joinTopic("chat"));
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.pubSub().whenMesh("chat", 1));
      assertThat(await(b.pubSub().meshPeers("chat"))).containsExactly(a.peerId());

      assertThat(a.leaveTopic("chat")).isTrue();

      // B learns of it from A's SUBSCRIBE(false) and the PRUNE that comes with leaving the mesh
      awaitTrue(() -> !await(b.pubSub().peers("chat")).contains(a.peerId()), "b still sees a in the topic");
      awaitTrue(() -> await(b.pubSub().meshPeers("chat")).isEmpty(), "a still in b's mesh");
      assertThat(await(a.pubSub().topics())).doesNotContain("chat");
      assertThat(a.topicNames()).isEmpty();
      assertThat(a.leaveTopic("chat")).isFalse(); // unknown now: a no-op
      assertThat(a.leaveTopic("never-joined")).isFalse();
    }
  }

  @Test
  void afterLeavingTheFeedEndsNothingMoreIsDeliveredAndARejoinWorks() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<byte[]>> first = new LinkedBlockingQueue<>();
      CompletableFuture<Subscription> sub = new CompletableFuture<>();
      Server a = t.start(c -> {}, s -> sub.complete(s.joinTopic("chat").subscribe(first::add)));
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));
      await(b.publish("chat", bytes("before")));
      assertThat(take(first).data()).isEqualTo(bytes("before"));
      String thread = topicThread(a, "chat");
      assertThat(threadAlive(thread)).isTrue();

      a.leaveTopic("chat");

      Subscription s = sub.join();
      assertThatThrownBy(() -> s.err().get(TestServers.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .hasCauseInstanceOf(FeedClosedException.class);
      assertThat(threadAlive(thread)).as("the topic's delivery thread ended").isFalse();
      awaitTrue(() -> !await(b.pubSub().peers("chat")).contains(a.peerId()), "b still sees a in the topic");
      await(b.publish("chat", bytes("while-away")));

      BlockingQueue<Message<byte[]>> again = new LinkedBlockingQueue<>();
      a.joinTopic("chat").subscribe(again::add);
      await(b.whenTopicPeers("chat", 1));
      await(b.publish("chat", bytes("after")));

      assertThat(take(again).data()).as("the first message after the rejoin").isEqualTo(bytes("after"));
      assertThat(first).isEmpty();
      assertThat(a.droppedMessages("chat")).isZero();
    }
  }

  @Test
  void messagesStillQueuedWhenLeavingAreCountedAsDroppedAndTheCountContinuesAfterARejoin() {
    try (TestServers t = new TestServers()) {
      // a consumer that takes one message and never another: the delivery thread blocks on the second
      BlockingQueue<Message<byte[]>> stuck = new ArrayBlockingQueue<>(1);
      Server a = t.start(c -> c.inboundQueue(4), s -> s.joinTopic("chat").subscribe(stuck));
      Server b = t.start(c -> {}, s -> s.joinTopic("chat"));
      await(b.connect(addr(a)));
      await(b.whenTopicPeers("chat", 1));
      for (int i = 0; i < 10; i++) {
        await(b.publish("chat", bytes("m" + i)));
      }
      // all ten handed to the topic: one taken by the consumer, one held by the blocked delivery
      // thread, the rest queued (at most 4) or dropped as the inbox was full
      awaitAtLeast(() -> {
        var c = a.pubSub().stats().get("chat");
        return c == null ? 0 : c.validated();
      }, 10, "messages accepted by a");
      assertThat(a.droppedMessages("chat")).isGreaterThanOrEqualTo(4);
      // the inbox was full, so a waiting delivery thread is one blocked handing over its second message
      String thread = topicThread(a, "chat");
      awaitTrue(() -> stuck.size() == 1 && waiting(thread), "the delivery thread blocked on the full consumer");

      a.leaveTopic("chat");

      // the queued ones are dropped too; the one whose delivery was blocked is released by the feed's end
      assertThat(a.droppedMessages("chat")).isEqualTo(8);
      assertThat(stuck).hasSize(1);
      a.joinTopic("chat");
      assertThat(a.droppedMessages("chat")).isEqualTo(8);
    }
  }

  @Test
  void aRegisteredTopicIsLeftWithItsTypeFeedAndValidatorAndDirectMessagesAreRefused() {
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<Puzzle>> got = new LinkedBlockingQueue<>();
      Server a = t.start(c -> {}, s -> s.registerTopic("puzzles", Puzzle.class));
      Subscription sub = a.subscribe(Puzzle.class, got::add);
      a.pubSub().addValidator("puzzles", (from, m) -> java.util.concurrent.CompletableFuture.completedFuture(ValidationResult.REJECT));
      Server b = t.start(c -> {}, s -> s.registerTopic("puzzles", Puzzle.class));
      await(b.connect(addr(a)));
      await(b.send(TopicsTest.puzzle("direct"), a.peerId()));
      assertThat(take(got).data().getChallenge()).isEqualTo("direct");

      assertThat(a.leaveTopic("puzzles")).isTrue();

      assertThat(sub.err()).isCompletedExceptionally();
      assertThat(a.topics()).isEmpty();
      assertThatThrownBy(() -> await(b.send(TopicsTest.puzzle("refused"), a.peerId())))
          .hasMessageContaining("/puzzles");
      // the validator went with the topic: our own publish is no longer rejected
      await(a.publish("puzzles", bytes("x")));
      // the type is free again, for this topic or another
      a.registerTopic("puzzles-2", Puzzle.class);
      a.registerTopic("puzzles", Solution.class);
      assertThat(a.topicNames()).containsExactlyInAnyOrder("puzzles", "puzzles-2");
    }
  }

  @Test
  void beforeStartALeftTopicIsNeverJoinedAndAfterStopLeavingThrows() {
    try (TestServers t = new TestServers()) {
      Server a = t.create(TestServers.loopback().build());
      a.joinTopic("chat");
      a.joinTopic("other");
      assertThat(a.leaveTopic("chat")).isTrue();
      a.start();
      assertThat(await(a.pubSub().topics())).containsExactly("other");
      a.stop();
      assertThatThrownBy(() -> a.leaveTopic("other")).isInstanceOf(IllegalStateException.class);
    }
  }
}
