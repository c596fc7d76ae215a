package io.serenity.p2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String SECP_ID = "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY";

  // Text <-> binary pairs published in the multiaddr spec (README, test/multiaddr.feature), go-multiaddr
  // multiaddr_test.go (TestStringToBytes / TestBytesToString) and WIRE-REFERENCE 1.2.
  @ParameterizedTest
  @CsvSource({
    "/ip4/192.0.2.42/tcp/443, 04c000022a0601bb",
    "/ip4/127.0.0.1/udp/1234, 047f000001910204d2",
    "/ip4/127.0.0.1/tcp/4321, 047f0000010610e1",
    "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321, 047f000001910204d2047f0000010610e1",
    "/ip4/127.0.0.1/tcp/4001, 047f000001060fa1",
    "/ip4/1.2.3.4/udp/9000/quic-v1, 040102030491022328cd03",
    "/ip6/::1/tcp/9000, 2900000000000000000000000000000001062328",
    "/dns4/example.com/tcp/443, 360b6578616d706c652e636f6d0601bb",
    "/dns6/example.com/tcp/443, 370b6578616d706c652e636f6d0601bb",
    "/ip4/198.51.100.1/tcp/1234/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N, "
        + "04c63364010604d2a5032212209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
  })
  void textAndBinaryFormsMatchPublishedVectors(String text, String hex) {
    Multiaddr fromText = Multiaddr.parse(text);
    assertThat(HEX.formatHex(fromText.toBytes())).isEqualTo(hex);
    Multiaddr fromBytes = Multiaddr.fromBytes(HEX.parseHex(hex));
    assertThat(fromBytes.toString()).isEqualTo(text);
    assertThat(fromBytes).isEqualTo(fromText).hasSameHashCodeAs(fromText);
  }

  // go-multiaddr TestRoundTrip / TestIPFSvP2P (the subset of protocols we support).
  @ParameterizedTest
  @ValueSource(strings = {
    "/ip6/::ffff:127.0.0.1/tcp/111",
    "/ip4/127.0.0.1/tcp/123",
    "/ip4/127.0.0.1/tcp/123/tls",
    "/ip4/127.0.0.1/udp/123",
    "/ip4/127.0.0.1/udp/123/ip6/::",
    "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP",
    "/dns/example.com/tcp/443/wss/p2p-circuit/p2p/" + SECP_ID,
    "/dnsaddr/bootstrap.libp2p.io/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP",
    "/ip4/1.2.3.4/tcp/0/noise/ws",
    "/ip4/255.255.255.255/udp/65535/quic/webtransport",
    "/dns/bücher.example/tcp/1"
  })
  void textRoundTripsUnchanged(String text) {
    Multiaddr m = Multiaddr.parse(text);
    assertThat(m.toString()).isEqualTo(text);
    assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
  }

  // multiaddr spec test/multiaddr.feature "Simple packed form": the component table.
  @Test
  void componentsMatchTheSpecFeatureTable() {
    Multiaddr m = Multiaddr.fromBytes(HEX.parseHex("04c000022a0601bb"));
    assertThat(m.components()).hasSize(2);
    Multiaddr.Component ip = m.components().get(0);
    assertThat(ip.protocol().code()).isEqualTo(4);
    assertThat(ip.valueText()).isEqualTo("192.0.2.42");
    assertThat(HEX.formatHex(ip.value())).isEqualTo("c000022a");
    assertThat(ip.toString()).isEqualTo("/ip4/192.0.2.42");
    Multiaddr.Component tcp = m.components().get(1);
    assertThat(tcp.valueText()).isEqualTo("443");
    assertThat(HEX.formatHex(tcp.value())).isEqualTo("01bb");
    assertThat(Multiaddr.of(List.of(tcp)).toBytes()).isEqualTo(HEX.parseHex("0601bb"));
  }

  @Test
  void ipfsAliasIsAcceptedAndPrintedAsP2p() {
    Multiaddr m = Multiaddr.parse("/ipfs/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP");
    assertThat(m.toString()).isEqualTo("/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP");
    assertThat(m).isEqualTo(Multiaddr.parse("/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP"));
  }

  @Test
  void p2pAcceptsCidPeerIdsAndPrintsBase58() {
    PeerId id = PeerId.parse(SECP_ID);
    assertThat(Multiaddr.parse("/p2p/" + id.toCid()).toString()).isEqualTo("/p2p/" + SECP_ID);
  }

  // RFC 5952 section 4 examples.
  @ParameterizedTest
  @CsvSource({
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:DB8::1, 2001:db8::1",
    "0:0:0:0:0:0:0:0, ::",
    "::1, ::1",
    "1::, 1::",
    "fe80::1:2, fe80::1:2",
    "1:0:0:0:0:0:0:0, 1::",
    "::ffff:1.2.3.4, ::ffff:1.2.3.4",
    "::1.2.3.4, ::102:304",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
  })
  void ip6IsPrintedInCanonicalCompressedForm(String input, String canonical) {
    assertThat(Multiaddr.parse("/ip6/" + input).toString()).isEqualTo("/ip6/" + canonical);
  }

  // go-multiaddr TestConstructFails, the cases for protocols we support, plus our own.
  @ParameterizedTest
  @ValueSource(strings = {
    "/ip4", "/ip4/::1", "/ip4/fdpsofodsajfdoisa", "/ip6", "/udp", "/tcp", "/udp/65536", "/tcp/65536",
    "/quic-v1/65536", "/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa", "/ip4/127.0.0.1/udp",
    "/ip4/127.0.0.1/tcp/jfodsajfidosajfoidsa", "/ip4/127.0.0.1/tcp", "/ip4/127.0.0.1/quic/1234",
    "/ip4/127.0.0.1/quic-v1/1234", "/ip4/127.0.0.1/ipfs", "/ip4/127.0.0.1/ipfs/tcp", "/ip4/127.0.0.1/p2p",
    "/ip4/127.0.0.1/p2p/tcp", "/ip4/1.2.3.4/tcp/-1", "/", "",
    "/p2p/QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY",
    "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-", "/p2p/?unknownmultibase",
    "/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z",
    "/ip4/1.2.3.256", "/ip4/01.2.3.4", "/ip4/1.2.3", "/ip4/1.2.3.4.5", "/ip6/1:2:3:4:5:6:7", "/ip6/1::2::3",
    "/ip6/:1", "/ip6/1:", "/ip6/fe80::1%eth0", "/ip6/12345::", "/dns", "/dns4//tcp/1", "ip4/1.2.3.4",
    "/ip4/1.2.3.4//tcp/1", "/tcp/+80", "/tcp/８０", "/foo/1", "/unix/a"
  })
  void invalidTextIsRejectedWithFormatException(String text) {
    assertThatThrownBy(() -> Multiaddr.parse(text)).isInstanceOf(FormatException.class);
  }

  @Test
  void errorMessagesNameTheProblem() {
    assertThatThrownBy(() -> Multiaddr.parse("ip4/1.2.3.4")).hasMessage("invalid multiaddr, must begin with /");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/foo/1")).hasMessage("unknown protocol 'foo'");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp")).hasMessage("missing value for /tcp");
    assertThatThrownBy(() -> Multiaddr.parse("/tcp/65536")).hasMessageContaining("invalid port '65536'");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.999")).hasMessageContaining("invalid IPv4 address");
    assertThatThrownBy(() -> Multiaddr.parse("/dns/a\ud800b")).hasMessageContaining("unpaired surrogate");
  }

  // go-multiaddr TestInvalidP2PAddrBytes: sha2-256 multihash with a 33-byte digest.
  @ParameterizedTest
  @ValueSource(strings = {
    "a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6",
    "", "04", "047f0000", "0601", "9102", "ffffffffffffffffff01", "8000", "e703", "3600", "36012f", "3602c328",
    "cd0301", "2900"
  })
  void invalidBytesAreRejectedWithFormatException(String hex) {
    assertThatThrownBy(() -> Multiaddr.fromBytes(HEX.parseHex(hex))).isInstanceOf(FormatException.class);
  }

  @Test
  void portsAcceptTheFullRange() {
    assertThat(Multiaddr.parse("/tcp/0").toBytes()).containsExactly(6, 0, 0);
    assertThat(Multiaddr.parse("/udp/65535").toString()).isEqualTo("/udp/65535");
  }

  @Test
  void encapsulateAndDecapsulateFollowGoMultiaddr() {
    Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/udp/1234");
    Multiaddr b = m.encapsulate(Multiaddr.parse("/udp/5678"));
    assertThat(b.toString()).isEqualTo("/ip4/127.0.0.1/udp/1234/udp/5678");
    assertThat(b.decapsulate(Multiaddr.parse("/udp/5678"))).isEqualTo(m);
    assertThat(m.decapsulate(Multiaddr.parse("/ip4/127.0.0.1")).isEmpty()).isTrue();
    assertThat(m.decapsulate(Multiaddr.parse("/ip4/127.0.0.1")).toString()).isEmpty();
  }

  // go-multiaddr TestDecapsulate table; "" means everything was removed.
  @ParameterizedTest
  @CsvSource({
    "/ip4/1.2.3.4/tcp/1234, /ip4/1.2.3.4, ''",
    "/ip4/1.2.3.4, /ip4/1.2.3.4/tcp/1234, /ip4/1.2.3.4",
    "/ip4/1.2.3.5/tcp/1234, /ip4/5.3.2.1, /ip4/1.2.3.5/tcp/1234",
    "/ip4/1.2.3.5/udp/1234/quic-v1, /udp/1234, /ip4/1.2.3.5",
    "/ip4/1.2.3.6/udp/1234/quic-v1, /udp/1234/quic-v1, /ip4/1.2.3.6",
    "/ip4/1.2.3.7/tcp/1234, /ws, /ip4/1.2.3.7/tcp/1234",
    "/dnsaddr/wss.com/tcp/4001, /ws, /dnsaddr/wss.com/tcp/4001",
    "/dnsaddr/wss.com/tcp/4001/ws, /wss, /dnsaddr/wss.com/tcp/4001/ws",
    "/dnsaddr/wss.com/ws, /wss, /dnsaddr/wss.com/ws",
    "/dnsaddr/wss.com/ws, /dnsaddr/wss.com, ''",
    "/dnsaddr/wss.com/tcp/4001/wss, /wss, /dnsaddr/wss.com/tcp/4001",
    "/ip4/1.2.3.4/tcp/1/ip4/1.2.3.4/tcp/1, /tcp/1, /ip4/1.2.3.4/tcp/1/ip4/1.2.3.4"
  })
  void decapsulateRemovesTheLastOccurrenceAndEverythingAfter(String left, String right, String expected) {
    assertThat(Multiaddr.parse(left).decapsulate(Multiaddr.parse(right)).toString()).isEqualTo(expected);
  }

  @Test
  void peerIdAndWithoutPeerId() {
    Multiaddr m = Multiaddr.parse("/ip4/1.2.3.4/tcp/4000/p2p/" + SECP_ID);
    assertThat(m.peerId()).contains(PeerId.parse(SECP_ID));
    assertThat(m.withoutPeerId()).isEqualTo(Multiaddr.parse("/ip4/1.2.3.4/tcp/4000"));
    assertThat(m.has(Protocol.P2P)).isTrue();
    assertThat(m.withoutPeerId().has(Protocol.P2P)).isFalse();
    assertThat(m.withoutPeerId().peerId()).isEmpty();
    assertThat(m.withoutPeerId().withoutPeerId()).isEqualTo(m.withoutPeerId());
    assertThat(m.components()).extracting(Multiaddr.Component::protocol)
        .containsExactly(Protocol.IP4, Protocol.TCP, Protocol.P2P);
  }

  @Test
  void tcpSocketAddressConversions() throws Exception {
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 4001);
    assertThat(Multiaddr.tcp(v4).toString()).isEqualTo("/ip4/127.0.0.1/tcp/4001");
    assertThat(Multiaddr.tcp(v4).toTcpSocketAddress()).isEqualTo(v4);
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9000);
    assertThat(Multiaddr.tcp(v6).toString()).isEqualTo("/ip6/::1/tcp/9000");
    assertThat(Multiaddr.tcp(v6).toTcpSocketAddress()).isEqualTo(v6);
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.com", 443);
    assertThat(Multiaddr.tcp(unresolved).toString()).isEqualTo("/dns/example.com/tcp/443");
    InetSocketAddress back = Multiaddr.parse("/dns4/example.com/tcp/443/p2p/" + SECP_ID).toTcpSocketAddress();
    assertThat(back.isUnresolved()).isTrue();
    assertThat(back.getHostString()).isEqualTo("example.com");
    assertThat(back.getPort()).isEqualTo(443);
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/udp/1").toTcpSocketAddress())
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ws").toTcpSocketAddress())
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Multiaddr.parse("/dnsaddr/x/tcp/1").toTcpSocketAddress())
        .isInstanceOf(FormatException.class);
  }

  @Test
  void componentsValidateAndCompareByValue() {
    assertThat(Multiaddr.Component.fromText(Protocol.TCP, "80"))
        .isEqualTo(new Multiaddr.Component(Protocol.TCP, new byte[] {0, 80}));
    assertThatThrownBy(() -> new Multiaddr.Component(Protocol.IP4, new byte[3])).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> new Multiaddr.Component(Protocol.DNS, new byte[0])).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> new Multiaddr.Component(Protocol.DNS, new byte[] {(byte) 0xc3}))
        .isInstanceOf(FormatException.class).hasMessageContaining("UTF-8");
    assertThat(Protocol.QUIC_V1.code()).isEqualTo(461);
    assertThat(Protocol.P2P.code()).isEqualTo(421);
    assertThat(Protocol.UDP.code()).isEqualTo(273);
  }
}
