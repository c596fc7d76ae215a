package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DNS message encoding and decoding against packets built byte by byte from RFC 1035 §4.1. */
class DnsCodecTest {
  static final String PEER_NAME = "0123456789abcdefghijklmnopqrstuv";
  static final String INSTANCE = PEER_NAME + "._p2p._udp.local";
  static final String ADDR4 = "dnsaddr=/ip4/192.0.2.0/tcp/4001/p2p/QmId";
  static final String ADDR6 = "dnsaddr=/ip6/2001:db8::7573:b0a8:46b0:bfea/tcp/4001/p2p/QmId";

  /** Bytes written by hand. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int... v) {
      for (int b : v) {
        out.write(b);
      }
      return this;
    }

    Bytes u16(int v) {
      return u8(v >>> 8 & 0xff, v & 0xff);
    }

    Bytes u32(long v) {
      return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    Bytes label(String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      out.write(b.length);
      out.writeBytes(b);
      return this;
    }

    /** {@code _p2p._udp.local} in full: 17 bytes. */
    Bytes serviceName() {
      return label("_p2p").label("_udp").label("local").u8(0);
    }

    int size() {
      return out.size();
    }

    byte[] get() {
      return out.toByteArray();
    }
  }

  /** The "find all peers" query (spec "Request"): one question, {@code _p2p._udp.local PTR IN}. */
  static byte[] queryPacket() {
    return new Bytes()
        .u16(0).u16(0).u16(1).u16(0).u16(0).u16(0)
        .serviceName().u16(12).u16(1)
        .get();
  }

  /**
   * The shape of the spec's "Find All Peers" answer: {@code _p2p._udp.local PTR
   * <peer-name>._p2p._udp.local} as the answer, the TXT {@code dnsaddr=} record as an additional
   * record, names compressed with pointers.
   */
  static byte[] responsePacket() {
    Bytes b = new Bytes().u16(0).u16(0x8400).u16(0).u16(1).u16(0).u16(1);
    // answer at offset 12
    b.serviceName().u16(12).u16(1).u32(120).u16(1 + 32 + 2);
    assertThat(b.size()).isEqualTo(39);
    b.label(PEER_NAME).u8(0xc0, 12); // <peer-name> then a pointer to "_p2p._udp.local" at 12
    // additional: owner is a pointer to the instance name at 39; class IN with cache-flush
    b.u8(0xc0, 39).u16(16).u16(0x8001).u32(120).u16(1 + ADDR4.length() + 1 + ADDR6.length());
    b.label(ADDR4).label(ADDR6);
    return b.get();
  }

  static DnsMessage responseMessage() {
    return new DnsMessage(
        0, 0x8400, List.of(),
        List.of(new DnsRecord.Ptr("_p2p._udp.local", 120, INSTANCE)),
        List.of(),
        List.of(new DnsRecord.Txt(INSTANCE, 120, List.of(ADDR4, ADDR6))));
  }

  @Test
  void queryEncodesToTheHandBuiltPacketAndBack() {
    DnsMessage q = DnsMessage.query(List.of(DnsQuestion.of("_p2p._udp.local", DnsRecord.PTR)));
    assertThat(DnsCodec.encode(q)).isEqualTo(queryPacket());
    DnsMessage back = DnsCodec.decode(queryPacket(), 9000);
    assertThat(back).isEqualTo(q);
    assertThat(back.isResponse()).isFalse();
  }

  @Test
  void responseWithCompressedNamesDecodesAndEncodesByteForByte() {
    DnsMessage m = DnsCodec.decode(responsePacket(), 9000);
    assertThat(m).isEqualTo(responseMessage());
    assertThat(m.isResponse()).isTrue();
    assertThat(m.opcode()).isZero();
    assertThat(m.rcode()).isZero();
    // our encoder compresses the same suffixes at the same places
    assertThat(DnsCodec.encode(responseMessage())).isEqualTo(responsePacket());
  }

  @Test
  void srvAAaaaQuestionBitsAndUnknownRecordsRoundTrip() throws Exception {
    DnsMessage m =
        new DnsMessage(
            0x1234, 0x8400,
            List.of(new DnsQuestion(INSTANCE, DnsRecord.SRV, true)),
            List.of(new DnsRecord.Srv(INSTANCE, 120, 0, 0, 4001, "host.local")),
            List.of(new DnsRecord.Other("x.local", 47, 1, 120, new byte[] {0, 1, 2})),
            List.of(
                new DnsRecord.A("host.local", 120, (Inet4Address) InetAddress.getByName("192.0.2.7")),
                new DnsRecord.Aaaa("host.local", 120, (Inet6Address) InetAddress.getByName("2001:db8::1")),
                new DnsRecord.Other("host.local", 16, 3, 60, new byte[] {1, 'z'}))); // class CH: not interpreted
    assertThat(DnsCodec.decode(DnsCodec.encode(m), 9000)).isEqualTo(m);
  }

  @Test
  void labelsWithDotsAndBackslashesAreEscaped() {
    Bytes b = new Bytes().u16(0).u16(0).u16(1).u16(0).u16(0).u16(0).label("a.b\\c").label("local").u8(0).u16(1).u16(1);
    DnsMessage m = DnsCodec.decode(b.get(), 9000);
    assertThat(m.questions().get(0).name()).isEqualTo("a\\.b\\\\c.local");
    assertThat(DnsCodec.encode(m)).isEqualTo(b.get());
  }

  @Test
  void everyTruncationThrowsMdnsException() {
    byte[] full = responsePacket();
    for (int cut = 0; cut < full.length; cut++) {
      byte[] prefix = Arrays.copyOf(full, cut);
      int at = cut;
      assertThatThrownBy(() -> DnsCodec.decode(prefix, 9000)).as("cut at %d", at).isInstanceOf(MdnsException.class);
    }
    assertThatThrownBy(() -> DnsCodec.decode(Arrays.copyOf(full, full.length - 3), 9000))
        .hasMessageContaining("runs past the end");
  }

  @Test
  void packetAboveTheLimitIsRejectedBeforeDecoding() {
    byte[] full = responsePacket();
    assertThatThrownBy(() -> DnsCodec.decode(full, full.length - 1))
        .isInstanceOf(MdnsException.class)
        .hasMessageContaining("exceeds the limit of " + (full.length - 1));
    assertThat(DnsCodec.decode(full, full.length)).isEqualTo(responseMessage());
  }

  private static Bytes header(int qd, int an) {
    return new Bytes().u16(0).u16(0x8400).u16(qd).u16(an).u16(0).u16(0);
  }

  @Test
  void compressionPointersMustPointStrictlyBackwards() {
    byte[] self = header(1, 0).u8(0xc0, 12).u16(12).u16(1).get();
    assertThatThrownBy(() -> DnsCodec.decode(self, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("does not point backwards");
    // "a" then a pointer back to "a": a loop through an earlier byte of the same name
    byte[] loop = header(1, 0).label("a").u8(0xc0, 12).u16(12).u16(1).get();
    assertThatThrownBy(() -> DnsCodec.decode(loop, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("does not point backwards");
    byte[] forward = header(1, 0).u8(0xc0, 20).u16(12).u16(1).label("local").u8(0).get();
    assertThatThrownBy(() -> DnsCodec.decode(forward, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("does not point backwards");
  }

  @Test
  void badLabelsAndLongNamesAreRejected() {
    byte[] reserved = header(1, 0).u8(0x40, 1).u8(0).u16(12).u16(1).get();
    assertThatThrownBy(() -> DnsCodec.decode(reserved, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("reserved label type");
    String l63 = "x".repeat(63);
    byte[] tooLong = header(1, 0).label(l63).label(l63).label(l63).label(l63).u8(0).u16(12).u16(1).get();
    assertThatThrownBy(() -> DnsCodec.decode(tooLong, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("longer than 255 bytes");
  }

  @Test
  void impossibleCountsAreRejectedBeforeAllocating() {
    byte[] p = new Bytes().u16(0).u16(0).u16(0xffff).u16(0xffff).u16(0xffff).u16(0xffff).get();
    assertThatThrownBy(() -> DnsCodec.decode(p, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("cannot fit");
  }

  @Test
  void recordDataMustMatchItsDeclaredLength() {
    byte[] shortA = header(0, 1).label("h").u8(0).u16(1).u16(1).u32(1).u16(3).u8(1, 2, 3).get();
    assertThatThrownBy(() -> DnsCodec.decode(shortA, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("not 4");
    // a PTR whose target name runs past the record's 2 declared bytes
    byte[] ptr = header(0, 1).label("h").u8(0).u16(12).u16(1).u32(1).u16(2).label("abc").u8(0).get();
    assertThatThrownBy(() -> DnsCodec.decode(ptr, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("past its record");
    byte[] txt = header(0, 1).label("h").u8(0).u16(16).u16(1).u32(1).u16(3).u8(5, 'a', 'b').get();
    assertThatThrownBy(() -> DnsCodec.decode(txt, 9000))
        .isInstanceOf(MdnsException.class).hasMessageContaining("runs past its record");
  }
}
