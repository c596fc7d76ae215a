package io.serenity.p2p.protocol.identify;

import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Seeds of {@link IdentifyFuzzTest}: messages from our own encoder and edge cases. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void write() {
    Class<?> t = IdentifyFuzzTest.class;
    writeSeed(t, "identify", "full", IdentifyCodec.encode(new IdentifyInfo(
        Optional.of(PrivateKey.fromSeed(KeyType.SECP256K1, 3).publicKey()),
        List.of(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001"), Multiaddr.parse("/ip6/::1/udp/4001/quic-v1")),
        List.of("/ipfs/id/1.0.0", "/meshsub/1.1.0", "/yamux/1.0.0"),
        Optional.of(Multiaddr.parse("/ip4/203.0.113.5/tcp/51234")),
        Optional.of("ipfs/0.1.0"), Optional.of("serenity-p2p/fuzz"))));
    writeSeed(t, "identify", "ed25519-key-only", IdentifyCodec.encode(new IdentifyInfo(
        Optional.of(PrivateKey.fromSeed(KeyType.ED25519, 4).publicKey()),
        List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty())));
    // an unknown multiaddr protocol (skipped, not fatal) and a key field holding garbage
    writeSeed(t, "identify", "unknown-addr", HexFormat.of().parseHex("1203ffff01"));
    writeSeed(t, "identify", "bad-key", HexFormat.of().parseHex("0a0408011200"));
  }
}
