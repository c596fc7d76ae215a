package io.serenity.p2p.server;

import static io.serenity.p2p.server.TestServers.takeUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.mdns.LoopbackMulticast;
import io.serenity.p2p.mdns.MdnsConfig;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers with discovery on find and connect to each other through libp2p mDNS, on the mDNS
 * group joined on loopback only and a random port (nothing leaves the machine). Skipped, with the
 * reason, where multicast over loopback does not work.
 */
@Timeout(120)
@ExtendWith(NettyLeakCheck.class)
class DiscoveryTest {

  @Test
  void serversWithDiscoveryFindAndConnectToEachOther() {
    int port = 20000 + new Random().nextInt(30000);
    String problem = LoopbackMulticast.problem(port);
    assumeTrue(problem == null, () -> "multicast on loopback unavailable here, skipping: " + problem);
    MdnsConfig mdns = MdnsConfig.loopback(port).withQueryInterval(Duration.ofMillis(500));
    try (TestServers t = new TestServers()) {
      BlockingQueue<PeerEvent> atA = new LinkedBlockingQueue<>();
      Server a = t.start(c -> c.mdns(mdns), s -> s.peerEvents().subscribe(atA));
      Server b = t.start(c -> c.mdns(mdns), s -> {});
      PeerEvent e = takeUntil(atA, x -> x instanceof PeerEvent.Connected);
      assertThat(e.peer()).isEqualTo(b.peerId());
      assertThat(a.peers()).extracting(Peer::id).contains(b.peerId());
    }
  }

  @Test
  void withoutDiscoveryNothingIsFound() {
    int port = 20000 + new Random().nextInt(30000);
    String problem = LoopbackMulticast.problem(port);
    assumeTrue(problem == null, () -> "multicast on loopback unavailable here, skipping: " + problem);
    MdnsConfig mdns = MdnsConfig.loopback(port).withQueryInterval(Duration.ofMillis(200));
    try (TestServers t = new TestServers()) {
      Server a = t.start(c -> c.mdns(mdns).discovery(false), s -> {});
      // b announces itself and queries; a neither answers nor listens, so the only peer b finds is
      // the control, a server with discovery on that starts after b. Rather than a fixed wait for
      // nothing to happen, the test waits until discovery has worked on this group; a, configured
      // for the same group, was up before b started.
      BlockingQueue<PeerEvent> atB = new LinkedBlockingQueue<>();
      Server b = t.start(c -> c.mdns(mdns), s -> s.peerEvents().subscribe(atB));
      Server control = t.start(c -> c.mdns(mdns), s -> {});
      PeerEvent first = takeUntil(atB, x -> x instanceof PeerEvent.Connected);
      assertThat(first.peer()).as("the first peer b connects to").isEqualTo(control.peerId());
      assertThat(a.peers()).isEmpty();
      assertThat(b.peers()).extracting(Peer::id).doesNotContain(a.peerId());
    }
  }
}
