package io.serenity.p2p.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.server.Message;
import io.serenity.p2p.server.MessageContext;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import io.serenity.p2p.server.testpb.Puzzle;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The product API against js-libp2p: a js gossipsub peer ({@code @libp2p/gossipsub}) publishing
 * protobuf bytes on a registered topic reaches the Java server's typed feed, attributed to the js
 * peer; and the server's broadcast reaches the js peer as the same bytes.
 */
@Timeout(120)
class ServerInteropTest {
  private static final String TOPIC = "puzzles";

  @Test
  void aJsGossipsubPeerPublishingOnTheTopicReachesAJavaFeedAndBack() throws Exception {
    Server server =
        new Server(ServerConfig.builder().listen("/ip4/127.0.0.1/tcp/0").minPeers(1).build());
    try {
      server.registerTopic(TOPIC, Puzzle.class);
      BlockingQueue<Message<Puzzle>> feed = new LinkedBlockingQueue<>();
      server.feed(Puzzle.class).subscribe(feed);
      server.start();
      String javaAddr = server.listenAddrs().get(0).toString();
      try (JsPubSubPeer js =
          JsPubSubPeer.start(
              "--router", "gossipsub", "--sign", "strict", "--msg-id", "from-seqno", "--topic", TOPIC,
              "--print-data", "256", "--D", "2", "--Dlo", "1", "--Dhi", "3", "--dial", javaAddr)) {
        js.await("subscribed");
        server.whenTopicPeers(TOPIC, 1).get(30, TimeUnit.SECONDS);
        js.await(e -> e.name().equals("peer-subscription") && e.str("topic").equals(TOPIC),
            "the Java server's subscription", JsPubSubPeer.DEFAULT_WAIT);
        js.await(e -> e.name().equals("graft") && e.str("peerId").equals(server.peerId().toBase58()),
            "a graft of the Java server", JsPubSubPeer.DEFAULT_WAIT);
        assertThat(server.status().healthy()).isTrue();

        // js -> Java feed
        Puzzle fromJs = Puzzle.newBuilder().setChallenge("from js").setDifficulty(7).build();
        js.publish(TOPIC, fromJs.toByteArray());
        Message<Puzzle> m = feed.poll(30, TimeUnit.SECONDS);
        assertThat(m).as("the js message on the Java feed").isNotNull();
        assertThat(m.data()).isEqualTo(fromJs);
        assertThat(m.peer().toBase58()).isEqualTo(js.peerId());
        assertThat(m.context().source()).isEqualTo(MessageContext.Source.PUBSUB);
        assertThat(m.context().topic()).isEqualTo(TOPIC);

        // Java broadcast -> js, the same protobuf bytes
        Puzzle fromJava = Puzzle.newBuilder().setChallenge("from java").setDifficulty(3).build();
        server.broadcast(fromJava).get(10, TimeUnit.SECONDS);
        JsEvent got = js.await(e -> e.name().equals("message") && e.str("topic").equals(TOPIC),
            "the Java broadcast", JsPubSubPeer.DEFAULT_WAIT);
        assertThat(got.str("from")).isEqualTo(server.peerId().toBase58());
        assertThat(Puzzle.parseFrom(Base64.getDecoder().decode(got.str("data")))).isEqualTo(fromJava);
        assertThat(js.events("error")).isEmpty();
      }
    } finally {
      server.stop();
    }
  }
}
