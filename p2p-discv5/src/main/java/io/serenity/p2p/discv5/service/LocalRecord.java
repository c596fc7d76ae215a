package io.serenity.p2p.discv5.service;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** Builds our record and reads endpoints out of records. */
final class LocalRecord {

  /**
   * The largest record we sign: {@code @chainsafe/discv5} 11.0.0 refuses records of 300 bytes although
   * EIP-778 allows them (docs/interop.md, "discv5 peer").
   */
  static final int MAX_SIZE = 299;

  private LocalRecord() {}

  /**
   * Our record: the advertised IP, the bound UDP port and the configured TCP and QUIC ports, over the fields
   * of the previous record when it is ours; seq 1, or the previous seq, plus one if an address
   * changed.
   */
  static Enr build(Discv5Config config, int udpPort) {
    PrivateKey key = PrivateKey.fromRaw(KeyType.SECP256K1, config.privateKey());
    Enr.Builder b = Enr.builder();
    Enr prev = config.previousEnr();
    if (prev != null) {
      b.from(prev);
    }
    setEndpoint(b, config, config.advertisedIp(), udpPort);
    Enr candidate = checkSize(b.seq(prev == null ? 1 : prev.seq()).sign(key));
    if (prev == null || !Arrays.equals(prev.nodeId(), candidate.nodeId())) {
      return prev == null ? candidate : b.seq(1).sign(key);
    }
    boolean same = Objects.equals(prev.ip(), candidate.ip()) && Objects.equals(prev.ip6(), candidate.ip6())
        && prev.udp().equals(candidate.udp()) && prev.udp6().equals(candidate.udp6())
        && prev.tcp().equals(candidate.tcp()) && prev.tcp6().equals(candidate.tcp6())
        && prev.quic().equals(candidate.quic()) && prev.quic6().equals(candidate.quic6())
        && prev.keys().equals(candidate.keys());
    return same ? prev : b.seq(prev.seq() + 1).sign(key);
  }

  /**
   * Our record changed by the caller, with {@code endpoint} as its UDP endpoint and seq + 1.
   *
   * @throws IllegalArgumentException when the new record exceeds {@link #MAX_SIZE} bytes
   */
  static Enr update(Discv5Config config, Enr current, InetSocketAddress endpoint,
      java.util.function.Consumer<Enr.Builder> change) {
    Enr.Builder b = Enr.builder().from(current);
    change.accept(b);
    setEndpoint(b, config, endpoint.getAddress(), endpoint.getPort());
    return checkSize(b.seq(current.seq() + 1).sign(PrivateKey.fromRaw(KeyType.SECP256K1, config.privateKey())));
  }

  private static void setEndpoint(Enr.Builder b, Discv5Config config, InetAddress ip, int udpPort) {
    b.ip(ip);
    if (ip instanceof Inet6Address) {
      b.udp6(udpPort);
      config.tcpPort().ifPresent(b::tcp6);
      config.quicPort().ifPresent(b::quic6);
    } else {
      b.udp(udpPort);
      config.tcpPort().ifPresent(b::tcp);
      config.quicPort().ifPresent(b::quic);
    }
  }

  private static Enr checkSize(Enr enr) {
    int size = enr.toRlp().length;
    if (size > MAX_SIZE) {
      throw new IllegalArgumentException("our record would be " + size + " bytes; at most " + MAX_SIZE
          + " are interoperable");
    }
    return enr;
  }

  /** {@return the UDP endpoint of a record: ip/udp, else ip6/udp6} */
  static Optional<InetSocketAddress> udpEndpoint(Enr enr) {
    if (enr.ip().isPresent() && enr.udp().isPresent()) {
      return Optional.of(new InetSocketAddress(enr.ip().get(), enr.udp().getAsInt()));
    }
    if (enr.ip6().isPresent() && enr.udp6().isPresent()) {
      return Optional.of(new InetSocketAddress(enr.ip6().get(), enr.udp6().getAsInt()));
    }
    return Optional.empty();
  }
}
