package io.serenity.p2p.eth2.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkConfigTest {

  static final NetworkConfig MAINNET = Network.MAINNET.config();

  @Test
  void presetsHoldGenesisAndTiming() {
    assertThat(MAINNET.name()).isEqualTo("mainnet");
    assertThat(MAINNET.genesisTime()).isEqualTo(Instant.parse("2020-12-01T12:00:23Z"));
    assertThat(MAINNET.slotDuration()).isEqualTo(Duration.ofSeconds(12));
    assertThat(MAINNET.slotsPerEpoch()).isEqualTo(32);
    assertThat(Network.SEPOLIA.config().genesisTime()).isEqualTo(Instant.ofEpochSecond(1655733600));
    assertThat(Network.HOODI.config().genesisTime()).isEqualTo(Instant.ofEpochSecond(1742213400));
    assertThat(Network.HOODI.config().genesisValidatorsRoot()).isEqualTo(Bytes32.fromHex(
        "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f"));
    assertThat(Network.byName("Sepolia")).contains(Network.SEPOLIA);
    assertThat(Network.byName("holesky")).isEmpty();
    assertThat(Network.MAINNET.config()).isSameAs(MAINNET);
  }

  /** Dates from the comments of consensus-specs configs/mainnet.yaml. */
  @ParameterizedTest(name = "epoch {0} starts {1}")
  @CsvSource({
      "74240,  2021-10-27T10:56:23Z",
      "144896, 2022-09-06T11:34:47Z",
      "194048, 2023-04-12T22:27:35Z",
      "269568, 2024-03-13T13:55:35Z",
      "364032, 2025-05-07T10:05:11Z",
      "411392, 2025-12-03T21:49:11Z",
      "412672, 2025-12-09T14:21:11Z",
      "419072, 2026-01-07T01:01:11Z",
  })
  void mainnetForkEpochsStartAtThePublishedTimes(long epoch, String time) {
    Instant t = Instant.parse(time);
    assertThat(MAINNET.epochStart(epoch)).isEqualTo(t);
    assertThat(MAINNET.epochAt(t)).isEqualTo(epoch);
    assertThat(MAINNET.epochAt(t.minusMillis(1))).isEqualTo(epoch - 1);
    assertThat(MAINNET.currentForkDigest(t)).isEqualTo(MAINNET.forkSchedule().forkDigest(epoch));
    assertThat(MAINNET.currentForkDigest(t.minusMillis(1)))
        .isEqualTo(MAINNET.forkSchedule().forkDigest(epoch - 1))
        .isNotEqualTo(MAINNET.currentForkDigest(t));
    assertThat(MAINNET.enrForkId(t.minusMillis(1)).nextForkEpoch()).isEqualTo(epoch);
    assertThat(MAINNET.nextForkDigest(t.minusMillis(1))).isEqualTo(MAINNET.currentForkDigest(t));
  }

  @Test
  void slotsAndEpochsAroundGenesis() {
    Instant g = MAINNET.genesisTime();
    assertThat(MAINNET.slotAt(g.minusSeconds(3600))).isZero();
    assertThat(MAINNET.epochAt(g.minusSeconds(3600))).isZero();
    assertThat(MAINNET.currentForkDigest(g.minusSeconds(3600)).toHex()).isEqualTo("b5303f2a");
    assertThat(MAINNET.slotAt(g)).isZero();
    assertThat(MAINNET.slotAt(g.plusMillis(11_999))).isZero();
    assertThat(MAINNET.slotAt(g.plusSeconds(12))).isEqualTo(1);
    assertThat(MAINNET.epochAt(g.plusSeconds(12 * 32 - 1))).isZero();
    assertThat(MAINNET.epochAt(g.plusSeconds(12 * 32))).isEqualTo(1);
    assertThat(MAINNET.epochAt(Instant.MAX)).isPositive();
    assertThat(MAINNET.currentForkDigest(Instant.MAX))
        .isEqualTo(MAINNET.forkSchedule().forkDigest(419072));
    assertThat(MAINNET.enrForkId(Instant.MAX)).isEqualTo(new EnrForkId(
        MAINNET.forkSchedule().forkDigest(419072), Bytes4.fromHex("06000000"),
        ForkSchedule.FAR_FUTURE_EPOCH));
    assertThat(MAINNET.nextForkDigest(Instant.MAX)).isEqualTo(Bytes4.ZERO);
    assertThatThrownBy(() -> MAINNET.epochStart(ForkSchedule.FAR_FUTURE_EPOCH))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void everyBootnodeIsAValidSignedRecord() {
    for (Network n : Network.values()) {
      List<String> boot = n.config().bootnodes();
      assertThat(boot).as(n.toString()).isNotEmpty();
      for (String text : boot) {
        Enr enr = Enr.fromText(text); // verifies the signature
        assertThat(enr.udp().isPresent() || enr.udp6().isPresent()).as(text).isTrue();
      }
      assertThat(boot).doesNotHaveDuplicates();
    }
    assertThat(Network.MAINNET.config().bootnodes()).hasSize(17);
    assertThat(Network.SEPOLIA.config().bootnodes()).hasSize(9);
    assertThat(Network.HOODI.config().bootnodes()).hasSize(9);
  }

  @Test
  void customConfig() {
    ChainConfig chain = ChainConfig.parse("""
        CONFIG_NAME: devnet
        PRESET_BASE: minimal
        SLOT_DURATION_MS: 6000
        GENESIS_FORK_VERSION: 0x10000000
        ELECTRA_FORK_VERSION: 0x50000000
        ELECTRA_FORK_EPOCH: 0
        FULU_FORK_VERSION: 0x60000000
        FULU_FORK_EPOCH: 2
        MAX_BLOBS_PER_BLOCK_ELECTRA: 9
        """);
    Instant genesis = Instant.parse("2026-01-01T00:00:00Z");
    NetworkConfig net = NetworkConfig.of(chain, genesis, Bytes32.ZERO, List.of());
    assertThat(net.name()).isEqualTo("devnet");
    assertThat(net.epochAt(genesis.plusSeconds(6 * 8 * 2))).isEqualTo(2);
    assertThat(net.enrForkId(genesis).nextForkEpoch()).isEqualTo(2);
    assertThat(net.enrForkId(genesis).nextForkVersion().toHex()).isEqualTo("60000000");
    assertThat(net.currentForkDigest(genesis)).isEqualTo(net.forkSchedule().forkDigest(0));
    assertThatThrownBy(() -> NetworkConfig.of(chain, genesis, Bytes32.ZERO, List.of("enode://x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enr:");
  }
}
