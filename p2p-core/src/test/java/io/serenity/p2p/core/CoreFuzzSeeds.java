package io.serenity.p2p.core;

import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of this module's fuzz targets from our own encoders plus edge cases
 * (docs/testing.md "Fuzzing"). Runs only on request: {@code -Dtest=*FuzzSeeds -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class CoreFuzzSeeds {

  static final List<String> MULTIADDRS = List.of(
      "/ip4/127.0.0.1/tcp/4001", "/ip4/1.2.3.4/udp/9000/quic-v1", "/ip6/::1/tcp/9000",
      "/dns4/example.com/tcp/443/wss", "/dns/bücher.example/tcp/1",
      "/ip4/198.51.100.1/tcp/1234/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
      "/ip4/1.2.3.4/tcp/4000/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY/p2p-circuit/p2p/"
          + "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
      "/ip6/::ffff:1.2.3.4/tcp/0/tls/noise/ws/webtransport");

  @Test
  void write() {
    HexFormat hex = HexFormat.of();
    int i = 0;
    for (long v : new long[] {0, 1, 127, 128, 300, 16384, 1L << 35, Long.MAX_VALUE}) {
      writeSeed(VarintFuzzTest.class, "varintDecode", "value-" + i++, concat(new byte[] {0}, Varint.encode(v)));
    }
    writeSeed(VarintFuzzTest.class, "varintDecode", "too-long", hex.parseHex("00808080808080808080" + "01"));
    writeSeed(VarintFuzzTest.class, "varintDecode", "non-minimal", hex.parseHex("008000"));
    writeSeed(VarintFuzzTest.class, "varintDecode", "over-max-127", hex.parseHex("038001"));

    i = 0;
    for (String s : MULTIADDRS) {
      Multiaddr m = Multiaddr.parse(s);
      writeSeed(MultiaddrFuzzTest.class, "multiaddrDecode", "bytes-" + i, concat(new byte[] {0}, m.toBytes()));
      writeSeed(MultiaddrFuzzTest.class, "multiaddrDecode", "text-" + i++,
          concat(new byte[] {1}, s.getBytes(StandardCharsets.UTF_8)));
    }
    writeSeed(MultiaddrFuzzTest.class, "multiaddrDecode", "bad-port",
        concat(new byte[] {1}, "/ip4/1.2.3.4/tcp/65536".getBytes(StandardCharsets.UTF_8)));
    writeSeed(MultiaddrFuzzTest.class, "multiaddrDecode", "truncated-ip4", hex.parseHex("00040102"));

    i = 0;
    for (PrivateKey k : List.of(PrivateKey.fromSeed(KeyType.SECP256K1, 1), PrivateKey.fromSeed(KeyType.ED25519, 2))) {
      PeerId id = PeerId.fromPublicKey(k.publicKey());
      writeSeed(PeerIdFuzzTest.class, "keyAndPeerIdDecode", "key-" + i, concat(new byte[] {0}, k.publicKey().marshal()));
      writeSeed(PeerIdFuzzTest.class, "keyAndPeerIdDecode", "id-" + i, concat(new byte[] {1}, id.toBytes()));
      writeSeed(PeerIdFuzzTest.class, "keyAndPeerIdDecode", "base58-" + i,
          concat(new byte[] {2}, id.toBase58().getBytes(StandardCharsets.UTF_8)));
      writeSeed(PeerIdFuzzTest.class, "keyAndPeerIdDecode", "cid-" + i++,
          concat(new byte[] {2}, id.toCid().getBytes(StandardCharsets.UTF_8)));
    }
    PeerId sha = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    writeSeed(PeerIdFuzzTest.class, "keyAndPeerIdDecode", "id-sha256", concat(new byte[] {1}, sha.toBytes()));
  }
}
