package io.serenity.p2p.mdns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/** Whether this machine delivers multicast over loopback (mDNS tests skip, with the reason, when not). */
public final class LoopbackMulticast {
  private static final InetAddress GROUP = MdnsConfig.IPV4_GROUP.getAddress();

  private LoopbackMulticast() {}

  /** Null when a multicast datagram sent on loopback comes back; otherwise why not. */
  public static String problem(int port) {
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
}
