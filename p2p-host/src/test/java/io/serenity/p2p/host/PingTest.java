package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.protocol.ping.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class PingTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  @Test
  void pingReturnsRoundTripTime() {
    Host a = hosts.start();
    Host b = hosts.start();
    await(a.connect(dialAddr(b)));
    Duration rtt = await(Ping.ping(a, b.peerId()));
    assertThat(rtt).isPositive().isLessThan(TestHosts.TIMEOUT);
  }

  @Test
  void severalPingsShareOneStream() {
    Host a = hosts.start();
    Host b = hosts.start();
    await(a.connect(dialAddr(b)));
    List<Duration> rtts = await(Ping.ping(a, b.peerId(), 20));
    assertThat(rtts).hasSize(20).allMatch(d -> !d.isNegative() && !d.isZero());
  }

  @Test
  void pingDialsAKnownPeer() {
    Host a = hosts.start();
    Host b = hosts.start();
    a.peerStore().addAddrs(b.peerId(), b.listenAddrs());
    assertThat(await(a.ping(b.peerId()))).isPositive();
    assertThat(a.connection(b.peerId())).isPresent();
  }

  @Test
  void roundTripTimeIsMeasuredOnTheHostsClock() {
    AtomicLong now = new AtomicLong(1_000);
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), "/ip4/127.0.0.1/tcp/0",
        builder -> builder.clock(now::get));
    Host b = hosts.start();
    // b echoes only after moving a's clock on by 7 ms: between the ping's send and its echo
    b.setStreamHandler(Ping.PROTOCOL_ID, s -> s.readExactly(Ping.PAYLOAD_SIZE).thenAccept(block -> {
      now.addAndGet(Duration.ofMillis(7).toNanos());
      s.write(block);
    }));
    await(a.connect(dialAddr(b)));
    assertThat(await(Ping.ping(a, b.peerId()))).isEqualTo(Duration.ofMillis(7));
  }
}
