package io.serenity.p2p.eth2.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.network.ChainConfig;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes4;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StandardTopicsTest {

  static final Bytes4 DIGEST = Bytes4.fromHex("cc2c5cdb");

  /** The phase0 table of p2p-interface.md "Topics and messages", plus 64 attestation subnets. */
  static Set<String> phase0() {
    Set<String> s = new HashSet<>(List.of("beacon_block", "beacon_aggregate_and_proof", "voluntary_exit",
        "proposer_slashing", "attester_slashing"));
    for (int i = 0; i < 64; i++) {
      s.add("beacon_attestation_" + i);
    }
    return s;
  }

  /** altair adds the sync committee topics (p2p-interface.md) and the light-client topics (light-client/p2p-interface.md). */
  static Set<String> altair() {
    Set<String> s = phase0();
    s.add("sync_committee_contribution_and_proof");
    for (int i = 0; i < 4; i++) {
      s.add("sync_committee_" + i);
    }
    s.add("light_client_finality_update");
    s.add("light_client_optimistic_update");
    return s;
  }

  static Set<String> capella() {
    Set<String> s = altair();
    s.add("bls_to_execution_change");
    return s;
  }

  static Set<String> withBlobs(Set<String> s, int count) {
    for (int i = 0; i < count; i++) {
      s.add("blob_sidecar_" + i);
    }
    return s;
  }

  /** fulu: blob_sidecar_{subnet_id} deprecated, data_column_sidecar_{subnet_id} over 128 subnets. */
  static Set<String> fulu() {
    Set<String> s = capella();
    for (int i = 0; i < 128; i++) {
      s.add("data_column_sidecar_" + i);
    }
    return s;
  }

  static Set<String> gloas() {
    Set<String> s = fulu();
    s.addAll(List.of("execution_payload_bid", "execution_payload", "payload_attestation_message",
        "proposer_preferences"));
    return s;
  }

  static Set<String> names(String fork) {
    List<String> list = StandardTopics.mainnet().names(fork, TopicSelection.all());
    Set<String> set = new HashSet<>(list);
    assertThat(set).as("no duplicates in " + fork).hasSize(list.size());
    return set;
  }

  @Test
  void everyForkHasTheSpecTopics() {
    assertThat(names("phase0")).isEqualTo(phase0());
    assertThat(names("altair")).isEqualTo(altair());
    assertThat(names("bellatrix")).isEqualTo(altair());
    assertThat(names("capella")).isEqualTo(capella());
    assertThat(names("deneb")).isEqualTo(withBlobs(capella(), 6));
    assertThat(names("electra")).isEqualTo(withBlobs(capella(), 9));
    assertThat(names("fulu")).isEqualTo(fulu());
    assertThat(names("gloas")).isEqualTo(gloas());
    Set<String> heze = gloas();
    heze.add("inclusion_list");
    assertThat(names("heze")).isEqualTo(heze);
  }

  @Test
  void countsPerFork() {
    assertThat(names("phase0")).hasSize(5 + 64);
    assertThat(names("electra")).hasSize(5 + 1 + 1 + 2 + 64 + 4 + 9);
    assertThat(names("fulu")).hasSize(5 + 1 + 1 + 2 + 64 + 4 + 128);
  }

  @Test
  void topicsCarryTheDigestAndEncoding() {
    List<Eth2Topic> topics = StandardTopics.mainnet().topics("fulu", DIGEST, TopicSelection.all());
    assertThat(topics.get(0).toString()).isEqualTo("/eth2/cc2c5cdb/beacon_block/ssz_snappy");
    assertThat(topics).allSatisfy(t -> {
      assertThat(t.forkDigest()).isEqualTo(DIGEST);
      assertThat(Eth2Topic.parse(t.toString())).isEqualTo(t);
    });
    assertThat(topics).contains(Eth2Topic.dataColumnSidecar(DIGEST, 127), Eth2Topic.syncCommittee(DIGEST, 3),
        Eth2Topic.beaconAttestation(DIGEST, 63));
  }

  @Test
  void selectionPicksSubnetsAndLightClient() {
    TopicSelection sel = TopicSelection.all()
        .withAttestationSubnets(Subnets.of(5, 1))
        .withSyncCommitteeSubnets(Subnets.none())
        .withDataColumnSubnets(Subnets.of(0, 64, 127))
        .withLightClient(false);
    List<String> names = StandardTopics.mainnet().names("fulu", sel);
    assertThat(names).containsExactly("beacon_block", "beacon_aggregate_and_proof", "voluntary_exit",
        "proposer_slashing", "attester_slashing", "sync_committee_contribution_and_proof",
        "bls_to_execution_change", "beacon_attestation_1", "beacon_attestation_5",
        "data_column_sidecar_0", "data_column_sidecar_64", "data_column_sidecar_127");
    // every blob subnet is taken before fulu whatever the selection
    assertThat(StandardTopics.mainnet().names("electra", sel)).contains("blob_sidecar_0", "blob_sidecar_8")
        .doesNotContain("blob_sidecar_9", "data_column_sidecar_0");
    // subnet selections of later forks do not apply to earlier ones
    assertThat(StandardTopics.mainnet().names("phase0", TopicSelection.all().withDataColumnSubnets(Subnets.of(500))))
        .hasSize(69);
  }

  @Test
  void subnetOutsideTheForkIsRefused() {
    TopicSelection bad = TopicSelection.all().withAttestationSubnets(Subnets.of(64));
    assertThatThrownBy(() -> StandardTopics.mainnet().names("phase0", bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attestation subnet 64");
    TopicSelection badColumn = TopicSelection.all().withDataColumnSubnets(Subnets.of(128));
    assertThatThrownBy(() -> StandardTopics.mainnet().names("fulu", badColumn))
        .hasMessageContaining("data column sidecar subnet 128");
    assertThatThrownBy(() -> Subnets.of(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StandardTopics.mainnet().names("eip9999", TopicSelection.all()))
        .hasMessageContaining("unknown fork");
  }

  @Test
  void countsComeFromTheConfig() {
    ChainConfig config = ChainConfig.parse("""
        GENESIS_FORK_VERSION: 0x10000000
        SECONDS_PER_SLOT: 6
        PRESET_BASE: minimal
        ATTESTATION_SUBNET_COUNT: 8
        BLOB_SIDECAR_SUBNET_COUNT_ELECTRA: 12
        DATA_COLUMN_SIDECAR_SUBNET_COUNT: 32
        """);
    StandardTopics std = StandardTopics.of(config);
    assertThat(std).isEqualTo(new StandardTopics(8, 4, 6, 12, 32));
    assertThat(std.names("electra", TopicSelection.all())).contains("blob_sidecar_11", "beacon_attestation_7")
        .doesNotContain("beacon_attestation_8");
    assertThat(StandardTopics.of(Network.MAINNET.config().chainConfig())).isEqualTo(StandardTopics.mainnet());
    ChainConfig huge = ChainConfig.parse("""
        GENESIS_FORK_VERSION: 0x10000000
        SECONDS_PER_SLOT: 6
        PRESET_BASE: minimal
        DATA_COLUMN_SIDECAR_SUBNET_COUNT: 100000
        """);
    assertThatThrownBy(() -> StandardTopics.of(huge)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATA_COLUMN_SIDECAR_SUBNET_COUNT");
  }

  @Test
  void mainnetTopicsByEpoch() {
    NetworkConfig net = Network.MAINNET.config();
    StandardTopics std = StandardTopics.of(net.chainConfig());
    List<Eth2Topic> electra = std.topicsAt(net.forkSchedule(), 411391, TopicSelection.all());
    List<Eth2Topic> fulu = std.topicsAt(net.forkSchedule(), 411392, TopicSelection.all());
    assertThat(electra.get(0).forkDigest()).isEqualTo(Bytes4.fromHex("ad532ceb")); // electra (Prysm's topic tests)
    assertThat(fulu.get(0).forkDigest()).isEqualTo(DIGEST);                          // fulu before its first BPO fork
    List<String> electraNames = new ArrayList<>();
    electra.forEach(t -> electraNames.add(t.name()));
    assertThat(electraNames).contains("blob_sidecar_8").doesNotContain("data_column_sidecar_0");
  }
}
