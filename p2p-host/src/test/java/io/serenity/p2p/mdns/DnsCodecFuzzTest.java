package io.serenity.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated and random packets: the decoder returns a message or throws {@link MdnsException},
 * never anything else, and whatever it returns encodes and decodes back to the same message.
 */
class DnsCodecFuzzTest {
  private static final long SEED = 0x6d646e73L;
  private static final int ROUNDS = 40_000;

  private static List<byte[]> seeds() {
    DnsMessage rich =
        new DnsMessage(7, 0x8400,
            List.of(new DnsQuestion("_p2p._udp.local", DnsRecord.PTR, true)),
            List.of(new DnsRecord.Srv(DnsCodecTest.INSTANCE, 120, 0, 0, 4001, "h.local")),
            List.of(new DnsRecord.Other("o.local", 99, 0x8001, 1, new byte[] {1, 2, 3, 4})),
            List.of(new DnsRecord.Txt(DnsCodecTest.INSTANCE, 0, List.of("", "k=v"))));
    return List.of(DnsCodecTest.queryPacket(), DnsCodecTest.responsePacket(), DnsCodec.encode(rich));
  }

  @Test
  void decoderThrowsOnlyMdnsExceptionAndWhatItAcceptsRoundTrips() {
    Random random = new Random(SEED);
    List<byte[]> seeds = seeds();
    int decoded = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] input = round % 10 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
      DnsMessage m;
      try {
        m = DnsCodec.decode(input, DnsCodec.MAX_MDNS_MESSAGE);
      } catch (MdnsException expected) {
        continue;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("round " + round + ": " + e + " on " + HexFormat.of().formatHex(input), e);
      }
      decoded++;
      byte[] again = DnsCodec.encode(m);
      assertThat(DnsCodec.decode(again, Integer.MAX_VALUE)).as("round %d", round).isEqualTo(m);
    }
    assertThat(decoded).as("some mutants still decode, so the round trip was exercised").isGreaterThan(ROUNDS / 20);
  }

  private static byte[] randomBytes(Random r) {
    byte[] b = new byte[r.nextInt(300)];
    r.nextBytes(b);
    if (b.length >= 12 && r.nextBoolean()) {
      // plausible small counts, so decoding gets past the header
      for (int i = 4; i < 12; i++) {
        b[i] = (byte) (i % 2 == 0 ? 0 : r.nextInt(3));
      }
    }
    return b;
  }

  private static byte[] mutate(byte[] seed, Random r) {
    byte[] b = seed.clone();
    int ops = 1 + r.nextInt(3);
    for (int i = 0; i < ops && b.length > 0; i++) {
      switch (r.nextInt(5)) {
        case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length));
        case 3 -> {
          int at = r.nextInt(b.length);
          b[at] = (byte) (0xc0 | r.nextInt(4)); // a compression pointer somewhere
          if (at + 1 < b.length) {
            b[at + 1] = (byte) r.nextInt(b.length);
          }
        }
        default -> {
          int at = r.nextInt(b.length);
          byte[] extra = new byte[1 + r.nextInt(8)];
          r.nextBytes(extra);
          byte[] grown = new byte[b.length + extra.length];
          System.arraycopy(b, 0, grown, 0, at);
          System.arraycopy(extra, 0, grown, at, extra.length);
          System.arraycopy(b, at, grown, at + extra.length, b.length - at);
          b = grown;
        }
      }
    }
    return b;
  }
}
