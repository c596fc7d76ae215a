package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.Multiaddr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class InterfaceAddrsTest {

  /** A machine with loopback and one interface holding IPv4, a unique-local IPv6 and a link-local IPv6. */
  private static final Supplier<List<InetAddress>> MACHINE =
      () -> ips("127.0.0.1", "::1", "192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1");

  private static List<InetAddress> ips(String... literals) {
    try {
      InetAddress[] out = new InetAddress[literals.length];
      for (int i = 0; i < literals.length; i++) {
        out[i] = InetAddress.getByName(literals[i]);
      }
      return List.of(out);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static List<Multiaddr> addrs(String... text) {
    return java.util.Arrays.stream(text).map(Multiaddr::parse).toList();
  }

  @Test
  void ipv4WildcardBecomesEveryIpv4AddressOnItsPortLoopbackLast() {
    assertThat(InterfaceAddrs.expand(addrs("/ip4/0.0.0.0/tcp/9000"), MACHINE))
        .isEqualTo(addrs("/ip4/192.0.2.2/tcp/9000", "/ip4/127.0.0.1/tcp/9000"));
  }

  @Test
  void ipv6WildcardIsDualStackAndSkipsLinkLocal() {
    assertThat(InterfaceAddrs.expand(addrs("/ip6/::/tcp/9000"), MACHINE))
        .isEqualTo(addrs("/ip6/fd00::2/tcp/9000", "/ip4/192.0.2.2/tcp/9000", "/ip6/::1/tcp/9000",
            "/ip4/127.0.0.1/tcp/9000"));
  }

  @Test
  void otherAddressesAreKeptInOrderAndDuplicatesDropped() {
    assertThat(InterfaceAddrs.expand(
            addrs("/ip4/127.0.0.1/tcp/1", "/ip4/0.0.0.0/tcp/2", "/ip4/192.0.2.2/tcp/2", "/ip6/::1/tcp/3"), MACHINE))
        .isEqualTo(addrs("/ip4/127.0.0.1/tcp/1", "/ip4/192.0.2.2/tcp/2", "/ip4/127.0.0.1/tcp/2", "/ip6/::1/tcp/3"));
  }

  @Test
  void theInterfacesAreReadOnlyForAWildcard() {
    Supplier<List<InetAddress>> never = () -> {
      throw new AssertionError("interfaces read without a wildcard");
    };
    assertThat(InterfaceAddrs.expand(addrs("/ip4/127.0.0.1/tcp/1"), never)).isEqualTo(addrs("/ip4/127.0.0.1/tcp/1"));
  }

  @Test
  void aWildcardCoveringNoAddressIsKept() {
    assertThat(InterfaceAddrs.expand(addrs("/ip4/0.0.0.0/tcp/9000"), () -> ips("::1", "fe80::1")))
        .isEqualTo(addrs("/ip4/0.0.0.0/tcp/9000"));
  }

  @Test
  void aWildcardIsReportedAsRequestedWithTheBoundPort() {
    // Java binds 0.0.0.0 as the dual-stack :: and reports that
    assertThat(InterfaceAddrs.asBound(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"), Multiaddr.parse("/ip6/::/tcp/4711")))
        .isEqualTo(Multiaddr.parse("/ip4/0.0.0.0/tcp/4711"));
    assertThat(InterfaceAddrs.asBound(Multiaddr.parse("/ip6/::/tcp/0"), Multiaddr.parse("/ip6/::/tcp/4711")))
        .isEqualTo(Multiaddr.parse("/ip6/::/tcp/4711"));
    assertThat(InterfaceAddrs.asBound(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), Multiaddr.parse("/ip4/127.0.0.1/tcp/4711")))
        .isEqualTo(Multiaddr.parse("/ip4/127.0.0.1/tcp/4711"));
  }

  @Test
  void theInterfacesAreReReadOnlyAfterTheRefreshInterval() {
    AtomicLong now = new AtomicLong();
    AtomicInteger reads = new AtomicInteger();
    InterfaceAddrs addrs = new InterfaceAddrs(now::get, () -> {
      reads.incrementAndGet();
      return MACHINE.get();
    });
    List<Multiaddr> bound = addrs("/ip4/0.0.0.0/tcp/9000");
    addrs.expand(bound);
    now.addAndGet(InterfaceAddrs.REFRESH.minus(Duration.ofNanos(1)).toNanos());
    addrs.expand(bound);
    assertThat(reads).hasValue(1);
    now.addAndGet(1);
    addrs.expand(bound);
    assertThat(reads).hasValue(2);
  }
}
