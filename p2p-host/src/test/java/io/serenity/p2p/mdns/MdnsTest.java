package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Mdns} over real UDP sockets on 127.0.0.1: unicast targets stand in for the multicast
 * group, so these tests need no multicast (see {@link MdnsMulticastTest} for the real thing).
 */
class MdnsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final PeerId me = MdnsSessionTest.peer(1);
  private final PeerId other = MdnsSessionTest.peer(2);
  private final List<Multiaddr> myAddrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A plain UDP socket on 127.0.0.1 playing another mDNS party. */
  private DatagramSocket probe() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    s.setSoTimeout((int) WAIT.toMillis());
    open.add(s);
    return s;
  }

  private Mdns start(MdnsConfig config, PeerId self, List<Multiaddr> addrs, BlockingQueue<PeerInfo> found) {
    Mdns m = Mdns.start(config, self, () -> addrs, found::add);
    open.add(m);
    return m;
  }

  private static void send(DatagramSocket s, DnsMessage m, InetSocketAddress to) throws IOException {
    byte[] b = DnsCodec.encode(m);
    s.send(new DatagramPacket(b, b.length, to));
  }

  /** The next message {@code s} receives that matches {@code want}, skipping others; fails after {@link #WAIT}. */
  private static DnsMessage receive(DatagramSocket s, Predicate<DnsMessage> want) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    byte[] buf = new byte[9001];
    while (System.nanoTime() < deadline) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        break;
      }
      DnsMessage m = DnsCodec.decode(Arrays.copyOf(p.getData(), p.getLength()), 9000);
      if (want.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no matching mDNS message within " + WAIT);
  }

  private static DnsMessage announcement(PeerId id, String name, String addr) {
    String instance = name + "." + Mdns.SERVICE_NAME;
    return new DnsMessage(0, 0x8400, List.of(),
        List.of(new DnsRecord.Ptr(Mdns.SERVICE_NAME, 120, instance)), List.of(),
        List.of(new DnsRecord.Txt(instance, 120, List.of("dnsaddr=" + addr + "/p2p/" + id))));
  }

  @Test
  void responderAnswersAUnicastQueryWithItsPtrAndDnsaddrTxt() throws Exception {
    DatagramSocket probe = probe();
    Mdns mdns = start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress()), me, myAddrs,
        new LinkedBlockingQueue<>());
    DnsMessage q = new DnsMessage(0x0101, 0, List.of(DnsQuestion.of(Mdns.SERVICE_NAME, DnsRecord.PTR)),
        List.of(), List.of(), List.of());
    send(probe, q, mdns.localAddress());
    DnsMessage reply = receive(probe, DnsMessage::isResponse);
    String instance = mdns.peerName() + "." + Mdns.SERVICE_NAME;
    assertThat(mdns.peerName()).matches("[a-z0-9]{32}");
    assertThat(reply.id()).as("legacy unicast reply echoes the id").isEqualTo(0x0101);
    assertThat(reply.answers()).containsExactly(new DnsRecord.Ptr(Mdns.SERVICE_NAME, 10, instance));
    assertThat(reply.additionals()).contains(
        new DnsRecord.Txt(instance, 10, List.of("dnsaddr=/ip4/127.0.0.1/tcp/4001/p2p/" + me)),
        new DnsRecord.Srv(instance, 10, 0, 0, 4001, mdns.peerName() + ".local"));
  }

  @Test
  void queriesGoToTheTargetPeriodicallyAndAnsweringPeersAreReported() throws Exception {
    DatagramSocket probe = probe();
    BlockingQueue<PeerInfo> found = new LinkedBlockingQueue<>();
    Mdns mdns = start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress())
        .withQueryInterval(Duration.ofMillis(200)), me, myAddrs, found);
    Predicate<DnsMessage> findAll = m -> !m.isResponse()
        && m.questions().equals(List.of(DnsQuestion.of(Mdns.SERVICE_NAME, DnsRecord.PTR)));
    long t0 = System.nanoTime();
    receive(probe, findAll);
    receive(probe, findAll);
    assertThat(System.nanoTime() - t0).as("the second query waited for the interval")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));

    // our own announcement (looped back) is ignored; a peer's is reported with plain addresses
    send(probe, announcement(me, "self", "/ip4/127.0.0.1/tcp/4001"), mdns.localAddress());
    send(probe, announcement(other, "bbbb", "/ip4/127.0.0.1/tcp/5001"), mdns.localAddress());
    send(probe, announcement(other, "bbbb", "/ip4/127.0.0.1/tcp/5001"), mdns.localAddress());
    PeerId third = MdnsSessionTest.peer(3);
    send(probe, announcement(third, "cccc", "/ip4/127.0.0.1/tcp/6001"), mdns.localAddress());
    assertThat(found.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(new PeerInfo(other, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/5001"))));
    // packets are handled in order on one thread: the duplicate and self were dropped before the third
    assertThat(found.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).extracting(PeerInfo::id).isEqualTo(third);
    assertThat(found).isEmpty();
  }

  @Test
  void twoInstancesRoundTripAQueryAndAnAnswerOverUnicast() throws Exception {
    DatagramSocket sink = probe();
    BlockingQueue<PeerInfo> foundByB = new LinkedBlockingQueue<>();
    List<Multiaddr> bAddrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/5001"));
    Mdns b = start(MdnsConfig.unicast((InetSocketAddress) sink.getLocalSocketAddress()), other, bAddrs, foundByB);
    BlockingQueue<PeerInfo> foundByA = new LinkedBlockingQueue<>();
    start(MdnsConfig.unicast(b.localAddress()), me, myAddrs, foundByA);
    assertThat(foundByA.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new PeerInfo(other, bAddrs));
    assertThat(foundByB).as("a query reveals nothing about the asker").isEmpty();
  }

  @Test
  void garbageIsIgnoredAndTheNextQueryStillAnswered() throws Exception {
    DatagramSocket probe = probe();
    Mdns mdns = start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress()), me, myAddrs,
        new LinkedBlockingQueue<>());
    byte[] junk = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12};
    probe.send(new DatagramPacket(junk, junk.length, mdns.localAddress()));
    byte[] huge = new byte[9001];
    probe.send(new DatagramPacket(huge, huge.length, mdns.localAddress()));
    send(probe, DnsMessage.query(List.of(DnsQuestion.of(Mdns.SERVICE_NAME, DnsRecord.PTR))), mdns.localAddress());
    assertThat(receive(probe, DnsMessage::isResponse).answers()).hasSize(1);
  }

  @Test
  void aFailingAddressSupplierDoesNotStopTheResponder() throws Exception {
    DatagramSocket probe = probe();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Mdns mdns = Mdns.start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress()), me, () -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("addresses not ready");
      }
      return myAddrs;
    }, p -> {});
    open.add(mdns);
    DnsMessage q = DnsMessage.query(List.of(DnsQuestion.of(Mdns.SERVICE_NAME, DnsRecord.PTR)));
    send(probe, q, mdns.localAddress());
    send(probe, q, mdns.localAddress());
    assertThat(receive(probe, DnsMessage::isResponse).answers()).hasSize(1);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void closeSaysGoodbyeStopsTheThreadAndIsIdempotent() throws Exception {
    DatagramSocket probe = probe();
    Mdns mdns = Mdns.start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress()), me,
        () -> myAddrs, p -> {});
    String thread = "mdns-" + mdns.peerName().substring(0, 8);
    assertThat(threadAlive(thread)).isTrue();
    mdns.close();
    DnsMessage bye = receive(probe, DnsMessage::isResponse);
    assertThat(bye.answers()).containsExactly(
        new DnsRecord.Ptr(Mdns.SERVICE_NAME, 0, mdns.peerName() + "." + Mdns.SERVICE_NAME));
    assertThat(threadAlive(thread)).isFalse();
    mdns.close();
  }

  @Test
  void closingFromThePeerCallbackDoesNotWaitForItself() throws Exception {
    DatagramSocket probe = probe();
    java.util.concurrent.CompletableFuture<Long> closeNanos = new java.util.concurrent.CompletableFuture<>();
    Mdns[] self = new Mdns[1];
    Mdns mdns = Mdns.start(MdnsConfig.unicast((InetSocketAddress) probe.getLocalSocketAddress()), me,
        () -> myAddrs, p -> {
          long t0 = System.nanoTime();
          self[0].close();
          closeNanos.complete(System.nanoTime() - t0);
        });
    self[0] = mdns;
    open.add(mdns);
    send(probe, announcement(other, "bbbb", "/ip4/127.0.0.1/tcp/5001"), mdns.localAddress());
    assertThat(closeNanos.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isLessThan(TimeUnit.SECONDS.toNanos(1));
    assertThat(receive(probe, DnsMessage::isResponse).answers()).as("goodbye")
        .allSatisfy(r -> assertThat(r.ttl()).isZero());
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void disabledConfigOpensNoSocket() {
    Mdns mdns = Mdns.start(MdnsConfig.defaults().withEnabled(false), me, () -> myAddrs, p -> {});
    assertThat(mdns.localAddress()).isNull();
    mdns.queryNow();
    mdns.close();
    mdns.close();
  }

  @Test
  void invalidConfigIsRejectedWithTheFieldNamed() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mdns.start(
            MdnsConfig.defaults().withQueryInterval(Duration.ofMillis(1)), me, () -> myAddrs, p -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queryInterval");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MdnsConfig.defaults().withPeerName("Not-Valid").validate())
        .hasMessageContaining("peerName");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MdnsConfig.defaults().withServiceName("_p2p._udp.example").validate())
        .hasMessageContaining(".local");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MdnsConfig.defaults()
            .withTarget(new InetSocketAddress("ff02::fb", 5353)).validate())
        .hasMessageContaining("IPv4");
  }
}
