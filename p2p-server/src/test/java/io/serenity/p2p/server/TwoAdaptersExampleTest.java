package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.testpb.Puzzle;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's second example: two adapters wrap a topic, a request logger and a counter whose
 * behaviour comes from configuration captured when the adapter is made.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class TwoAdaptersExampleTest {

  /** Logs each request (here into a list, so the test can see it) and passes it on. */
  static Adapter requestLogger(List<String> log) {
    return next -> msg -> {
      log.add("request on " + msg.context().topic() + " from " + msg.peer());
      next.handle(msg);
    };
  }

  /** Configuration the counter captures: what to count and where. */
  record CounterConfig(int minDifficulty, AtomicLong count) {}

  /** Counts messages at or above the configured difficulty; passes everything on. */
  static Adapter counter(CounterConfig config) {
    return next -> msg -> {
      if (((Puzzle) msg.data()).getDifficulty() >= config.minDifficulty()) {
        config.count().incrementAndGet();
      }
      next.handle(msg);
    };
  }

  @Test
  void aLoggerAndAConfiguredCounterWrapATopic() {
    List<String> log = new CopyOnWriteArrayList<>();
    CounterConfig config = new CounterConfig(5, new AtomicLong());
    try (TestServers t = new TestServers()) {
      BlockingQueue<Message<Puzzle>> got = new LinkedBlockingQueue<>();
      Server receiver =
          t.start(
              c -> {},
              s -> {
                s.registerTopic("puzzles", Puzzle.class, requestLogger(log), counter(config));
                s.feed(Puzzle.class).subscribe(got);
              });
      Server sender = t.start(c -> {}, s -> s.registerTopic("puzzles", Puzzle.class));
      await(sender.connect(addr(receiver)));
      await(sender.whenTopicPeers("puzzles", 1));

      for (int difficulty : new int[] {1, 5, 9}) {
        await(sender.broadcast(Puzzle.newBuilder().setChallenge("p" + difficulty).setDifficulty(difficulty).build()));
      }
      for (int i = 0; i < 3; i++) {
        take(got);
      }
      assertThat(log).hasSize(3).allMatch(l -> l.equals("request on puzzles from " + sender.peerId()));
      assertThat(config.count()).hasValue(2);
    }
  }
}
