package io.serenity.p2p.mdns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A resource record of a DNS message (RFC 1035 §4.1.3), in the class IN. The types libp2p mDNS
 * needs are records of their own; every other type (or class) is kept as {@link Other}.
 *
 * <p>Names are dot-separated without the trailing root dot. Name and TXT bytes are kept as
 * ISO-8859-1 characters so that any bytes round-trip unchanged; libp2p's names and {@code dnsaddr}
 * strings are ASCII.
 */
sealed interface DnsRecord {
  int A = 1;
  int PTR = 12;
  int TXT = 16;
  int AAAA = 28;
  int SRV = 33;

  /** The class IN (RFC 1035 §3.2.4). */
  int CLASS_IN = 1;

  /** The owner name. */
  String name();

  /** Time to live in seconds; 0 is an mDNS "goodbye" (RFC 6762 §10.1). */
  long ttl();

  /** The record type code. */
  int type();

  /** A pointer, e.g. {@code _p2p._udp.local PTR <peer-name>._p2p._udp.local} (RFC 1035 §3.3.12). */
  record Ptr(String name, long ttl, String target) implements DnsRecord {
    public Ptr {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(target, "target");
    }

    @Override
    public int type() {
      return PTR;
    }
  }

  /**
   * Text strings, each at most 255 bytes (RFC 1035 §3.3.14, RFC 6763 §6). Encoded exactly as given:
   * an "empty" TXT record in the sense of RFC 6763 §6.1 is {@code List.of("")}.
   */
  record Txt(String name, long ttl, List<String> strings) implements DnsRecord {
    public Txt {
      Objects.requireNonNull(name, "name");
      strings = List.copyOf(strings);
    }

    @Override
    public int type() {
      return TXT;
    }
  }

  /** A service location (RFC 2782). */
  record Srv(String name, long ttl, int priority, int weight, int port, String target) implements DnsRecord {
    public Srv {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(target, "target");
    }

    @Override
    public int type() {
      return SRV;
    }
  }

  /** An IPv4 address (RFC 1035 §3.4.1). */
  record A(String name, long ttl, Inet4Address address) implements DnsRecord {
    public A {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
      return A;
    }
  }

  /** An IPv6 address (RFC 3596). */
  record Aaaa(String name, long ttl, Inet6Address address) implements DnsRecord {
    public Aaaa {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
      return AAAA;
    }
  }

  /**
   * Any other record, its data uninterpreted.
   *
   * @param rrClass the class field as sent (the mDNS cache-flush bit included)
   */
  record Other(String name, int type, int rrClass, long ttl, byte[] data) implements DnsRecord {
    public Other {
      Objects.requireNonNull(name, "name");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Other x
          && name.equals(x.name) && type == x.type && rrClass == x.rrClass && ttl == x.ttl
          && Arrays.equals(data, x.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, type, rrClass, ttl, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Other[name=" + name + ", type=" + type + ", class=" + rrClass + ", ttl=" + ttl
          + ", data=" + data.length + " bytes]";
    }
  }
}
