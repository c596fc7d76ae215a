package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many sequential dial/close cycles between two hosts. The listener speaks first (its multistream
 * header goes out on accept), so a dialer that started reading before its handlers were installed
 * lost that header about once in a hundred dials; every one of these must succeed.
 */
class ReconnectTest {

  @Test
  void threeHundredSequentialDialsAllSucceed() throws Exception {
    try (Host server = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).listen("/ip4/127.0.0.1/tcp/0").build();
        Host client = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).build()) {
      server.start().join();
      client.start().join();
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        try {
          Connection c = client.connect(server.peerInfo()).get(10, TimeUnit.SECONDS);
          client.disconnect(c.remotePeer()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          failures.add(i + ": " + e.getMessage());
        }
      }
      assertThat(failures).isEmpty();
    }
  }
}
