package io.serenity.p2p.mdns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of {@link Mdns} (libp2p mDNS discovery). Start from {@link #defaults()}.
 *
 * <pre>{@code
 * MdnsConfig config = MdnsConfig.defaults().withInterfaces(List.of("eth0"));
 * }</pre>
 *
 * @param enabled whether {@link Mdns#start} opens a socket at all (default true); when false it
 *     returns a handle that does nothing
 * @param serviceName the DNS-SD service name queried and announced (default {@code _p2p._udp.local};
 *     a private network uses {@code _p2p-<fingerprint>._udp.local}, spec "Definitions")
 * @param queryInterval time between our queries (default 10 s); the first goes out at start
 * @param ttl the TTL of the records we announce (default 120 s), and how long a discovered peer is
 *     remembered before it is reported again
 * @param target where queries and multicast responses go (default {@code 224.0.0.251:5353}); a
 *     unicast address (tests) sends there instead and joins no group
 * @param bind the local socket address (default {@code 0.0.0.0:5353}, shared with other mDNS
 *     responders through {@code SO_REUSEADDR}); tests use {@code 127.0.0.1:0}
 * @param interfaces names of the network interfaces to join the group on and send from (default
 *     empty: every interface that is up, multicast-capable, not loopback and has an IPv4 address)
 * @param peerName our {@code peer-name} label, or null (default) for a fresh random 32-character
 *     lower-case alphanumeric name (spec "Definitions": not the peer id, which may exceed 63 bytes)
 * @param maxPacketSize the largest DNS message we send or accept (default 9000, RFC 6762 §17)
 * @param maxPeers discovered peers remembered for de-duplication (default 1024)
 */
public record MdnsConfig(
    boolean enabled,
    String serviceName,
    Duration queryInterval,
    Duration ttl,
    InetSocketAddress target,
    InetSocketAddress bind,
    List<String> interfaces,
    String peerName,
    int maxPacketSize,
    int maxPeers) {

  /** The IPv4 mDNS group and port (RFC 6762 §3). */
  public static final InetSocketAddress IPV4_GROUP = new InetSocketAddress("224.0.0.251", 5353);

  /** Checks for nulls and copies the interface list. */
  public MdnsConfig {
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(queryInterval, "queryInterval");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(bind, "bind");
    interfaces = List.copyOf(interfaces);
  }

  /** {@return the defaults listed on the record components} */
  public static MdnsConfig defaults() {
    return new MdnsConfig(
        true,
        Mdns.SERVICE_NAME,
        Duration.ofSeconds(10),
        Duration.ofSeconds(120),
        IPV4_GROUP,
        new InetSocketAddress("0.0.0.0", 5353),
        List.of(),
        null,
        DnsCodec.MAX_MDNS_MESSAGE,
        1024);
  }

  /**
   * Unicast on loopback, for tests: bound to {@code 127.0.0.1} on a free port, sending to {@code
   * target}; no multicast group is joined.
   *
   * @param target where queries and answers go
   * @return the config
   */
  public static MdnsConfig unicast(InetSocketAddress target) {
    return defaults().withBind(new InetSocketAddress("127.0.0.1", 0)).withTarget(target);
  }

  /**
   * The real group {@code 224.0.0.251}, but on {@code port} and joined on the loopback interface
   * only, bound to the group address: instances on this machine find each other and nothing leaves
   * it. For tests, where the machine delivers multicast over loopback (Linux does).
   *
   * @param port the port, shared by the instances that should meet
   * @return the config
   */
  public static MdnsConfig loopback(int port) {
    java.net.NetworkInterface lo;
    try {
      lo = java.net.NetworkInterface.getByInetAddress(java.net.InetAddress.getLoopbackAddress());
    } catch (java.net.SocketException e) {
      throw new MdnsException("cannot find the loopback interface: " + e, e);
    }
    if (lo == null) {
      throw new MdnsException("no loopback interface");
    }
    InetSocketAddress group = new InetSocketAddress(IPV4_GROUP.getAddress(), port);
    return defaults().withTarget(group).withBind(group).withInterfaces(List.of(lo.getName()));
  }

  /**
   * {@return a copy with {@link #enabled()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withEnabled(boolean v) {
    return new MdnsConfig(v, serviceName, queryInterval, ttl, target, bind, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #serviceName()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withServiceName(String v) {
    return new MdnsConfig(enabled, v, queryInterval, ttl, target, bind, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #queryInterval()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withQueryInterval(Duration v) {
    return new MdnsConfig(enabled, serviceName, v, ttl, target, bind, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #ttl()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withTtl(Duration v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, v, target, bind, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #target()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withTarget(InetSocketAddress v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, ttl, v, bind, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #bind()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withBind(InetSocketAddress v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, ttl, target, v, interfaces, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #interfaces()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withInterfaces(List<String> v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, ttl, target, bind, v, peerName, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #peerName()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withPeerName(String v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, ttl, target, bind, interfaces, v, maxPacketSize, maxPeers);
  }

  /**
   * {@return a copy with {@link #maxPacketSize()} set to {@code v}}
   *
   * @param v the new value
   */
  public MdnsConfig withMaxPacketSize(int v) {
    return new MdnsConfig(enabled, serviceName, queryInterval, ttl, target, bind, interfaces, peerName, v, maxPeers);
  }

  /** {@return true when {@link #target()} is a multicast group (the normal case) rather than a test peer} */
  public boolean multicast() {
    return target.getAddress() != null && target.getAddress().isMulticastAddress();
  }

  /**
   * Rejects nonsense values with a message naming the field; returns this.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public MdnsConfig validate() {
    try {
      DnsCodec.labels(serviceName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("serviceName is not a valid DNS name: " + e.getMessage(), e);
    }
    if (!serviceName.toLowerCase(java.util.Locale.ROOT).endsWith(".local")) {
      throw new IllegalArgumentException("serviceName must end in .local (RFC 6762), got " + serviceName);
    }
    if (queryInterval.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("queryInterval must be at least 100 ms, got " + queryInterval);
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.getSeconds() > 0xffffffffL) {
      throw new IllegalArgumentException("ttl must be between 1 s and 2^32-1 s, got " + ttl);
    }
    if (target.isUnresolved() || target.getPort() == 0) {
      throw new IllegalArgumentException("target must be a resolved address with a port, got " + target);
    }
    if (bind.isUnresolved()) {
      throw new IllegalArgumentException("bind must be a resolved address, got " + bind);
    }
    if (!(target.getAddress() instanceof java.net.Inet4Address) || !(bind.getAddress() instanceof java.net.Inet4Address)) {
      throw new IllegalArgumentException("target and bind must be IPv4 (IPv6 mDNS is not implemented), got "
          + target + " and " + bind);
    }
    if (peerName != null && !peerName.matches("[a-z0-9]{1,63}")) {
      throw new IllegalArgumentException("peerName must be 1-63 lower-case letters and digits, got " + peerName);
    }
    if (maxPacketSize < 512 || maxPacketSize > DnsCodec.MAX_MDNS_MESSAGE) {
      throw new IllegalArgumentException("maxPacketSize must be in [512, 9000], got " + maxPacketSize);
    }
    if (maxPeers < 1) {
      throw new IllegalArgumentException("maxPeers must be positive, got " + maxPeers);
    }
    return this;
  }
}
