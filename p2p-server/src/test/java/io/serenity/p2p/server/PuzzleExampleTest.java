package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.addr;
import static io.serenity.p2p.server.TestServers.await;
import static io.serenity.p2p.server.TestServers.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.event.Subscription;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.testpb.Puzzle;
import io.serenity.p2p.server.testpb.Solution;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's first example: a node waits on its feed for a {@code Puzzle}, solves it and sends the
 * {@code Solution} back to the peer that posed it.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class PuzzleExampleTest {

  /** The solver's loop body: take a puzzle from the channel, answer the peer that posed it. */
  static Message<Puzzle> answerOne(Server server, BlockingQueue<Message<Puzzle>> ch) {
    try {
      Message<Puzzle> msg = ch.take();
      Puzzle puzzle = msg.data();
      Solution solution =
          Solution.newBuilder().setChallenge(puzzle.getChallenge()).setAnswer(solve(puzzle)).build();
      server.send(solution, msg.peer()).join();
      return msg;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String solve(Puzzle p) {
    int sum = 0;
    for (String term : p.getChallenge().split("\\+")) {
      sum += Integer.parseInt(term.trim());
    }
    return Integer.toString(sum);
  }

  static void register(Server s) {
    s.registerTopic("puzzles", Puzzle.class);
    s.registerTopic("solutions", Solution.class);
  }

  @Test
  void aPuzzleIsAnsweredDirectlyToWhoeverPosedIt() {
    try (TestServers t = new TestServers()) {
      Server solver = t.start(c -> {}, PuzzleExampleTest::register);
      Server poser = t.start(c -> {}, PuzzleExampleTest::register);
      BlockingQueue<Message<Solution>> answers = new LinkedBlockingQueue<>();
      poser.feed(Solution.class).subscribe(answers);
      await(poser.connect(addr(solver)));
      await(poser.whenTopicPeers("puzzles", 1));

      BlockingQueue<Message<Puzzle>> ch = new LinkedBlockingQueue<>(); // the seed's channel
      Subscription sub = solver.feed(Puzzle.class).subscribe(ch);
      CompletableFuture<Message<Puzzle>> solved = CompletableFuture.supplyAsync(() -> answerOne(solver, ch));

      await(poser.broadcast(Puzzle.newBuilder().setChallenge("17 + 25").setDifficulty(1).build()));
      Message<Solution> answer = take(answers);
      sub.unsubscribe();

      assertThat(answer.data().getAnswer()).isEqualTo("42");
      assertThat(answer.data().getChallenge()).isEqualTo("17 + 25");
      assertThat(answer.peer()).isEqualTo(solver.peerId());
      assertThat(answer.context().source()).isEqualTo(MessageContext.Source.DIRECT);
      assertThat(await(solved).peer()).isEqualTo(poser.peerId());
    }
  }
}
