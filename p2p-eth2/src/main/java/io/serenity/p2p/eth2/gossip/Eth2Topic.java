package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.SszException;
import java.util.Objects;

/**
 * One eth2 gossip topic, {@code /eth2/<fork_digest hex>/<name>/<encoding>} (phase0
 * p2p-interface.md "Topics and messages"). The digest is lower-case hex without {@code 0x}; the
 * only encoding defined is {@code ssz_snappy}.
 *
 * <pre>{@code
 * Eth2Topic t = Eth2Topic.of(digest, Eth2Topic.BEACON_BLOCK);
 * pubsub.subscribe(t.toString(), m -> ...);
 * Eth2Topic back = Eth2Topic.parse("/eth2/b5303f2a/beacon_block/ssz_snappy");
 * }</pre>
 *
 * @param forkDigest the fork digest
 * @param name the topic name, e.g. {@code beacon_block}
 * @param encoding the payload encoding, {@code ssz_snappy}
 */
public record Eth2Topic(Bytes4 forkDigest, String name, String encoding) {

  /** The topic prefix. */
  public static final String PREFIX = "eth2";
  /** The gossip encoding: SSZ, snappy block compressed. */
  public static final String SSZ_SNAPPY = "ssz_snappy";

  public static final String BEACON_BLOCK = "beacon_block";
  public static final String BEACON_AGGREGATE_AND_PROOF = "beacon_aggregate_and_proof";
  public static final String VOLUNTARY_EXIT = "voluntary_exit";
  public static final String PROPOSER_SLASHING = "proposer_slashing";
  public static final String ATTESTER_SLASHING = "attester_slashing";
  public static final String SYNC_COMMITTEE_CONTRIBUTION_AND_PROOF = "sync_committee_contribution_and_proof";
  public static final String BLS_TO_EXECUTION_CHANGE = "bls_to_execution_change";
  /** {@code light_client_finality_update} (altair light-client p2p-interface.md). */
  public static final String LIGHT_CLIENT_FINALITY_UPDATE = "light_client_finality_update";
  /** {@code light_client_optimistic_update} (altair light-client p2p-interface.md). */
  public static final String LIGHT_CLIENT_OPTIMISTIC_UPDATE = "light_client_optimistic_update";
  /** {@code execution_payload_bid} (gloas). */
  public static final String EXECUTION_PAYLOAD_BID = "execution_payload_bid";
  /** {@code execution_payload} (gloas). */
  public static final String EXECUTION_PAYLOAD = "execution_payload";
  /** {@code payload_attestation_message} (gloas). */
  public static final String PAYLOAD_ATTESTATION_MESSAGE = "payload_attestation_message";
  /** {@code proposer_preferences} (gloas). */
  public static final String PROPOSER_PREFERENCES = "proposer_preferences";
  /** {@code inclusion_list} (heze). */
  public static final String INCLUSION_LIST = "inclusion_list";
  /** Prefix of the attestation subnet topics, {@code beacon_attestation_{subnet_id}}. */
  public static final String BEACON_ATTESTATION_PREFIX = "beacon_attestation_";
  /** Prefix of the sync committee subnet topics, {@code sync_committee_{subnet_id}} (altair). */
  public static final String SYNC_COMMITTEE_PREFIX = "sync_committee_";
  /** Prefix of the blob sidecar subnet topics, {@code blob_sidecar_{subnet_id}} (deneb, electra). */
  public static final String BLOB_SIDECAR_PREFIX = "blob_sidecar_";
  /** Prefix of the data column sidecar subnet topics, {@code data_column_sidecar_{subnet_id}} (fulu). */
  public static final String DATA_COLUMN_SIDECAR_PREFIX = "data_column_sidecar_";

  /** Checks the parts. */
  public Eth2Topic {
    Objects.requireNonNull(forkDigest, "forkDigest");
    if (name == null || name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("topic name must be non-empty without '/': " + name);
    }
    if (encoding == null || encoding.isEmpty() || encoding.indexOf('/') >= 0) {
      throw new IllegalArgumentException("encoding must be non-empty without '/': " + encoding);
    }
  }

  /**
   * {@return a {@code ssz_snappy} topic}
   *
   * @param forkDigest the fork digest
   * @param name the topic name
   */
  public static Eth2Topic of(Bytes4 forkDigest, String name) {
    return new Eth2Topic(forkDigest, name, SSZ_SNAPPY);
  }

  /**
   * {@return {@code beacon_attestation_{subnet_id}}, subnet in [0, 64)}
   *
   * @param forkDigest the fork digest
   * @param subnetId the subnet
   */
  public static Eth2Topic beaconAttestation(Bytes4 forkDigest, int subnetId) {
    if (subnetId < 0 || subnetId >= 64) {
      throw new IllegalArgumentException("attestation subnet out of range: " + subnetId);
    }
    return of(forkDigest, "beacon_attestation_" + subnetId);
  }

  /**
   * {@return {@code sync_committee_{subnet_id}}, subnet in [0, 4)}
   *
   * @param forkDigest the fork digest
   * @param subnetId the subnet
   */
  public static Eth2Topic syncCommittee(Bytes4 forkDigest, int subnetId) {
    if (subnetId < 0 || subnetId >= 4) {
      throw new IllegalArgumentException("sync committee subnet out of range: " + subnetId);
    }
    return of(forkDigest, "sync_committee_" + subnetId);
  }

  /**
   * {@return {@code blob_sidecar_{subnet_id}} (deneb)}
   *
   * @param forkDigest the fork digest
   * @param subnetId the subnet
   */
  public static Eth2Topic blobSidecar(Bytes4 forkDigest, int subnetId) {
    if (subnetId < 0) {
      throw new IllegalArgumentException("blob sidecar subnet out of range: " + subnetId);
    }
    return of(forkDigest, "blob_sidecar_" + subnetId);
  }

  /**
   * {@return {@code data_column_sidecar_{subnet_id}} (fulu); the subnet count is
   * {@code DATA_COLUMN_SIDECAR_SUBNET_COUNT} of the chain config (128 on every public network)}
   *
   * @param forkDigest the fork digest
   * @param subnetId the subnet
   */
  public static Eth2Topic dataColumnSidecar(Bytes4 forkDigest, int subnetId) {
    if (subnetId < 0) {
      throw new IllegalArgumentException("data column sidecar subnet out of range: " + subnetId);
    }
    return of(forkDigest, DATA_COLUMN_SIDECAR_PREFIX + subnetId);
  }

  /**
   * Parses a topic string.
   *
   * @param topic the topic string
   * @return the topic
   * @throws IllegalArgumentException when it is not {@code /eth2/<8 hex>/<name>/<encoding>}
   */
  public static Eth2Topic parse(String topic) {
    if (topic == null || !topic.startsWith("/")) {
      throw new IllegalArgumentException("eth2 topic must start with '/': " + topic);
    }
    String[] parts = topic.substring(1).split("/", -1);
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      throw new IllegalArgumentException("not an /eth2/<digest>/<name>/<encoding> topic: " + topic);
    }
    if (parts[1].length() != 8 || !parts[1].matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException("fork digest must be 8 lower-case hex digits: " + topic);
    }
    try {
      return new Eth2Topic(Bytes4.fromHex(parts[1]), parts[2], parts[3]);
    } catch (SszException e) {
      throw new IllegalArgumentException("bad fork digest in " + topic, e);
    }
  }

  /** The topic string. */
  @Override
  public String toString() {
    return "/" + PREFIX + "/" + forkDigest.toHex() + "/" + name + "/" + encoding;
  }
}
