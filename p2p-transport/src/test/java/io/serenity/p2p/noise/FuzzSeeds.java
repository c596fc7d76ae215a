package io.serenity.p2p.noise;

import static io.serenity.p2p.fuzz.FuzzSupport.with;
import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Seeds of the Noise handshake and transport fuzz targets. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void write() {
    byte[] payload = NoiseHandshakeFuzzTest.honestPayload();
    byte[] sized = concat(new byte[] {(byte) (payload.length >>> 8), (byte) payload.length}, payload);
    Class<?> h = NoiseHandshakeFuzzTest.class;
    writeSeed(h, "handshake", "we-respond-honest-payload", with(2, 0, sized));
    writeSeed(h, "handshake", "we-initiate-honest-payload", with(3, 5, sized));
    writeSeed(h, "handshake", "we-initiate-honest-payload-and-data",
        with(3, 0, concat(sized, new byte[] {0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})));
    byte[] otherKey = HandshakePayload.create(PrivateKey.fromSeed(KeyType.ED25519, 99),
        NoiseHandshakeFuzzTest.REMOTE_STATIC.publicKey(), List.of("/other/1"));
    writeSeed(h, "handshake", "we-initiate-unexpected-peer-and-muxers",
        with(3, 0, concat(new byte[] {(byte) (otherKey.length >>> 8), (byte) otherKey.length}, otherKey)));
    byte[] msg1 = new byte[34];
    msg1[1] = 32;
    for (int i = 2; i < msg1.length; i++) {
      msg1[i] = (byte) (i * 7);
    }
    writeSeed(h, "handshake", "raw-first-message", with(0, 0, msg1));
    writeSeed(h, "handshake", "raw-short-second-message", with(1, 0, new byte[] {0, 3, 1, 2, 3}));
    writeSeed(h, "handshake", "raw-oversize-prefix", with(0, 0, new byte[] {(byte) 0xff, (byte) 0xff, 1}));

    Class<?> t = NoiseTransportFuzzTest.class;
    writeSeed(t, "transport", "sealed-and-write", ops(0, 0,
        new int[] {0, 5}, "hello", new int[] {2, 3}, "abc", new int[] {0, 0}, ""));
    writeSeed(t, "transport", "small-limit-split-write", ops(3, 9,
        new int[] {0, 40}, "a".repeat(40), new int[] {2, 200}, "b".repeat(200)));
    writeSeed(t, "transport", "oversize-frame", ops(1, 0, new int[] {0, 2}, "xy"));
    writeSeed(t, "transport", "raw-after-sealed", ops(0, 4, new int[] {0, 3}, "one", new int[] {1, 4}, "junk"));
  }

  /** Transport ops: pairs of (opcode, length) and their bytes, after the limit and cut bytes. */
  private static byte[] ops(int limit, int cuts, Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(limit);
    out.write(cuts);
    for (Object p : parts) {
      if (p instanceof int[] op) {
        out.write(op[0]);
        out.write(op[1]);
      } else {
        out.writeBytes(((String) p).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toByteArray();
  }
}
