package io.serenity.p2p.mdns;

import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.util.HexFormat;
import java.util.List;

/** Seeds of {@link MdnsFuzzTest}: packets from our own encoder, a peer's announcement, edge cases. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void write() {
    Class<?> t = MdnsFuzzTest.class;
    writeSeed(t, "packet", "query", DnsCodecTest.queryPacket());
    writeSeed(t, "packet", "response", DnsCodecTest.responsePacket());
    PeerId other = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, 22).publicKey());
    String instance = "peer2._p2p._udp.local";
    writeSeed(t, "packet", "announcement", DnsCodec.encode(new DnsMessage(0, 0x8400, List.of(),
        List.of(new DnsRecord.Ptr("_p2p._udp.local", 120, instance)), List.of(),
        List.of(new DnsRecord.Txt(instance, 120, List.of(
            "dnsaddr=/ip4/192.0.2.9/tcp/4001/p2p/" + other, "dnsaddr=/ip6/::1/udp/9/quic-v1/p2p/" + other))))));
    writeSeed(t, "packet", "goodbye", DnsCodec.encode(new DnsMessage(0, 0x8400, List.of(),
        List.of(new DnsRecord.Ptr("_p2p._udp.local", 0, instance)), List.of(), List.of())));
    writeSeed(t, "packet", "asks-us", DnsCodec.encode(DnsMessage.query(List.of(
        DnsQuestion.of("_p2p._udp.local", DnsRecord.PTR), DnsQuestion.of("fuzz.local", DnsRecord.A),
        DnsQuestion.of(MdnsSession.META_QUERY, DnsRecord.PTR)))));
    // a compression pointer to itself and an impossible question count
    writeSeed(t, "packet", "pointer-loop", HexFormat.of().parseHex("000000000001000000000000c00c00010001"));
    writeSeed(t, "packet", "huge-counts", HexFormat.of().parseHex("0000840000ff00ff00ff00ff"));
  }
}
