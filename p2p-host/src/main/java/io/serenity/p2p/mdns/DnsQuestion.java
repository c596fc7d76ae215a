package io.serenity.p2p.mdns;

/**
 * One entry of a DNS message's question section (RFC 1035 §4.1.2).
 *
 * @param name the queried name, dot-separated without the trailing root dot (labels containing a
 *     dot or backslash have them escaped as {@code \.} and {@code \\})
 * @param type the record type asked for ({@link DnsRecord#PTR}, {@link DnsRecord#TXT}, ..., or
 *     {@link #ANY})
 * @param unicastResponse the mDNS "QU" bit, the top bit of the class field (RFC 6762 §5.4)
 */
record DnsQuestion(String name, int type, boolean unicastResponse) {
  /** The query type matching every record type (RFC 1035 §3.2.3, "*"). */
  static final int ANY = 255;

  DnsQuestion {
    java.util.Objects.requireNonNull(name, "name");
  }

  /** A multicast question for {@code type} records of {@code name}. */
  static DnsQuestion of(String name, int type) {
    return new DnsQuestion(name, type, false);
  }

  /** True when this question asks for {@code type} records of {@code n} (names compare case-insensitively). */
  boolean asks(String n, int t) {
    return name.equalsIgnoreCase(n) && (type == t || type == ANY);
  }
}
