package io.serenity.p2p.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.NettyLeakCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's "API" example, compiled and run: the lines between the markers are the README's
 * code, character for character (the second test compares them with README.md); only the two
 * addresses are set here (loopback, and a live peer that answers the question).
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class ReadmeExampleTest {

  private static final String BEGIN = "// ---- README begin ----";
  private static final String END = "// ---- README end ----";

  @Test
  void theReadmeExampleRuns() throws Exception {
    try (TestServers t = new TestServers()) {
      // the peer: answers each question on "answers"
      Server other = t.start(c -> {}, s -> {
        s.joinTopic("questions").subscribe(q -> s.publish("answers", "4".getBytes(StandardCharsets.UTF_8)));
        s.joinTopic("answers");
      });
      String listenAddress = "/ip4/127.0.0.1/tcp/0";
      String peerAddress = TestServers.addr(other);

      // ---- README begin ----
      Server server = new Server(ServerConfig.builder()
          .listen(listenAddress)
          .staticPeers(peerAddress)          // kept connected, redialled with backoff
          .minPeers(1)
          .build());
      // a topic carries bytes; adapters run first to last, then the topic's feed
      server.joinTopic("questions", Adapters.logging(), Adapters.rateLimit(10, 20));
      // read a feed like a Go channel (or subscribe a callback)
      BlockingQueue<Message<byte[]>> answers = new LinkedBlockingQueue<>();
      server.joinTopic("answers").subscribe(answers);

      server.start();                      // ServerException: port taken, unreadable key, bad address
      server.whenTopicPeers("questions", 1).join();
      server.publish("questions", "2+2".getBytes(StandardCharsets.UTF_8)).join();
      Message<byte[]> answer = answers.take();
      System.out.println(answer.peer() + " says " + new String(answer.data(), StandardCharsets.UTF_8));
      server.status().orThrow();           // e.g. "fewer than 1 peers (have 0)"
      server.stop();
      // ---- README end ----

      assertThat(answer.peer()).isEqualTo(other.peerId());
      assertThat(answer.data()).asString(StandardCharsets.UTF_8).isEqualTo("4");
      assertThat(answer.context().topic()).isEqualTo("answers");
    }
  }

  @Test
  void theCodeAboveIsTheReadmeCode() throws IOException {
    List<String> test = Files.readAllLines(
        Path.of("src/test/java/io/serenity/p2p/server/ReadmeExampleTest.java"));
    List<String> between = test.subList(indexOf(test, BEGIN, 0) + 1, indexOf(test, END, 0));
    String ours = String.join("\n", between.stream().map(l -> l.startsWith("      ") ? l.substring(6) : l).toList());

    List<String> readme = Files.readAllLines(Path.of("../README.md"));
    int from = indexOf(readme, "```java", indexOf(readme, "## API", 0)) + 1;
    String theirs = String.join("\n", readme.subList(from, indexOf(readme, "```", from)));

    assertThat(ours).isEqualTo(theirs);
  }

  /** The index of the first line at or after {@code from} whose trimmed text is {@code line}. */
  private static int indexOf(List<String> lines, String line, int from) {
    for (int i = from; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(line)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + line + "' after line " + from);
  }
}
