package io.serenity.p2p;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the committed seed corpus of this module's fuzz targets (docs/testing.md "Fuzzing"). Runs only
 * on request: {@code -Dtest=*FuzzSeeds -Dfuzz.writeSeeds=true}.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class HostFuzzSeeds {

  @Test
  void write() {
    io.serenity.p2p.mdns.FuzzSeeds.write();
    io.serenity.p2p.protocol.identify.FuzzSeeds.write();
  }
}
