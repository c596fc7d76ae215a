package io.serenity.p2p;

import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of this module's fuzz targets (docs/testing.md "Fuzzing"); each
 * package's part comes from our own encoders there. Runs only on request: {@code -Dtest=*FuzzSeeds
 * -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class TransportFuzzSeeds {

  @Test
  void write() {
    io.serenity.p2p.multistream.FuzzSeeds.write();
    io.serenity.p2p.noise.FuzzSeeds.write();
    io.serenity.p2p.mux.yamux.FuzzSeeds.write();
    io.serenity.p2p.mux.mplex.FuzzSeeds.write();
  }

  /** Two option bytes (role or mode, read-boundary seed), then {@code body}. */
  public static byte[] with(int b0, int b1, byte[] body) {
    return concat(new byte[] {(byte) b0, (byte) b1}, body);
  }
}
