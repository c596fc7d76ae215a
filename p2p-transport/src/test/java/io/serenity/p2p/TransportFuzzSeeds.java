package io.serenity.p2p;

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
    io.serenity.p2p.tls.FuzzSeeds.write();
  }
}
