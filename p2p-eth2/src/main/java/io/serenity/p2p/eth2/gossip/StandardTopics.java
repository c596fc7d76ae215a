package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.network.ChainConfig;
import io.serenity.p2p.eth2.network.ForkSchedule;
import io.serenity.p2p.eth2.ssz.Bytes4;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The standard gossip topics of a fork (consensus-specs {@code p2p-interface.md} of each fork, "Topics
 * and messages", and the altair light-client networking), for one fork digest and a
 * {@link TopicSelection}:
 *
 * <table>
 *   <caption>topics by fork</caption>
 *   <tr><th>from</th><th>topics</th></tr>
 *   <tr><td>phase0</td><td>{@code beacon_block}, {@code beacon_aggregate_and_proof}, {@code voluntary_exit},
 *       {@code proposer_slashing}, {@code attester_slashing}, {@code beacon_attestation_{0..63}}</td></tr>
 *   <tr><td>altair</td><td>{@code sync_committee_contribution_and_proof}, {@code sync_committee_{0..3}},
 *       {@code light_client_finality_update}, {@code light_client_optimistic_update}</td></tr>
 *   <tr><td>capella</td><td>{@code bls_to_execution_change}</td></tr>
 *   <tr><td>deneb</td><td>{@code blob_sidecar_{0..5}}; electra: {@code blob_sidecar_{0..8}}; removed in fulu</td></tr>
 *   <tr><td>fulu</td><td>{@code data_column_sidecar_{0..127}}</td></tr>
 *   <tr><td>gloas</td><td>{@code execution_payload_bid}, {@code execution_payload},
 *       {@code payload_attestation_message}, {@code proposer_preferences}</td></tr>
 *   <tr><td>heze</td><td>{@code inclusion_list}</td></tr>
 * </table>
 *
 * <p>Bellatrix adds no topic. The subnet counts are those of the chain config ({@code
 * ATTESTATION_SUBNET_COUNT}, {@code BLOB_SIDECAR_SUBNET_COUNT}, {@code BLOB_SIDECAR_SUBNET_COUNT_ELECTRA},
 * {@code DATA_COLUMN_SIDECAR_SUBNET_COUNT}) when it names them, else the values above, which every
 * public network uses; {@code SYNC_COMMITTEE_SUBNET_COUNT} (4) is a constant of the altair validator
 * guide.
 *
 * <pre>{@code
 * NetworkConfig net = Network.MAINNET.config();
 * StandardTopics std = StandardTopics.of(net.chainConfig());
 * List<Eth2Topic> now = std.topicsAt(net.forkSchedule(), net.epochAt(Instant.now()), TopicSelection.all());
 * List<Eth2Topic> fulu = StandardTopics.mainnet().topics("fulu", digest, TopicSelection.all());
 * }</pre>
 *
 * <p>Around a fork boundary a node takes the topics of both digests for a while: see {@link
 * TopicSchedule}.
 *
 * @param attestationSubnetCount {@code ATTESTATION_SUBNET_COUNT}
 * @param syncCommitteeSubnetCount {@code SYNC_COMMITTEE_SUBNET_COUNT}
 * @param blobSidecarSubnetCount {@code BLOB_SIDECAR_SUBNET_COUNT} (deneb)
 * @param blobSidecarSubnetCountElectra {@code BLOB_SIDECAR_SUBNET_COUNT_ELECTRA} (electra)
 * @param dataColumnSidecarSubnetCount {@code DATA_COLUMN_SIDECAR_SUBNET_COUNT} (fulu and later)
 */
public record StandardTopics(
    int attestationSubnetCount,
    int syncCommitteeSubnetCount,
    int blobSidecarSubnetCount,
    int blobSidecarSubnetCountElectra,
    int dataColumnSidecarSubnetCount) {

  /** The largest subnet count accepted, which bounds the topic list a config can ask for. */
  public static final int MAX_SUBNET_COUNT = 1024;

  /** The forks this class knows, in activation order. */
  public static final List<String> FORKS = List.of(
      "phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas", "heze");

  private static final int ALTAIR = 1;
  private static final int CAPELLA = 3;
  private static final int DENEB = 4;
  private static final int ELECTRA = 5;
  private static final int FULU = 6;
  private static final int GLOAS = 7;
  private static final int HEZE = 8;

  /**
   * Checks the counts.
   *
   * @throws IllegalArgumentException naming a count outside 1 .. {@value #MAX_SUBNET_COUNT}
   */
  public StandardTopics {
    check("attestationSubnetCount", attestationSubnetCount);
    check("syncCommitteeSubnetCount", syncCommitteeSubnetCount);
    check("blobSidecarSubnetCount", blobSidecarSubnetCount);
    check("blobSidecarSubnetCountElectra", blobSidecarSubnetCountElectra);
    check("dataColumnSidecarSubnetCount", dataColumnSidecarSubnetCount);
  }

  private static void check(String name, int count) {
    if (count < 1 || count > MAX_SUBNET_COUNT) {
      throw new IllegalArgumentException(name + " must be in 1.." + MAX_SUBNET_COUNT + ", was " + count);
    }
  }

  /** {@return the counts of the specs and of every public network: 64, 4, 6, 9, 128} */
  public static StandardTopics mainnet() {
    return new StandardTopics(64, 4, 6, 9, 128);
  }

  /**
   * The counts of a chain config: its {@code ATTESTATION_SUBNET_COUNT}, {@code BLOB_SIDECAR_SUBNET_COUNT},
   * {@code BLOB_SIDECAR_SUBNET_COUNT_ELECTRA} and {@code DATA_COLUMN_SIDECAR_SUBNET_COUNT} where it
   * has them, the {@link #mainnet()} values where not.
   *
   * @param config the chain config
   * @return the topics of that chain
   * @throws IllegalArgumentException when one of those values is not a number in 1 .. {@value #MAX_SUBNET_COUNT}
   */
  public static StandardTopics of(ChainConfig config) {
    StandardTopics d = mainnet();
    return new StandardTopics(
        count(config, "ATTESTATION_SUBNET_COUNT", d.attestationSubnetCount),
        d.syncCommitteeSubnetCount,
        count(config, "BLOB_SIDECAR_SUBNET_COUNT", d.blobSidecarSubnetCount),
        count(config, "BLOB_SIDECAR_SUBNET_COUNT_ELECTRA", d.blobSidecarSubnetCountElectra),
        count(config, "DATA_COLUMN_SIDECAR_SUBNET_COUNT", d.dataColumnSidecarSubnetCount));
  }

  private static int count(ChainConfig config, String key, int fallback) {
    String v = config.value(key).orElse(null);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      check(key, n);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be in 1.." + MAX_SUBNET_COUNT + ", was " + v, e);
    }
  }

  /**
   * {@return the position of a fork in {@link #FORKS}}
   *
   * @param fork a lower-case fork name
   * @throws IllegalArgumentException for a fork this class does not know
   */
  public static int forkIndex(String fork) {
    int i = FORKS.indexOf(Objects.requireNonNull(fork, "fork"));
    if (i < 0) {
      throw new IllegalArgumentException("unknown fork: " + fork + " (known: " + FORKS + ")");
    }
    return i;
  }

  /**
   * {@return the number of blob sidecar subnets of a fork: 0 before deneb and from fulu on}
   *
   * @param fork a fork name
   */
  public int blobSidecarSubnets(String fork) {
    int f = forkIndex(fork);
    if (f < DENEB || f >= FULU) {
      return 0;
    }
    return f == DENEB ? blobSidecarSubnetCount : blobSidecarSubnetCountElectra;
  }

  /**
   * The topic names of a fork, without digest: the global topics in the order of the table above,
   * then the attestation, sync committee, blob sidecar and data column subnets, each ascending.
   *
   * @param fork a fork name, {@code phase0} to {@code heze}
   * @param selection the optional subnets and topics
   * @return the names
   * @throws IllegalArgumentException for an unknown fork or a selected subnet the fork does not have
   */
  public List<String> names(String fork, TopicSelection selection) {
    int f = forkIndex(fork);
    List<String> out = new ArrayList<>();
    out.add(Eth2Topic.BEACON_BLOCK);
    out.add(Eth2Topic.BEACON_AGGREGATE_AND_PROOF);
    out.add(Eth2Topic.VOLUNTARY_EXIT);
    out.add(Eth2Topic.PROPOSER_SLASHING);
    out.add(Eth2Topic.ATTESTER_SLASHING);
    if (f >= ALTAIR) {
      out.add(Eth2Topic.SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF);
    }
    if (f >= CAPELLA) {
      out.add(Eth2Topic.BLS_TO_EXECUTION_CHANGE);
    }
    if (f >= ALTAIR && selection.lightClient()) {
      out.add(Eth2Topic.LIGHT_CLIENT_FINALITY_UPDATE);
      out.add(Eth2Topic.LIGHT_CLIENT_OPTIMISTIC_UPDATE);
    }
    if (f >= GLOAS) {
      out.add(Eth2Topic.EXECUTION_PAYLOAD_BID);
      out.add(Eth2Topic.EXECUTION_PAYLOAD);
      out.add(Eth2Topic.PAYLOAD_ATTESTATION_MESSAGE);
      out.add(Eth2Topic.PROPOSER_PREFERENCES);
    }
    if (f >= HEZE) {
      out.add(Eth2Topic.INCLUSION_LIST);
    }
    for (int id : selection.attestationSubnets().resolve(attestationSubnetCount, "attestation")) {
      out.add(Eth2Topic.BEACON_ATTESTATION_PREFIX + id);
    }
    if (f >= ALTAIR) {
      for (int id : selection.syncCommitteeSubnets().resolve(syncCommitteeSubnetCount, "sync committee")) {
        out.add(Eth2Topic.SYNC_COMMITTEE_PREFIX + id);
      }
    }
    int blobs = blobSidecarSubnets(fork);
    for (int id = 0; id < blobs; id++) {
      out.add(Eth2Topic.BLOB_SIDECAR_PREFIX + id);
    }
    if (f >= FULU) {
      for (int id : selection.dataColumnSubnets().resolve(dataColumnSidecarSubnetCount, "data column sidecar")) {
        out.add(Eth2Topic.DATA_COLUMN_SIDECAR_PREFIX + id);
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@return the topics of a fork on one digest, in the order of {@link #names}}
   *
   * @param fork a fork name, {@code phase0} to {@code heze}
   * @param forkDigest the digest the topics carry
   * @param selection the optional subnets and topics
   * @throws IllegalArgumentException for an unknown fork or a selected subnet the fork does not have
   */
  public List<Eth2Topic> topics(String fork, Bytes4 forkDigest, TopicSelection selection) {
    Objects.requireNonNull(forkDigest, "forkDigest");
    List<Eth2Topic> out = new ArrayList<>();
    for (String name : names(fork, selection)) {
      out.add(Eth2Topic.of(forkDigest, name));
    }
    return List.copyOf(out);
  }

  /**
   * {@return the topics in force at an epoch: the fork and digest {@code schedule} gives for it}
   *
   * @param schedule the chain's fork schedule
   * @param epoch the epoch (unsigned)
   * @param selection the optional subnets and topics
   */
  public List<Eth2Topic> topicsAt(ForkSchedule schedule, long epoch, TopicSelection selection) {
    return topics(schedule.forkAt(epoch).name(), schedule.forkDigest(epoch), selection);
  }
}
