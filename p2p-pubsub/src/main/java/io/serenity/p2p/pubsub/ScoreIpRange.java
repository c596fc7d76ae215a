package io.serenity.p2p.pubsub;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP literal or CIDR range for the P6 colocation whitelist, plus the literal-only address parsing
 * the scorer needs. Parsing never touches DNS: only hex digits, dots, colons and '%' reach {@link
 * InetAddress#getByName}.
 */
record ScoreIpRange(byte[] network, int prefixLength) {

  /** Parses {@code "10.0.0.0/8"}, {@code "2001:db8::/32"} or a single address (full-length prefix). */
  static ScoreIpRange parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    InetAddress address = parseLiteral(slash < 0 ? s : s.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("not an IP address or CIDR range: '" + text + "'");
    }
    byte[] bytes = address.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in CIDR range '" + text + "'");
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix length " + prefix + " out of range 0.." + max + " in '" + text + "'");
      }
    }
    return new ScoreIpRange(mask(bytes, prefix), prefix);
  }

  /** True when {@code address} lies in this range (an IPv4 address never matches an IPv6 range). */
  boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
  }

  /** An IPv4/IPv6 literal, or null when {@code text} is anything else (host names included). */
  static InetAddress parseLiteral(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    boolean colon = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (c == ':') {
        colon = true;
      } else if (!hex && c != '.' && c != '%') {
        return null;
      }
    }
    if (!colon && !text.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return null; // "abc" or "deadbeef" would be looked up as a host name
    }
    try {
      InetAddress a = InetAddress.getByName(text);
      return a instanceof Inet4Address || a instanceof Inet6Address ? a : null;
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /** The /64 network of an IPv6 address, as go-libp2p-pubsub also counts it for colocation. */
  static String ipv6Slash64(InetAddress address) {
    byte[] b = mask(address.getAddress(), 64);
    try {
      return InetAddress.getByAddress(b).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes is always a valid length
    }
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bitsHere));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoreIpRange r && r.prefixLength == prefixLength && Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      return Arrays.toString(network) + "/" + prefixLength;
    }
  }
}
