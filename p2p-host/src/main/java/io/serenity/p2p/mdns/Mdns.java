package io.serenity.p2p.mdns;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libp2p mDNS peer discovery (libp2p spec {@code discovery/mdns.md}): answers "find all peers"
 * queries for {@code _p2p._udp.local} with our {@code dnsaddr} multiaddrs, asks the same question
 * every {@link MdnsConfig#queryInterval()}, and reports the peers that answer.
 *
 * <pre>{@code
 * try (Mdns mdns = Mdns.start(MdnsConfig.defaults(), host.peerId(), host::listenAddrs,
 *     peer -> host.connect(peer))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>One daemon thread per instance does all socket work and calls {@code onPeer}; keep the
 * callback short (hand the dial to another thread). A peer is reported when first heard, when it
 * shows an address not reported before, and again at most once per {@link MdnsConfig#ttl()}
 * while it keeps answering; never ourselves. IPv4 only ({@code 224.0.0.251:5353}).
 */
public final class Mdns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Mdns.class);

  /** The service name of libp2p peers (spec "Definitions"). */
  public static final String SERVICE_NAME = "_p2p._udp.local";

  private final MdnsConfig config;
  private final MdnsSession session;
  private final String peerName;
  private final Consumer<PeerInfo> onPeer;
  private final DatagramChannel channel;
  private final Selector selector;
  private final List<NetworkInterface> interfaces;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean queryNow;
  /** Most recent multicast reply (System.nanoTime), 0 for none; mDNS thread only. */
  private long lastMulticastReply;
  /** Our interfaces' subnets, refreshed at every query (addresses change); mDNS thread only. */
  private LocalLink link;

  private static final long MIN_MULTICAST_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A handle that does nothing (mDNS disabled). */
  private Mdns(MdnsConfig config, String peerName) {
    this.config = config;
    this.session = null;
    this.onPeer = null;
    this.channel = null;
    this.selector = null;
    this.interfaces = List.of();
    this.thread = null;
    this.peerName = peerName;
  }

  private Mdns(
      MdnsConfig config, MdnsSession session, String peerName, Consumer<PeerInfo> onPeer,
      DatagramChannel channel, Selector selector, List<NetworkInterface> interfaces) {
    this.config = config;
    this.session = session;
    this.peerName = peerName;
    this.onPeer = onPeer;
    this.channel = channel;
    this.selector = selector;
    this.interfaces = interfaces;
    this.thread = new Thread(this::run, "mdns-" + peerName.substring(0, Math.min(8, peerName.length())));
    this.thread.setDaemon(true);
  }

  /**
   * Starts mDNS for {@code self}: binds and joins the group (unless {@code config} is disabled),
   * sends a first query, and keeps answering and querying until {@link #close()}.
   *
   * @param config the settings
   * @param self our peer id
   * @param addrs our current listen addresses, asked each time we answer (an address without
   *     {@code /p2p} gets ours appended; one with another peer's id is skipped)
   * @param onPeer called on the mDNS thread with each discovered peer (addresses without {@code /p2p})
   * @return the running instance
   * @throws MdnsException when the socket cannot be opened, bound or joined to the group
   * @throws IllegalArgumentException when {@code config} is invalid
   */
  public static Mdns start(
      MdnsConfig config, PeerId self, Supplier<List<Multiaddr>> addrs, Consumer<PeerInfo> onPeer) {
    config.validate();
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(addrs, "addrs");
    Objects.requireNonNull(onPeer, "onPeer");
    String peerName = config.peerName() != null ? config.peerName() : randomPeerName(new SecureRandom());
    if (!config.enabled()) {
      return new Mdns(config, peerName);
    }
    MdnsSession session = new MdnsSession(config, self, peerName, addrs);
    DatagramChannel channel = null;
    Selector selector = null;
    try {
      List<NetworkInterface> nis = config.multicast() ? interfaces(config) : List.of();
      channel = DatagramChannel.open(StandardProtocolFamily.INET);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(config.bind());
      if (config.multicast()) {
        // RFC 6762 §11: sent with IP TTL 255; loop back so other instances on this machine hear us
        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        for (NetworkInterface ni : nis) {
          channel.join(config.target().getAddress(), ni);
        }
      }
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      Mdns mdns = new Mdns(config, session, peerName, onPeer, channel, selector, nis);
      LOG.info("mDNS for {} as {} on {} ({})", self, session.instance(), channel.getLocalAddress(),
          config.multicast() ? "group " + config.target() + " on " + names(nis) : "unicast to " + config.target());
      mdns.thread.start();
      return mdns;
    } catch (IOException | RuntimeException e) {
      closeQuietly(selector);
      closeQuietly(channel);
      if (e instanceof MdnsException m) {
        throw m;
      }
      throw new MdnsException("cannot start mDNS on " + config.bind() + " for " + config.target() + ": " + e, e);
    }
  }

  /** A fresh {@code peer-name}: 32 random lower-case letters and digits (spec "Definitions"). */
  static String randomPeerName(java.util.Random random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** {@return our {@code peer-name} label} */
  public String peerName() {
    return peerName;
  }

  /** {@return the bound local address (null when disabled), e.g. to point a test peer at us} */
  public InetSocketAddress localAddress() {
    if (channel == null) {
      return null;
    }
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }

  /** Sends a query now instead of waiting for the next interval (e.g. after a network change). */
  public void queryNow() {
    if (selector != null && !closed) {
      queryNow = true;
      selector.wakeup();
    }
  }

  /** Says goodbye (TTL 0 record), stops the thread and closes the socket. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (thread == null) {
      return;
    }
    selector.wakeup();
    if (Thread.currentThread() == thread) {
      return; // called from onPeer: the loop ends (and closes the socket) once the callback returns
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // normally done by the thread already; here in case it is stuck
    closeQuietly(selector);
    closeQuietly(channel);
  }

  // ---- the mDNS thread ----

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(config.maxPacketSize() + 1);
    long interval = config.queryInterval().toNanos();
    long nextQuery = System.nanoTime();
    try {
      while (!closed) {
        long now = System.nanoTime();
        if (queryNow || now - nextQuery >= 0) {
          queryNow = false;
          nextQuery = now + interval;
          link = LocalLink.of(interfaces);
          try {
            send(DnsCodec.encode(session.query()), config.target());
          } catch (ClosedChannelException e) {
            throw e;
          } catch (IOException e) {
            // e.g. the network is down for now: try again next interval
            LOG.debug("mDNS: query to {} failed: {}", config.target(), e.toString());
          }
        }
        long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextQuery - now));
        selector.select(waitMs);
        selector.selectedKeys().clear();
        SocketAddress from;
        while (!closed && (from = channel.receive(buf)) != null) {
          buf.flip();
          try {
            handle(buf, (InetSocketAddress) from);
          } catch (RuntimeException e) {
            // one bad packet or a failing address supplier must not end discovery
            LOG.warn("mDNS: handling a packet from {} failed: {}", from, e.toString());
          }
          buf.clear();
        }
      }
      send(session.goodbye(), config.target());
    } catch (ClosedChannelException e) {
      // closed under us: done
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("mDNS stopped: {}", e.toString());
      }
    } finally {
      closeQuietly(selector);
      closeQuietly(channel);
    }
  }

  private void handle(ByteBuffer packet, InetSocketAddress from) {
    if (packet.remaining() > config.maxPacketSize()) {
      LOG.debug("mDNS: dropped a packet from {} larger than {} bytes", from, config.maxPacketSize());
      return;
    }
    DnsMessage m;
    try {
      m = DnsCodec.decode(packet.array(), packet.remaining(), config.maxPacketSize());
    } catch (MdnsException e) {
      LOG.debug("mDNS: bad packet from {}: {}", from, e.getMessage());
      return;
    }
    if (config.multicast() && !link.contains(from.getAddress())) {
      // RFC 6762 §11: only the local link speaks mDNS to us
      LOG.debug("mDNS: ignored a packet from off-link {}", from);
      return;
    }
    if (m.isResponse()) {
      for (PeerInfo p : session.onResponse(m, System.nanoTime())) {
        try {
          onPeer.accept(p);
        } catch (RuntimeException e) {
          LOG.warn("mDNS peer listener failed on {}: {}", p.id(), e.toString());
        }
      }
      return;
    }
    // RFC 6762 §6.7: a query from a port other than the mDNS port comes from a simple resolver
    // that only listens there, so it gets a legacy unicast reply; without a group (unicast test
    // mode) every asker is treated so. A question with the QU bit gets a unicast reply too (§5.4).
    boolean legacy = !config.multicast() || from.getPort() != config.target().getPort();
    boolean unicast = legacy || m.questions().stream().anyMatch(DnsQuestion::unicastResponse);
    long now = System.nanoTime();
    if (!unicast && lastMulticastReply != 0 && now - lastMulticastReply < MIN_MULTICAST_GAP_NANOS) {
      // RFC 6762 §6: a record is multicast at most once per second; whoever asked just now also
      // heard our last answer
      return;
    }
    session.answer(m, legacy).ifPresent(bytes -> {
      if (!unicast) {
        lastMulticastReply = now;
      }
      try {
        send(bytes, unicast ? from : config.target());
      } catch (IOException e) {
        LOG.debug("mDNS: reply to {} failed: {}", from, e.toString());
      }
    });
  }

  private void send(byte[] bytes, InetSocketAddress to) throws IOException {
    if (!to.getAddress().isMulticastAddress() || interfaces.isEmpty()) {
      channel.send(ByteBuffer.wrap(bytes), to);
      return;
    }
    for (NetworkInterface ni : interfaces) {
      try {
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
        channel.send(ByteBuffer.wrap(bytes), to);
      } catch (IOException e) {
        LOG.debug("mDNS: send on {} failed: {}", ni.getName(), e.toString());
      }
    }
  }

  // ---- setup helpers ----

  /** The interfaces named in {@code config}, or every usable one when it names none. */
  private static List<NetworkInterface> interfaces(MdnsConfig config) throws SocketException {
    List<NetworkInterface> out = new ArrayList<>();
    if (!config.interfaces().isEmpty()) {
      for (String name : config.interfaces()) {
        NetworkInterface ni = NetworkInterface.getByName(name);
        if (ni == null) {
          throw new MdnsException("no network interface named " + name);
        }
        out.add(ni);
      }
      return out;
    }
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp() && ni.supportsMulticast() && !ni.isLoopback() && hasIpv4(ni)) {
        out.add(ni);
      }
    }
    if (out.isEmpty()) {
      throw new MdnsException("no up, multicast-capable, non-loopback interface with IPv4; name one in MdnsConfig.interfaces");
    }
    return out;
  }

  private static boolean hasIpv4(NetworkInterface ni) {
    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
      if (a instanceof Inet4Address) {
        return true;
      }
    }
    return false;
  }

  private static String names(List<NetworkInterface> nis) {
    return nis.stream().map(NetworkInterface::getName).toList().toString();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("mDNS close: {}", e.toString());
    }
  }
}
