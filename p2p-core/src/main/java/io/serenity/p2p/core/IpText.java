package io.serenity.p2p.core;

/**
 * IP address literals in text, parsed and printed without {@link java.net.InetAddress} (which may resolve
 * names and turns IPv4-mapped IPv6 addresses into IPv4 ones).
 */
final class IpText {
  private IpText() {}

  /** Dotted quad to 4 bytes; decimal parts 0..255 without leading zeros. Null if invalid. */
  static byte[] parseIp4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int i = 0;
    int n = s.length();
    while (part < 4) {
      int start = i;
      int v = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (part < 4) {
        if (i >= n || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == n ? out : null;
  }

  static String formatIp4(byte[] b, int off) {
    return (b[off] & 0xFF) + "." + (b[off + 1] & 0xFF) + "." + (b[off + 2] & 0xFF) + "." + (b[off + 3] & 0xFF);
  }

  /**
   * RFC 4291 section 2.2 text to 16 bytes: hex groups, at most one {@code ::}, optionally ending in a dotted
   * quad. Zone ids are not accepted. Null if invalid.
   */
  static byte[] parseIp6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    int n = s.length();
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == n) {
        return new byte[16];
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < n) {
      if (count == 8) {
        return null;
      }
      int start = i;
      int v = 0;
      while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
        v = (v << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        // Embedded IPv4 takes the last two groups.
        if (count > 6) {
          return null;
        }
        byte[] v4 = parseIp4(s.substring(start));
        if (v4 == null) {
          return null;
        }
        groups[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
        groups[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
        i = n;
        break;
      }
      int len = i - start;
      if (len == 0 || len > 4) {
        return null;
      }
      groups[count++] = v;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = count;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return null;
      }
    }
    if (gap < 0 && count != 8) {
      return null;
    }
    if (gap >= 0 && count > 7) {
      return null;
    }
    int[] full = new int[8];
    if (gap < 0) {
      full = groups;
    } else {
      int tail = count - gap;
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - tail, tail);
    }
    byte[] out = new byte[16];
    for (int g = 0; g < 8; g++) {
      out[2 * g] = (byte) (full[g] >>> 8);
      out[2 * g + 1] = (byte) full[g];
    }
    return out;
  }

  /**
   * RFC 5952 canonical text: lower case, no leading zeros, the first longest run of two or more zero groups
   * as {@code ::}; IPv4-mapped addresses as {@code ::ffff:a.b.c.d} (RFC 5952 section 5, as go-multiaddr).
   */
  static String formatIp6(byte[] b) {
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= b[i] == 0;
    }
    mapped &= (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    if (mapped) {
      return "::ffff:" + formatIp4(b, 12);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
