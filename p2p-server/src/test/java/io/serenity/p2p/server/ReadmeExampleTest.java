package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.server.testpb.Puzzle;
import io.serenity.p2p.server.testpb.Solution;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's "API" example, compiled and run: the lines between the markers are the README's
 * code, character for character; only the two addresses differ (loopback, and a live peer).
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class ReadmeExampleTest {

  @Test
  void theReadmeExampleRuns() throws Exception {
    try (TestServers t = new TestServers()) {
      // the peer: runs the same topics and answers puzzles the same way
      Server other = t.start(c -> {}, s -> {
        s.registerTopic("puzzles", Puzzle.class);
        s.registerTopic("solutions", Solution.class);
        s.subscribe(Puzzle.class, msg -> s.send(Solution.newBuilder()
            .setChallenge(msg.data().getChallenge()).setAnswer("4").build(), msg.peer()));
      });
      String listenAddress = "/ip4/127.0.0.1/tcp/0";
      String peerAddress = TestServers.addr(other);

      // ---- README begin ----
      Server server = new Server(ServerConfig.builder()
          .listen(listenAddress)
          .staticPeers(peerAddress)          // kept connected, redialled with backoff
          .minPeers(1)
          .build());
      // one protobuf type per topic; adapters run first to last, then the type's feed
      server.registerTopic("puzzles", Puzzle.class, Adapters.logging(), Adapters.rateLimit(10, 20));
      server.registerTopic("solutions", Solution.class);

      // answer each puzzle directly to the peer that posed it
      server.subscribe(Puzzle.class, msg -> server.send(Solution.newBuilder()
          .setChallenge(msg.data().getChallenge()).setAnswer("4").build(), msg.peer()));
      // or read a feed like a Go channel
      BlockingQueue<Message<Solution>> solutions = new LinkedBlockingQueue<>();
      server.feed(Solution.class).subscribe(solutions);

      server.start();                      // ServerException: port taken, unreadable key, bad address
      server.whenTopicPeers("puzzles", 1).join();
      server.broadcast(Puzzle.newBuilder().setChallenge("2+2").build()).join();
      Message<Solution> reply = solutions.take();
      System.out.println(reply.peer() + " says " + reply.data().getAnswer());
      server.status().orThrow();           // e.g. "fewer than 1 peers (have 0)"
      server.stop();
      // ---- README end ----

      assertThat(reply.peer()).isEqualTo(other.peerId());
      assertThat(reply.data().getChallenge()).isEqualTo("2+2");
      assertThat(reply.data().getAnswer()).isEqualTo("4");
      assertThat(reply.context().source()).isEqualTo(MessageContext.Source.DIRECT);
    }
  }
}
