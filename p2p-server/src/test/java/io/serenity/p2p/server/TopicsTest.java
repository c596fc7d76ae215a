package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.testpb.Note;
import io.serenity.p2p.server.testpb.Puzzle;
import io.serenity.p2p.server.testpb.Solution;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registration rules, adapter chains and local delivery, on one server that hears itself. */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class TopicsTest {

  @Test
  void aTypeMapsToOneTopicAndATopicToOneType() {
    try (TestServers t = new TestServers()) {
      Server s = t.create(TestServers.loopback().build());
      s.registerTopic("puzzles", Puzzle.class);
      assertThatThrownBy(() -> s.registerTopic("puzzles-2", Puzzle.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("type io.serenity.p2p.server.testpb.Puzzle is already registered on topic 'puzzles'");
      assertThatThrownBy(() -> s.registerTopic("puzzles", Solution.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("topic 'puzzles' is already registered for type io.serenity.p2p.server.testpb.Puzzle");
      assertThatThrownBy(() -> s.registerTopic(" ", Note.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("topic must be non-empty");
      assertThatThrownBy(() -> s.registerTopic("any", com.google.protobuf.Message.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a generated protobuf message class");
      assertThat(s.topics()).containsOnlyKeys(Puzzle.class).containsValue("puzzles");
    }
  }

  @Test
  void anAdapterReturningNullIsNamed() {
    try (TestServers t = new TestServers()) {
      Server s = t.create(TestServers.loopback().build());
      Adapter ok = next -> next;
      Adapter broken = next -> null;
      assertThatThrownBy(() -> s.registerTopic("puzzles", Puzzle.class, ok, broken))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("adapter #1")
          .hasMessageContaining("returned null from wrap");
      assertThat(s.topics()).isEmpty();
    }
  }

  @Test
  void theFirstAdapterIsOutermostAndAnAdapterMayStopTheChain() {
    List<String> trace = new CopyOnWriteArrayList<>();
    Adapter outer = next -> msg -> {
      trace.add("outer");
      next.handle(msg);
    };
    Adapter filter = next -> msg -> {
      trace.add("filter");
      if (!((Puzzle) msg.data()).getChallenge().equals("drop")) {
        next.handle(msg);
      }
    };
    Adapter inner = next -> msg -> {
      trace.add("inner");
      next.handle(msg);
    };
    Adapter[] adapters = {outer, filter, inner};
    try (TestServers t = new TestServers()) {
      LinkedBlockingQueue<Message<Puzzle>> got = new LinkedBlockingQueue<>();
      Server s =
          t.start(
              c -> c.deliverOwnMessages(true),
              srv -> {
                srv.registerTopic("puzzles", Puzzle.class, adapters);
                srv.feed(Puzzle.class).subscribe(got);
              });
      assertThat(adapters).containsExactly(outer, filter, inner); // the caller's array is untouched

      await(s.broadcast(puzzle("drop")));
      await(s.broadcast(puzzle("keep")));
      Message<Puzzle> m = take(got);
      assertThat(m.data().getChallenge()).isEqualTo("keep");
      assertThat(trace).containsExactly("outer", "filter", "outer", "filter", "inner");
      assertThat(got).isEmpty();
    }
  }

  @Test
  void ownBroadcastsReachOwnFeedsOnlyWhenConfiguredAndCarryTheirContext() {
    try (TestServers t = new TestServers()) {
      LinkedBlockingQueue<Message<Puzzle>> got = new LinkedBlockingQueue<>();
      Server s =
          t.start(
              c -> c.deliverOwnMessages(true),
              srv -> {
                srv.registerTopic("puzzles", Puzzle.class);
                srv.subscribe(Puzzle.class, got::add);
              });
      Puzzle p = puzzle("2+2");
      await(s.broadcast(p));
      Message<Puzzle> m = take(got);
      assertThat(m.data()).isEqualTo(p).isNotSameAs(p);
      assertThat(m.peer()).isEqualTo(s.peerId());
      assertThat(m.context().topic()).isEqualTo("puzzles");
      assertThat(m.context().source()).isEqualTo(MessageContext.Source.PUBSUB);
      assertThat(m.context().size()).isEqualTo(p.getSerializedSize());
      assertThat(m.context().messageId()).isNotEmpty();

      await(s.broadcast(p));
      Message<Puzzle> again = take(got);
      assertThat(again.data()).as("decoded into a fresh object each time").isNotSameAs(m.data());
    }
  }

  @Test
  void broadcastOfAnUnregisteredOrOversizeMessageFailsForTheCaller() {
    try (TestServers t = new TestServers()) {
      Server s =
          t.start(c -> c.maxGossipMessageSize(16), srv -> srv.registerTopic("puzzles", Puzzle.class));
      CompletableFuture<Void> unregistered = s.broadcast(Note.newBuilder().setText("hi").build());
      assertThat(unregistered)
          .failsWithin(TestServers.TIMEOUT)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ServerException.class)
          .withMessageContaining("no topic registered for type io.serenity.p2p.server.testpb.Note");
      CompletableFuture<Void> big = s.broadcast(puzzle("x".repeat(100)));
      assertThat(big)
          .failsWithin(TestServers.TIMEOUT)
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("exceeds maxGossipMessageSize 16");
      CompletableFuture<Void> direct = s.send(Note.getDefaultInstance(), s.peerId());
      assertThat(direct)
          .failsWithin(TestServers.TIMEOUT)
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("no topic registered for type io.serenity.p2p.server.testpb.Note");
    }
  }

  @Test
  void subscribersMayComeBeforeTheTopicIsRegistered() throws Exception {
    try (TestServers t = new TestServers()) {
      Server s = t.create(TestServers.loopback().deliverOwnMessages(true).build());
      LinkedBlockingQueue<Message<Puzzle>> got = new LinkedBlockingQueue<>();
      s.feed(Puzzle.class).subscribe(got);
      s.start();
      s.registerTopic("puzzles", Puzzle.class); // after start: subscribed at once
      await(s.whenTopicPeers("puzzles", 0));
      await(s.broadcast(puzzle("late")));
      assertThat(got.poll(TestServers.TIMEOUT.toSeconds(), TimeUnit.SECONDS).data().getChallenge()).isEqualTo("late");
    }
  }

  static Puzzle puzzle(String challenge) {
    return Puzzle.newBuilder().setChallenge(challenge).setDifficulty(1).build();
  }
}
