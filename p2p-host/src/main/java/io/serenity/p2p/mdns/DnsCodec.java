package io.serenity.p2p.mdns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes DNS messages (RFC 1035 §4.1) with name compression (§4.1.4). Stateless.
 *
 * <p>Decoding is size-limited and throws only {@link MdnsException}, naming what is wrong and at
 * which offset: packets longer than the limit, section counts the packet cannot hold, truncated
 * fields, labels longer than 63 bytes, names longer than 255 bytes, reserved label types, and
 * compression pointers that do not point strictly backwards (which rules out loops).
 */
final class DnsCodec {

  /** Largest mDNS message, IP and UDP headers excluded (RFC 6762 §17). */
  static final int MAX_MDNS_MESSAGE = 9000;

  private static final int HEADER = 12;
  private static final int MAX_NAME = 255;
  private static final int MAX_LABEL = 63;
  /** Top bit of the class field: "cache flush" in answers, "unicast response" in questions (RFC 6762 §10.2, §5.4). */
  private static final int CLASS_TOP_BIT = 0x8000;

  private DnsCodec() {}

  // ---- decoding ----

  /** Decodes {@code packet}, which must be at most {@code maxSize} bytes. */
  static DnsMessage decode(byte[] packet, int maxSize) {
    return decode(packet, packet.length, maxSize);
  }

  /** Decodes the first {@code length} bytes of {@code packet}. */
  static DnsMessage decode(byte[] packet, int length, int maxSize) {
    if (length > maxSize) {
      throw new MdnsException("DNS message of " + length + " bytes exceeds the limit of " + maxSize);
    }
    if (length < HEADER) {
      throw new MdnsException("DNS message of " + length + " bytes is shorter than its 12-byte header");
    }
    Reader r = new Reader(packet, length);
    int id = r.u16();
    int flags = r.u16();
    int qd = r.u16();
    int an = r.u16();
    int ns = r.u16();
    int ar = r.u16();
    // Each question takes at least 5 bytes and each record at least 11: reject impossible counts
    // before allocating anything for them.
    long least = 5L * qd + 11L * (an + ns + ar);
    if (least > length - HEADER) {
      throw new MdnsException(
          "DNS header counts (" + qd + " questions, " + (an + ns + ar) + " records) cannot fit in "
              + length + " bytes");
    }
    List<DnsQuestion> questions = new ArrayList<>(qd);
    for (int i = 0; i < qd; i++) {
      String name = r.name();
      int type = r.u16();
      int cls = r.u16();
      questions.add(new DnsQuestion(name, type, (cls & CLASS_TOP_BIT) != 0));
    }
    List<DnsRecord> answers = records(r, an);
    List<DnsRecord> authorities = records(r, ns);
    List<DnsRecord> additionals = records(r, ar);
    return new DnsMessage(id, flags, questions, answers, authorities, additionals);
  }

