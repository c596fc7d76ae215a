package io.serenity.p2p.eth2;

import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of this module's fuzz targets from our own encoders plus edge cases
 * (docs/testing.md "Fuzzing"). Runs only on request: {@code -Dtest=*FuzzSeeds -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class Eth2FuzzSeeds {

  /** A value of a fixed-size type: its bytes are a pattern. */
  static byte[] patterned(SszCodec<?> codec, int salt) {
    byte[] b = new byte[codec.fixedSize()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * salt);
    }
    return b;
  }

  @Test
  void write() {
    List<SszCodec<?>> codecs = List.of(StatusMessage.CODEC, MetaData.CODEC, Ping.CODEC, Goodbye.CODEC);
    for (int i = 0; i < codecs.size(); i++) {
      byte[] zero = new byte[codecs.get(i).fixedSize()];
      writeSeed(SszSnappyFuzzTest.class, "gossipPayload", "zero-" + i,
          concat(new byte[] {(byte) (i | 12)}, SnappyBlock.compress(zero)));
      writeSeed(SszSnappyFuzzTest.class, "gossipPayload", "pattern-" + i,
          concat(new byte[] {(byte) (i | 16)}, SnappyBlock.compress(patterned(codecs.get(i), 7 + i))));
    }
    writeSeed(SszSnappyFuzzTest.class, "gossipPayload", "declares-4GiB", HexFormat.of().parseHex("00ffffffff0f00"));
    writeSeed(SszSnappyFuzzTest.class, "gossipPayload", "bad-copy-offset", HexFormat.of().parseHex("08080a0102"));
    io.serenity.p2p.eth2.reqresp.FuzzSeeds.write();
    io.serenity.p2p.eth2.enr.FuzzSeeds.write();
  }
}
