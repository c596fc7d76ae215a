package com.example.hello;

import io.serenity.p2p.server.Message;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Two nodes in one process, on loopback: alice publishes a greeting on a topic, bob receives it. */
public final class Hello {

  public static void main(String[] args) throws Exception {
    ServerConfig config = ServerConfig.builder()
        .listen("/ip4/127.0.0.1/tcp/0")     // loopback, any free port
        .minPeers(1)
        .build();
    try (Server alice = new Server(config); Server bob = new Server(config)) {
      alice.joinTopic("greetings");
      BlockingQueue<Message<byte[]>> inbox = new LinkedBlockingQueue<>();
      bob.joinTopic("greetings").subscribe(inbox);
      alice.start();                      // each server makes its own key, so its own peer id
      bob.start();

      String aliceAddress = alice.listenAddrs().get(0).toString();   // /ip4/127.0.0.1/tcp/<port>/p2p/<id>
      bob.connect(aliceAddress).get(10, TimeUnit.SECONDS);
      alice.whenTopicPeers("greetings", 1).get(10, TimeUnit.SECONDS);
      alice.publish("greetings", "hello, bob".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

      Message<byte[]> greeting = inbox.poll(10, TimeUnit.SECONDS);
      if (greeting == null) {
        throw new IllegalStateException("no greeting within 10 s");
      }
      System.out.println("bob received '" + new String(greeting.data(), StandardCharsets.UTF_8)
          + "' from " + greeting.peer() + (greeting.peer().equals(alice.peerId()) ? " (alice)" : ""));
    }
  }
}
