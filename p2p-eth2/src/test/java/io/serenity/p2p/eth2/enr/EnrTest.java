package io.serenity.p2p.eth2.enr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import java.net.InetAddress;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnrTest {

  private static final HexFormat HEX = HexFormat.of();
  /** EIP-778 "Test Vectors": the example record, its private key and fields. */
  static final String EIP778_TEXT = "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8";
  static final String EIP778_KEY = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";

  @Test
  void eip778ExampleDecodesAndVerifies() throws Exception {
    Enr enr = Enr.fromText(EIP778_TEXT);
    assertThat(enr.seq()).isEqualTo(1);
    assertThat(enr.keys()).containsExactly("id", "ip", "secp256k1", "udp");
    assertThat(enr.ip()).contains(InetAddress.getByName("127.0.0.1"));
    assertThat(enr.udp()).hasValue(30303);
    assertThat(enr.tcp()).isEmpty();
    assertThat(HEX.formatHex(enr.publicKey()))
        .isEqualTo("03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
    assertThat(HEX.formatHex(enr.nodeId()))
        .isEqualTo("a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7");
    assertThat(enr.toText()).isEqualTo(EIP778_TEXT);
    assertThat(enr.peerId().toBase58()).startsWith("16Uiu2");
    assertThat(enr.tcpMultiaddr()).isEmpty();
  }

  @Test
  void signingTheExampleFieldsReproducesTheExampleText() throws Exception {
    PrivateKey key = PrivateKey.fromRaw(KeyType.SECP256K1, HEX.parseHex(EIP778_KEY));
    Enr enr = Enr.builder().seq(1).ip(InetAddress.getByName("127.0.0.1")).udp(30303).sign(key);
    // RFC 6979 nonces make the signature deterministic, as go-ethereum's
    assertThat(enr.toText()).isEqualTo(EIP778_TEXT);
  }

  @Test
  void eth2RecordRoundTripsWithPeerIdAndMultiaddr() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 42);
    EnrForkId fid = new EnrForkId(Bytes4.fromHex("b5303f2a"), Bytes4.fromHex("01000000"), EnrForkId.FAR_FUTURE_EPOCH);
    Enr enr = Enr.builder().seq(7).ip(InetAddress.getByName("10.1.2.3")).tcp(9000).udp(9001)
        .ip(InetAddress.getByName("::1")).tcp6(9002)
        .eth2(fid).attnets(Bitvector.of(64, 0, 63)).syncnets(Bitvector.of(4, 2)).sign(key);
    Enr back = Enr.fromText(enr.toText());
    assertThat(back).isEqualTo(enr);
    assertThat(back.eth2()).contains(fid);
    assertThat(back.attnets()).contains(Bitvector.of(64, 0, 63));
    assertThat(back.syncnets()).contains(Bitvector.of(4, 2));
    assertThat(back.tcp()).hasValue(9000);
    assertThat(back.udp()).hasValue(9001);
    assertThat(back.tcp6()).hasValue(9002);
    assertThat(back.peerId()).isEqualTo(io.serenity.p2p.core.PeerId.fromPublicKey(key.publicKey()));
    assertThat(back.tcpMultiaddr().orElseThrow().toString())
        .isEqualTo("/ip4/10.1.2.3/tcp/9000/p2p/" + back.peerId().toBase58());
    assertThat(back.tcp6Multiaddr().orElseThrow().toString()).startsWith("/ip6/::1/tcp/9002/p2p/16Uiu2");
    assertThat(enr.toRlp().length).isLessThanOrEqualTo(Enr.MAX_SIZE);
  }

  @Test
  void quicPortsAreBigEndianIntegersThatRoundTrip() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 43);
    Enr enr = Enr.builder().ip(InetAddress.getByName("10.1.2.3")).tcp(9000).udp(9000).quic(9001)
        .ip(InetAddress.getByName("2001:db8::7")).tcp6(9002).quic6(9003).sign(key);
    assertThat(enr.keys()).contains(Enr.KEY_QUIC, Enr.KEY_QUIC6);
    assertThat(enr.get(Enr.KEY_QUIC)).hasValueSatisfying(v -> assertThat(HEX.formatHex(v)).isEqualTo("2329"));
    assertThat(enr.get(Enr.KEY_QUIC6)).hasValueSatisfying(v -> assertThat(HEX.formatHex(v)).isEqualTo("232b"));
    Enr back = Enr.fromText(enr.toText());
    assertThat(back.quic()).hasValue(9001);
    assertThat(back.quic6()).hasValue(9003);
    // a record written by another client with the raw key reads the same
    Enr raw = Enr.builder().set("quic", new byte[] {(byte) 0xff, (byte) 0xff}).sign(key);
    assertThat(Enr.decode(raw.toRlp()).quic()).hasValue(65535);
  }

  @Test
  void quicPortOutOfRangeIsATypedError() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 44);
    byte[] bad = Enr.builder().set(Enr.KEY_QUIC, new byte[] {1, 0, 0}).sign(key).toRlp();
    assertThatThrownBy(() -> Enr.decode(bad)).isInstanceOf(RlpException.class)
        .hasMessageContaining("'quic' port out of range");
    byte[] bad6 = Enr.builder().set(Enr.KEY_QUIC6, new byte[] {1, 0, 0}).sign(key).toRlp();
    assertThatThrownBy(() -> Enr.decode(bad6)).isInstanceOf(RlpException.class).hasMessageContaining("'quic6'");
    assertThatThrownBy(() -> Enr.builder().quic(65536)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dialAddressesPutQuicBeforeTcp() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 45);
    Enr enr = Enr.builder().ip(InetAddress.getByName("10.1.2.3")).tcp(9000).udp(9000).quic(9001)
        .ip(InetAddress.getByName("::1")).tcp6(9002).quic6(9003).sign(key);
    String id = enr.peerId().toBase58();
    assertThat(enr.quicMultiaddr().orElseThrow().toString()).isEqualTo("/ip4/10.1.2.3/udp/9001/quic-v1/p2p/" + id);
    assertThat(enr.dialMultiaddrs()).extracting(Object::toString).containsExactly(
        "/ip4/10.1.2.3/udp/9001/quic-v1/p2p/" + id,
        "/ip6/::1/udp/9003/quic-v1/p2p/" + id,
        "/ip4/10.1.2.3/tcp/9000/p2p/" + id,
        "/ip6/::1/tcp/9002/p2p/" + id);
  }

  @Test
  void dialAddressesWithoutQuicAreTheTcpOnesAndQuic6DoesNotFallBackToQuic() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 46);
    Enr tcpOnly = Enr.builder().ip(InetAddress.getByName("10.1.2.3")).tcp(9000).sign(key);
    assertThat(tcpOnly.quicMultiaddr()).isEmpty();
    assertThat(tcpOnly.dialMultiaddrs()).extracting(Object::toString)
        .containsExactly("/ip4/10.1.2.3/tcp/9000/p2p/" + tcpOnly.peerId().toBase58());
    Enr v6 = Enr.builder().ip(InetAddress.getByName("::1")).tcp(9000).quic(9001).sign(key);
    assertThat(v6.quic6Multiaddr()).isEmpty();
    assertThat(v6.quicMultiaddr()).as("no ip").isEmpty();
    assertThat(v6.dialMultiaddrs()).extracting(Object::toString)
        .containsExactly("/ip6/::1/tcp/9000/p2p/" + v6.peerId().toBase58());
    assertThat(Enr.builder().sign(key).dialMultiaddrs()).isEmpty();
  }

  @Test
  void everyFlippedBitIsRejected() {
    byte[] rlp = Enr.fromText(EIP778_TEXT).toRlp();
    for (int i = 0; i < rlp.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] t = rlp.clone();
        t[i] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> Enr.decode(t)).as("byte %d bit %d", i, bit).isInstanceOf(RlpException.class);
      }
    }
  }

  @Test
  void tamperedFieldWithReencodedRlpFailsTheSignature() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 1);
    Enr enr = Enr.builder().seq(3).tcp(9000).sign(key);
    Enr other = Enr.builder().seq(3).tcp(9001).sign(key);
    // splice other's content under enr's signature
    RlpItem.Items a = (RlpItem.Items) Rlp.decode(enr.toRlp(), 300);
    RlpItem.Items b = (RlpItem.Items) Rlp.decode(other.toRlp(), 300);
    var items = new java.util.ArrayList<>(b.items());
    items.set(0, a.items().get(0));
    byte[] spliced = new RlpItem.Items(items).encoded();
    assertThatThrownBy(() -> Enr.decode(spliced)).isInstanceOf(RlpException.class).hasMessageContaining("signature");
  }

  @Test
  void malformedRecordsAreTypedErrors() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 2);
    String text = Enr.builder().seq(1).sign(key).toText();
    assertThatThrownBy(() -> Enr.fromText(text.substring(4))).isInstanceOf(RlpException.class);
    assertThatThrownBy(() -> Enr.fromText(text + "=")).isInstanceOf(RlpException.class);
    assertThatThrownBy(() -> Enr.fromText(text.replace('-', '+'))).isInstanceOf(RlpException.class);
    assertThatThrownBy(() -> Enr.fromText("enr:" + "A".repeat(500))).isInstanceOf(RlpException.class);
    assertThatThrownBy(() -> Enr.decode(new byte[301])).isInstanceOf(RlpException.class).hasMessageContaining("limit");
    // unsorted keys
    byte[] unsorted = Rlp.encodeList(java.util.List.of(Rlp.encodeBytes(new byte[64]), Rlp.encodeUnsigned(1),
        Rlp.encodeBytes("udp".getBytes()), Rlp.encodeUnsigned(1), Rlp.encodeBytes("id".getBytes()),
        Rlp.encodeBytes("v4".getBytes())));
    assertThatThrownBy(() -> Enr.decode(unsorted)).isInstanceOf(RlpException.class).hasMessageContaining("sorted");
    // unknown scheme
    byte[] v5 = Rlp.encodeList(java.util.List.of(Rlp.encodeBytes(new byte[64]), Rlp.encodeUnsigned(1),
        Rlp.encodeBytes("id".getBytes()), Rlp.encodeBytes("v5".getBytes())));
    assertThatThrownBy(() -> Enr.decode(v5)).isInstanceOf(RlpException.class).hasMessageContaining("scheme");
  }

  @Test
  void oversizeRecordIsRefusedWhenSigning() {
    PrivateKey key = PrivateKey.fromSeed(KeyType.SECP256K1, 3);
    assertThatThrownBy(() -> Enr.builder().set("big", new byte[250]).sign(key))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300");
    assertThatThrownBy(() -> Enr.builder().sign(PrivateKey.fromSeed(KeyType.ED25519, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fuzzedRecordsOnlyThrowTheTypedException() {
    Random r = new Random(5);
    byte[] good = Enr.fromText(EIP778_TEXT).toRlp();
    for (int i = 0; i < 3000; i++) {
      byte[] in;
      switch (i % 3) {
        case 0 -> {
          in = new byte[r.nextInt(310)];
          r.nextBytes(in);
        }
        case 1 -> {
          in = good.clone();
          for (int k = 0; k < 1 + r.nextInt(4); k++) {
            in[r.nextInt(in.length)] = (byte) r.nextInt(256);
          }
        }
        default -> in = java.util.Arrays.copyOf(good, r.nextInt(good.length + 5));
      }
      byte[] input = in;
      try {
        Enr.decode(input);
      } catch (RlpException expected) {
        // typed
      }
      try {
        Enr.fromText("enr:" + Base64.getUrlEncoder().withoutPadding().encodeToString(input));
      } catch (RlpException expected) {
        // typed
      }
    }
  }
}
