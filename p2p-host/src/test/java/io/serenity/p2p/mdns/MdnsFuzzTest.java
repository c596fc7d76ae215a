package io.serenity.p2p.mdns;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.util.List;

/**
 * Fuzz target of an mDNS packet from the link: {@link DnsCodec#decode} with the 9000-byte limit, then
 * what the session does with the message, {@link MdnsSession#onResponse} (peers found in {@code dnsaddr=}
 * strings) and {@link MdnsSession#answer} (our reply to a query). Invariant: {@link MdnsException} from
 * the decoder and nothing from the session; a decoded message encodes and decodes back to itself;
 * reported peers are never ourselves and always have an address; allocation stays proportional to the
 * packet (header counts are checked against its size before lists are allocated).
 */
class MdnsFuzzTest {

  static final PeerId SELF = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, 21).publicKey());
  static final List<Multiaddr> ADDRS = List.of(
      Multiaddr.parse("/ip4/192.0.2.7/tcp/4001"), Multiaddr.parse("/ip6/2001:db8::1/udp/4001/quic-v1"));

  @FuzzTest(maxDuration = "10s")
  void packet(byte[] data) throws Exception {
    DnsMessage[] decoded = new DnsMessage[1];
    try {
      allocationAtMost(64L * data.length, () -> "decoding " + data.length + " bytes",
          () -> decoded[0] = DnsCodec.decode(data, DnsCodec.MAX_MDNS_MESSAGE));
    } catch (RuntimeException e) {
      expectOnly(e, data, MdnsException.class);
      return;
    }
    DnsMessage m = decoded[0];
    assertThat(DnsCodec.decode(DnsCodec.encode(m), Integer.MAX_VALUE)).isEqualTo(m);
    MdnsSession session = new MdnsSession(MdnsConfig.defaults(), SELF, "fuzz", () -> ADDRS);
    for (PeerInfo p : session.onResponse(m, 1_000_000_000L)) {
      assertThat(p.id()).isNotEqualTo(SELF);
      assertThat(p.addrs()).isNotEmpty();
    }
    session.answer(m, false).ifPresent(reply -> DnsCodec.decode(reply, DnsCodec.MAX_MDNS_MESSAGE));
    session.answer(m, true).ifPresent(reply -> DnsCodec.decode(reply, DnsCodec.MAX_MDNS_MESSAGE));
  }
}
