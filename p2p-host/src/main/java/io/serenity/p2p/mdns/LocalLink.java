package io.serenity.p2p.mdns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 subnets of the interfaces mDNS runs on, for the source address check of RFC 6762 §11:
 * packets from off-link sources are ignored, so that a remote host that can reach our UDP port
 * cannot feed us peers to dial, nor use our unicast replies to amplify traffic towards a spoofed
 * address. Our own machine (loopback sources) is always on the link.
 */
final class LocalLink {
  /** One subnet: its address bytes and prefix length. */
  private record Subnet(byte[] address, int prefix) {}

  private final List<Subnet> subnets;

  private LocalLink(List<Subnet> subnets) {
    this.subnets = List.copyOf(subnets);
  }

  /** The subnets of {@code interfaces} as they are now. */
  static LocalLink of(List<NetworkInterface> interfaces) {
    List<Subnet> out = new ArrayList<>();
    for (NetworkInterface ni : interfaces) {
      for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
        if (ia.getAddress() instanceof Inet4Address a) {
          out.add(new Subnet(a.getAddress(), ia.getNetworkPrefixLength()));
        }
      }
    }
    return new LocalLink(out);
  }

  /** A link made of the given subnets, e.g. {@code of("192.168.1.7", 24)}; for tests. */
  static LocalLink of(InetAddress address, int prefix) {
    return new LocalLink(List.of(new Subnet(address.getAddress(), prefix)));
  }

  /** True when {@code source} is a loopback address or inside one of our subnets. */
  boolean contains(InetAddress source) {
    if (source.isLoopbackAddress()) {
      return true;
    }
    byte[] s = source.getAddress();
    for (Subnet n : subnets) {
      if (samePrefix(s, n.address(), n.prefix())) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code a} and {@code b} (of one family) agree in their first {@code bits} bits. */
  static boolean samePrefix(byte[] a, byte[] b, int bits) {
    if (a.length != b.length || bits < 0 || bits > a.length * 8) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (b[full] & mask);
  }
}