  private static List<DnsRecord> records(Reader r, int count) {
    List<DnsRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(record(r));
    }
    return out;
  }

  private static DnsRecord record(Reader r) {
    String name = r.name();
    int type = r.u16();
    int cls = r.u16();
    long ttl = r.u32();
    int rdlength = r.u16();
    int start = r.pos;
    int end = start + rdlength;
    if (end > r.limit) {
      throw new MdnsException(
          "record data of " + rdlength + " bytes at offset " + start + " runs past the end (" + r.limit + ")");
    }
    if ((cls & ~CLASS_TOP_BIT) != DnsRecord.CLASS_IN) {
      r.pos = end;
      return new DnsRecord.Other(name, type, cls, ttl, Arrays.copyOfRange(r.data, start, end));
    }
    DnsRecord rec;
    switch (type) {
      case DnsRecord.PTR -> rec = new DnsRecord.Ptr(name, ttl, r.nameWithin(end));
      case DnsRecord.TXT -> {
        List<String> strings = new ArrayList<>();
        while (r.pos < end) {
          int n = r.u8();
          if (r.pos + n > end) {
            throw new MdnsException("TXT string of " + n + " bytes at offset " + (r.pos - 1) + " runs past its record");
          }
          strings.add(new String(r.data, r.pos, n, StandardCharsets.ISO_8859_1));
          r.pos += n;
        }
        rec = new DnsRecord.Txt(name, ttl, strings);
      }
      case DnsRecord.SRV -> {
        if (rdlength < 7) {
          throw new MdnsException("SRV record at offset " + start + " has only " + rdlength + " bytes");
        }
        int priority = r.u16();
        int weight = r.u16();
        int port = r.u16();
        rec = new DnsRecord.Srv(name, ttl, priority, weight, port, r.nameWithin(end));
      }
      case DnsRecord.A -> {
        if (rdlength != 4) {
          throw new MdnsException("A record at offset " + start + " has " + rdlength + " bytes, not 4");
        }
        rec = new DnsRecord.A(name, ttl, (Inet4Address) address(r, 4));
      }
      case DnsRecord.AAAA -> {
        if (rdlength != 16) {
          throw new MdnsException("AAAA record at offset " + start + " has " + rdlength + " bytes, not 16");
        }
        InetAddress a = address(r, 16);
        if (!(a instanceof Inet6Address a6)) {
          // Java maps IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) to Inet4Address: keep the raw bytes
          return new DnsRecord.Other(name, type, cls, ttl, Arrays.copyOfRange(r.data, start, end));
        }
        rec = new DnsRecord.Aaaa(name, ttl, a6);
      }
      default -> {
        r.pos = end;
        rec = new DnsRecord.Other(name, type, cls, ttl, Arrays.copyOfRange(r.data, start, end));
      }
    }
    if (r.pos != end) {
      throw new MdnsException(
          "record of type " + type + " at offset " + start + " declares " + rdlength + " bytes but uses "
              + (r.pos - start));
    }
    return rec;
  }

  private static InetAddress address(Reader r, int n) {
    byte[] raw = Arrays.copyOfRange(r.data, r.pos, r.pos + n);
    r.pos += n;
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new MdnsException("bad address of " + n + " bytes", e); // unreachable for 4 or 16 bytes
    }
  }

  /** Bounds-checked reading of one packet. */
  private static final class Reader {
    final byte[] data;
    final int limit;
    int pos;

    Reader(byte[] data, int limit) {
      this.data = data;
      this.limit = limit;
    }

    private void need(int n, String what) {
      if (pos + n > limit) {
        throw new MdnsException("DNS message truncated: " + what + " at offset " + pos + " needs " + n
            + " bytes, " + (limit - pos) + " left");
      }
    }

    int u8() {
      need(1, "a length byte");
      return data[pos++] & 0xff;
    }

    int u16() {
      need(2, "a 16-bit field");
      int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    long u32() {
      need(4, "a 32-bit field");
      long v = ((long) (data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16)
          | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    /** A name that must end within {@code end} (record data); pointers may still lead anywhere before. */
    String nameWithin(int end) {
      String n = name();
      if (pos > end) {
        throw new MdnsException("name in record data runs past its record (offset " + pos + " > " + end + ")");
      }
      return n;
    }

    /** A possibly compressed name (RFC 1035 §4.1.4); advances past its in-place part. */
    String name() {
      StringBuilder sb = new StringBuilder();
      int p = pos;
      int segmentStart = pos; // a pointer must point before the segment it occurs in
      int resume = -1; // where reading continues after the name, once the first pointer was followed
      int wireLength = 1; // the final zero byte
      while (true) {
        if (p >= limit) {
          throw new MdnsException("DNS message truncated: name at offset " + p + " has no end");
        }
        int b = data[p] & 0xff;
        if (b == 0) {
          p++;
          break;
        }
        int kind = b & 0xc0;
        if (kind == 0xc0) {
          if (p + 1 >= limit) {
            throw new MdnsException("DNS message truncated: compression pointer at offset " + p);
          }
          int target = ((b & 0x3f) << 8) | (data[p + 1] & 0xff);
          if (target >= segmentStart) {
            throw new MdnsException(
                "compression pointer at offset " + p + " to " + target + " does not point backwards");
          }
          if (resume < 0) {
            resume = p + 2;
          }
          p = target;
          segmentStart = target;
          continue;
        }
        if (kind != 0) {
          throw new MdnsException("reserved label type 0x" + Integer.toHexString(kind) + " at offset " + p);
        }
        wireLength += 1 + b;
        if (wireLength > MAX_NAME) {
          throw new MdnsException("name at offset " + pos + " is longer than " + MAX_NAME + " bytes");
        }
        if (p + 1 + b > limit) {
          throw new MdnsException("DNS message truncated: label of " + b + " bytes at offset " + p);
        }
        if (sb.length() > 0) {
          sb.append('.');
        }
        for (int i = p + 1; i <= p + b; i++) {
          char c = (char) (data[i] & 0xff);
          if (c == '.' || c == '\\') {
            sb.append('\\');
          }
          sb.append(c);
        }
        p += 1 + b;
      }
      pos = resume >= 0 ? resume : p;
      return sb.toString();
    }
  }

  // ---- encoding ----

  /**
   * Encodes {@code m}, compressing repeated name suffixes. Answers, authorities and additionals
   * in the class IN get the mDNS cache-flush bit when {@code m} is a response and the record is
   * unique to us (TXT, SRV, A, AAAA; not the shared PTR, RFC 6762 §10.2).
   *
   * @throws IllegalArgumentException on a name or string that DNS cannot carry (a programming error)
   */
  static byte[] encode(DnsMessage m) {
    Writer w = new Writer();
    w.u16(m.id());
    w.u16(m.flags());
    w.u16(m.questions().size());
    w.u16(m.answers().size());
    w.u16(m.authorities().size());
    w.u16(m.additionals().size());
    for (DnsQuestion q : m.questions()) {
      w.name(q.name());
      w.u16(q.type());
      w.u16(DnsRecord.CLASS_IN | (q.unicastResponse() ? CLASS_TOP_BIT : 0));
    }
    for (DnsRecord r : m.records()) {
      w.record(r, m.isResponse());
    }
    return w.toByteArray();
  }

  /** Splits a name into labels at unescaped dots; the empty name is the root. */
  static List<byte[]> labels(String name) {
    List<byte[]> out = new ArrayList<>();
    if (name.isEmpty()) {
      return out;
    }
    java.io.ByteArrayOutputStream label = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        c = name.charAt(++i);
      } else if (c == '.') {
        out.add(checkLabel(label.toByteArray(), name));
        label.reset();
        continue;
      }
      if (c > 0xff) {
        throw new IllegalArgumentException("name " + name + " has a character beyond ISO-8859-1");
      }
      label.write(c);
    }
    out.add(checkLabel(label.toByteArray(), name));
    int wire = 1;
    for (byte[] l : out) {
      wire += 1 + l.length;
    }
    if (wire > MAX_NAME) {
      throw new IllegalArgumentException("name " + name + " is longer than " + MAX_NAME + " bytes");
    }
    return out;
  }

  private static byte[] checkLabel(byte[] label, String name) {
    if (label.length == 0 || label.length > MAX_LABEL) {
      throw new IllegalArgumentException("name " + name + " has a label of " + label.length + " bytes");
    }
    return label;
  }

  /** A growable buffer that remembers where names were written, for compression. */
  private static final class Writer {
    private byte[] buf = new byte[512];
    private int len;
    private final Map<String, Integer> suffixes = new HashMap<>();

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    void u8(int v) {
      ensure(1);
      buf[len++] = (byte) v;
    }

    void u16(int v) {
      ensure(2);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    void u32(long v) {
      u16((int) (v >>> 16) & 0xffff);
      u16((int) v & 0xffff);
    }

    void bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    void name(String name) {
      List<byte[]> labels = labels(name);
      for (int i = 0; i < labels.size(); i++) {
        String key = suffixKey(labels, i);
        Integer at = suffixes.get(key);
        if (at != null) {
          u16(0xc000 | at);
          return;
        }
        if (len < 0x3fff) {
          suffixes.put(key, len);
        }
        u8(labels.get(i).length);
        bytes(labels.get(i));
      }
      u8(0);
    }

    private static String suffixKey(List<byte[]> labels, int from) {
      // Exact bytes, not case-folded: a decoder then sees every name exactly as it was given.
      StringBuilder sb = new StringBuilder();
      for (int i = from; i < labels.size(); i++) {
        sb.append(labels.get(i).length).append(':')
            .append(new String(labels.get(i), StandardCharsets.ISO_8859_1));
      }
      return sb.toString();
    }

    void record(DnsRecord r, boolean response) {
      name(r.name());
      typeAndClass(r, response);
      long ttl = r.ttl();
      if (ttl < 0 || ttl > 0xffffffffL) {
        throw new IllegalArgumentException("ttl out of range: " + ttl);
      }
      u32(ttl);
      int lengthAt = len;
      u16(0); // rdlength, patched below
      int start = len;
      switch (r) {
        case DnsRecord.Ptr p -> name(p.target());
        case DnsRecord.Txt t -> {
          for (String s : t.strings()) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            if (b.length > 255) {
              throw new IllegalArgumentException("TXT string of " + b.length + " bytes (max 255)");
            }
            u8(b.length);
            bytes(b);
          }
        }
        case DnsRecord.Srv s -> {
          u16(s.priority());
          u16(s.weight());
          u16(s.port());
          name(s.target());
        }
        case DnsRecord.A a -> bytes(a.address().getAddress());
        case DnsRecord.Aaaa a -> bytes(a.address().getAddress());
        case DnsRecord.Other o -> bytes(o.data());
      }
      int n = len - start;
      if (n > 0xffff) {
        throw new IllegalArgumentException("record data of " + n + " bytes");
      }
      buf[lengthAt] = (byte) (n >>> 8);
      buf[lengthAt + 1] = (byte) n;
    }

    private void typeAndClass(DnsRecord r, boolean response) {
      u16(r.type());
      if (r instanceof DnsRecord.Other o) {
        u16(o.rrClass());
      } else {
        boolean unique = response && !(r instanceof DnsRecord.Ptr);
        u16(DnsRecord.CLASS_IN | (unique ? CLASS_TOP_BIT : 0));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }
  }
}
