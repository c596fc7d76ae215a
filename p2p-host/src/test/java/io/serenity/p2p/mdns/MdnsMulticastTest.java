package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two {@link Mdns} instances find each other through the real mDNS group {@code 224.0.0.251},
 * joined on the loopback interface only (so nothing leaves the machine), on a random port instead
 * of 5353 so that no other responder on this machine hears the test. Skipped, with the reason, when
 * the machine cannot deliver multicast over loopback.
 */
class MdnsMulticastTest {
  private static final InetAddress GROUP = MdnsConfig.IPV4_GROUP.getAddress();

  /** Null when a multicast datagram sent on loopback comes back; otherwise why not. */
  private static String loopbackMulticastProblem(int port) {
    try {
      NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
      if (lo == null) {
        return "no loopback interface";
      }
      try (DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET);
          DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET);
          Selector sel = Selector.open()) {
        rx.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        rx.bind(new InetSocketAddress(GROUP, port));
        rx.join(GROUP, lo);
        rx.configureBlocking(false);
        rx.register(sel, SelectionKey.OP_READ);
        tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        tx.send(ByteBuffer.wrap(new byte[] {42}), new InetSocketAddress(GROUP, port));
        if (sel.select(2000) == 0) {
          return "a datagram sent to " + GROUP + ":" + port + " on " + lo.getName() + " did not come back within 2 s";
        }
        return rx.receive(ByteBuffer.allocate(16)) != null ? null : "nothing to receive";
      }
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void twoInstancesDiscoverEachOtherThroughTheGroupOnLoopback() throws Exception {
    int port = 20000 + new Random().nextInt(30000);
    String problem = loopbackMulticastProblem(port);
    assumeTrue(problem == null, () -> "multicast on loopback unavailable here, skipping: " + problem);

    String lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()).getName();
    // Bound to the group address itself: the sockets receive only group traffic for this port.
    MdnsConfig config = MdnsConfig.defaults()
        .withTarget(new InetSocketAddress(GROUP, port))
        .withBind(new InetSocketAddress(GROUP, port))
        .withInterfaces(List.of(lo))
        .withQueryInterval(Duration.ofMillis(500));
    PeerId a = MdnsSessionTest.peer(1);
    PeerId b = MdnsSessionTest.peer(2);
    List<Multiaddr> aAddrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
    List<Multiaddr> bAddrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/5001"));
    BlockingQueue<PeerInfo> foundByA = new LinkedBlockingQueue<>();
    BlockingQueue<PeerInfo> foundByB = new LinkedBlockingQueue<>();
    try (Mdns ma = Mdns.start(config, a, () -> aAddrs, foundByA::add);
        Mdns mb = Mdns.start(config, b, () -> bAddrs, foundByB::add)) {
      assertThat(foundByA.poll(10, TimeUnit.SECONDS)).isEqualTo(new PeerInfo(b, bAddrs));
      assertThat(foundByB.poll(10, TimeUnit.SECONDS)).isEqualTo(new PeerInfo(a, aAddrs));
      // another query round: neither reports itself, nor the other again within the TTL
      ma.queryNow();
      mb.queryNow();
      assertThat(foundByA.poll(1, TimeUnit.SECONDS)).isNull();
      assertThat(foundByB).isEmpty();
    }
  }
}
