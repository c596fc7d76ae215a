package io.serenity.p2p.eth2.network;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.eth2.ssz.Bytes32;
import java.io.ByteArrayInputStream;

/**
 * Fuzz target of the {@code config.yaml} reader: the input is the file's bytes, read with
 * {@link ChainConfig#parse(java.io.InputStream)}. Invariant: {@link ConfigException}, nothing else;
 * allocation proportional to the input; a config that parses gives a {@link ForkSchedule} whose
 * digest, ENR values and next-fork digest exist at genesis and on both sides of every boundary, and
 * whose boundaries ascend.
 */
class ChainConfigFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void config(byte[] data) throws Exception {
    ChainConfig[] parsed = new ChainConfig[1];
    try {
      allocationAtMost(64L * data.length, () -> "parse of " + data.length + " bytes",
          () -> parsed[0] = ChainConfig.parse(new ByteArrayInputStream(data)));
    } catch (RuntimeException e) {
      expectOnly(e, data, ConfigException.class);
      return;
    }
    ChainConfig c = parsed[0];
    ForkSchedule s = new ForkSchedule(c, Bytes32.ZERO);
    s.enrForkId(0);
    s.nextForkDigest(0);
    long previous = 0;
    for (long b : s.boundaries()) {
      assertThat(Long.compareUnsigned(b, previous)).isPositive();
      previous = b;
      s.enrForkId(b - 1);
      s.enrForkId(b);
      s.nextForkDigest(b);
      assertThat(s.nextForkEpoch(b - 1)).isEqualTo(b);
    }
    assertThat(s.digests()).isNotEmpty();
    assertThat(ChainConfig.parse(new ByteArrayInputStream(data))).isEqualTo(c);
  }
}
