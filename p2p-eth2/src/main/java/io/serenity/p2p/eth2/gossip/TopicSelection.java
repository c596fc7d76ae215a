package io.serenity.p2p.eth2.gossip;

import java.util.Objects;

/**
 * What a node subscribes to beyond the global topics: which attestation, sync committee and data
 * column subnets, and whether it serves the light-client topics. Every node takes every global topic
 * and, before Fulu, every blob sidecar subnet; the rest depends on its duties (consensus-specs
 * phase0 {@code compute_subscribed_subnets}, the validators it runs, fulu custody groups), which the
 * client decides.
 *
 * <pre>{@code
 * TopicSelection everything = TopicSelection.all();
 * TopicSelection node = TopicSelection.all()
 *     .withAttestationSubnets(Subnets.of(12, 13))     // compute_subscribed_subnets(node_id, epoch)
 *     .withSyncCommitteeSubnets(Subnets.none())
 *     .withDataColumnSubnets(Subnets.of(custodyColumnSubnets))
 *     .withLightClient(false);
 * }</pre>
 *
 * @param attestationSubnets the {@code beacon_attestation_{subnet_id}} topics taken
 * @param syncCommitteeSubnets the {@code sync_committee_{subnet_id}} topics taken (altair and later)
 * @param dataColumnSubnets the {@code data_column_sidecar_{subnet_id}} topics taken (fulu and later)
 * @param lightClient whether {@code light_client_finality_update} and
 *     {@code light_client_optimistic_update} are taken (altair and later)
 */
public record TopicSelection(
    Subnets attestationSubnets, Subnets syncCommitteeSubnets, Subnets dataColumnSubnets, boolean lightClient) {

  /** Null checks. */
  public TopicSelection {
    Objects.requireNonNull(attestationSubnets, "attestationSubnets");
    Objects.requireNonNull(syncCommitteeSubnets, "syncCommitteeSubnets");
    Objects.requireNonNull(dataColumnSubnets, "dataColumnSubnets");
  }

  /** {@return every subnet of every kind, and the light-client topics} */
  public static TopicSelection all() {
    return new TopicSelection(Subnets.all(), Subnets.all(), Subnets.all(), true);
  }

  /**
   * {@return a copy taking these attestation subnets}
   *
   * @param v the subnets
   */
  public TopicSelection withAttestationSubnets(Subnets v) {
    return new TopicSelection(v, syncCommitteeSubnets, dataColumnSubnets, lightClient);
  }

  /**
   * {@return a copy taking these sync committee subnets}
   *
   * @param v the subnets
   */
  public TopicSelection withSyncCommitteeSubnets(Subnets v) {
    return new TopicSelection(attestationSubnets, v, dataColumnSubnets, lightClient);
  }

  /**
   * {@return a copy taking these data column sidecar subnets}
   *
   * @param v the subnets
   */
  public TopicSelection withDataColumnSubnets(Subnets v) {
    return new TopicSelection(attestationSubnets, syncCommitteeSubnets, v, lightClient);
  }

  /**
   * {@return a copy with or without the light-client topics}
   *
   * @param v true to take them
   */
  public TopicSelection withLightClient(boolean v) {
    return new TopicSelection(attestationSubnets, syncCommitteeSubnets, dataColumnSubnets, v);
  }
}
