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

  @Test
  void twoInstancesDiscoverEachOtherThroughTheGroupOnLoopback() throws Exception {
    int port = 20000 + new Random().nextInt(30000);
    String problem = LoopbackMulticast.problem(port);
    assumeTrue(problem == null, () -> "multicast on loopback unavailable here, skipping: " + problem);

    // Bound to the group address itself: the sockets receive only group traffic for this port.
    MdnsConfig config = MdnsConfig.loopback(port).withQueryInterval(Duration.ofMillis(500));
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

  @Test
  void aBurstOfQueriesGetsAtMostOneMulticastAnswerPerSecond() throws Exception {
    int port = 20000 + new Random().nextInt(30000);
    String problem = LoopbackMulticast.problem(port);
    assumeTrue(problem == null, () -> "multicast on loopback unavailable here, skipping: " + problem);
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    InetSocketAddress group = new InetSocketAddress(GROUP, port);
    try (DatagramChannel member = DatagramChannel.open(StandardProtocolFamily.INET);
        DatagramChannel marker = DatagramChannel.open(StandardProtocolFamily.INET);
        Selector memberSel = Selector.open();
        Selector markerSel = Selector.open()) {
      // another responder on the group port: its queries are multicast-answered, not legacy ones
      member.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      member.bind(group);
      member.join(GROUP, lo);
      member.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
      member.configureBlocking(false);
      member.register(memberSel, SelectionKey.OP_READ);
      marker.bind(new InetSocketAddress("127.0.0.1", 0));
      marker.configureBlocking(false);
      marker.register(markerSel, SelectionKey.OP_READ);

      MdnsConfig config = MdnsConfig.loopback(port).withQueryInterval(Duration.ofSeconds(60));
      try (Mdns mdns = Mdns.start(config, MdnsSessionTest.peer(1),
          () -> List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")), p -> {})) {
        // it answers its own first query by multicast
        assertThat(nextResponse(member, memberSel)).isNotNull();
        byte[] query = DnsCodec.encode(DnsMessage.query(List.of(DnsQuestion.of(Mdns.SERVICE_NAME, DnsRecord.PTR))));
        for (int i = 0; i < 10; i++) {
          member.send(ByteBuffer.wrap(query), group);
        }
        // A legacy query from another port is answered by unicast, after the ten before it (one
        // thread, in order); loopback delivery is synchronous, so by the time this answer is here
        // every multicast answer to the ten is already queued at the member.
        marker.send(ByteBuffer.wrap(query), group);
        assertThat(nextResponse(marker, markerSel)).as("legacy answer").isNotNull();
        int answers = 0;
        ByteBuffer buf = ByteBuffer.allocate(9001);
        while (member.receive(buf) != null) {
          buf.flip();
          byte[] b = new byte[buf.remaining()];
          buf.get(b);
          buf.clear();
          if (DnsCodec.decode(b, 9000).isResponse()) {
            answers++;
          }
        }
        assertThat(answers).as("multicast answers to 10 queries within a second of the last one").isLessThanOrEqualTo(1);
      }
    }
  }

  /** The next DNS response {@code ch} receives within 10 s, skipping queries; null if none. */
  private static DnsMessage nextResponse(DatagramChannel ch, Selector sel) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    ByteBuffer buf = ByteBuffer.allocate(9001);
    while (System.nanoTime() < deadline) {
      sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      sel.selectedKeys().clear();
      while (ch.receive(buf) != null) {
        buf.flip();
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        buf.clear();
        DnsMessage m = DnsCodec.decode(b, 9000);
        if (m.isResponse()) {
          return m;
        }
      }
    }
    return null;
  }
}
