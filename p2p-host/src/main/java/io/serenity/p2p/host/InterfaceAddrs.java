package io.serenity.p2p.host;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.time.Clock;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's interface addresses, and wildcard listen addresses expanded into them: a listener on
 * {@code 0.0.0.0} or {@code ::} accepts on every interface, but no peer can dial the wildcard itself.
 *
 * <p>{@code /ip4/0.0.0.0} expands to the IPv4 addresses. {@code /ip6/::} expands to the IPv6 addresses
 * and then the IPv4 ones, because Java opens its listening sockets dual-stack (IPV6_V6ONLY off), so
 * such a listener also accepts IPv4. Link-local IPv6 addresses are left out: dialling one needs a zone
 * that a multiaddr cannot carry. Non-loopback addresses come first, so a remote peer, which dials in
 * order, does not start with an address that leads back to its own machine.
 */
final class InterfaceAddrs {

  private static final Logger LOG = LoggerFactory.getLogger(InterfaceAddrs.class);

  /**
   * How long one reading of the interfaces is reused: identify asks on every connection, and
   * interfaces change far more rarely than peers connect.
   */
  static final Duration REFRESH = Duration.ofSeconds(5);

  private final Clock clock;
  private final Supplier<List<InetAddress>> source;
  private List<InetAddress> cached;
  private long readAt;

  /** Addresses from {@code source} (normally {@link #machine()}), re-read at most once per {@link #REFRESH}. */
  InterfaceAddrs(Clock clock, Supplier<List<InetAddress>> source) {
    this.clock = clock;
    this.source = source;
  }

  /** The interface addresses, read again when the last reading is {@link #REFRESH} old. */
  synchronized List<InetAddress> get() {
    long now = clock.nanos();
    if (cached == null || now - readAt >= REFRESH.toNanos()) {
      cached = List.copyOf(source.get());
      readAt = now;
    }
    return cached;
  }

  /** {@code bound} with each wildcard expanded (see {@link #expand(List, Supplier)}). */
  List<Multiaddr> expand(List<Multiaddr> bound) {
    return expand(bound, this::get);
  }

  /**
   * {@code bound} in order with each wildcard address replaced by the interface addresses it covers, on
   * its port; other addresses are kept as they are and duplicates dropped. A wildcard that covers no
   * interface address is kept, the only thing left to report. {@code interfaces} is asked only when
   * there is a wildcard.
   */
  static List<Multiaddr> expand(List<Multiaddr> bound, Supplier<List<InetAddress>> interfaces) {
    Set<Multiaddr> out = new LinkedHashSet<>();
    for (Multiaddr a : bound) {
      InetSocketAddress socket = socketOf(a);
      if (socket == null || socket.getAddress() == null || !socket.getAddress().isAnyLocalAddress()) {
        out.add(a);
        continue;
      }
      boolean ipv6 = socket.getAddress() instanceof Inet6Address;
      List<InetAddress> covered =
          interfaces.get().stream()
              .filter(ip -> ipv6 || ip instanceof Inet4Address)
              .filter(ip -> !(ip instanceof Inet6Address && ip.isLinkLocalAddress()))
              .filter(ip -> !ip.isAnyLocalAddress())
              .sorted(
                  Comparator.comparing(InetAddress::isLoopbackAddress)
                      .thenComparing(ip -> (ip instanceof Inet6Address) != ipv6))
              .toList();
      if (covered.isEmpty()) {
        out.add(a);
      }
      for (InetAddress ip : covered) {
        out.add(like(a, new InetSocketAddress(ip, socket.getPort())));
      }
    }
    return List.copyOf(out);
  }

  /**
   * What a listener asked for as {@code requested} reports as bound: {@code bound}, except that a
   * wildcard keeps the requested form with the bound port. Java binds {@code 0.0.0.0} as the
   * dual-stack {@code ::}, yet the caller asked for IPv4 and is told {@code /ip4/0.0.0.0/tcp/<port>}.
   */
  static Multiaddr asBound(Multiaddr requested, Multiaddr bound) {
    InetSocketAddress want = socketOf(requested);
    InetSocketAddress got = socketOf(bound);
    if (want == null || got == null || want.getAddress() == null || got.getAddress() == null
        || !want.getAddress().isAnyLocalAddress() || !got.getAddress().isAnyLocalAddress()) {
      return bound;
    }
    return like(requested, new InetSocketAddress(want.getAddress(), got.getPort()));
  }

  /** {@code socket} as a multiaddr of the same transport as {@code shape} (TCP or QUIC). */
  private static Multiaddr like(Multiaddr shape, InetSocketAddress socket) {
    return shape.has(Multiaddr.Protocol.QUIC_V1) ? Multiaddr.quic(socket) : Multiaddr.tcp(socket);
  }

  /** The addresses of every interface that is up, in the order the system lists them. */
  static List<InetAddress> machine() {
    List<InetAddress> out = new ArrayList<>();
    List<NetworkInterface> all;
    try {
      all = Collections.list(NetworkInterface.getNetworkInterfaces());
    } catch (SocketException e) {
      LOG.debug("cannot list the network interfaces: {}", e.toString());
      return out;
    }
    for (NetworkInterface ni : all) {
      try {
        if (ni.isUp()) {
          out.addAll(Collections.list(ni.getInetAddresses()));
        }
      } catch (SocketException e) {
        // the interface went away while we were listing
        LOG.debug("cannot read interface {}: {}", ni.getName(), e.toString());
      }
    }
    return out;
  }

  private static InetSocketAddress socketOf(Multiaddr a) {
    try {
      return a.has(Multiaddr.Protocol.QUIC_V1) ? a.toQuicSocketAddress() : a.toTcpSocketAddress();
    } catch (FormatException e) {
      return null;
    }
  }
}
