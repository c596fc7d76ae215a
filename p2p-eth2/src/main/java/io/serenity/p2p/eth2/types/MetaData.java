package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The req/resp {@code MetaData} v2 message (altair p2p-interface.md "GetMetaData v2"): seq_number
 * uint64, attnets {@code Bitvector[64]}, syncnets {@code Bitvector[4]}; 17 bytes.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param seqNumber increases whenever the rest changes
 * @param attnets the attestation subnets the node is subscribed to
 * @param syncnets the sync committee subnets it is subscribed to
 */
public record MetaData(long seqNumber, Bitvector attnets, Bitvector syncnets) {

  /** The SSZ codec of this container. */
  public static final SszCodec<MetaData> CODEC = SszContainer.of("MetaData",
      v -> new MetaData((Long) v[0], (Bitvector) v[1], (Bitvector) v[2]),
      SszContainer.field("seq_number", Ssz.UINT64, MetaData::seqNumber),
      SszContainer.field("attnets", Ssz.bitvector(MetaData.ATTESTATION_SUBNET_COUNT), MetaData::attnets),
      SszContainer.field("syncnets", Ssz.bitvector(MetaData.SYNC_COMMITTEE_SUBNET_COUNT), MetaData::syncnets));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static MetaData decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** {@code ATTESTATION_SUBNET_COUNT}: bits in {@code attnets}. */
  public static final int ATTESTATION_SUBNET_COUNT = 64;
  /** {@code SYNC_COMMITTEE_SUBNET_COUNT}: bits in {@code syncnets}. */
  public static final int SYNC_COMMITTEE_SUBNET_COUNT = 4;

  /** Checks the bitvector lengths. */
  public MetaData {
    if (attnets == null || attnets.length() != ATTESTATION_SUBNET_COUNT) {
      throw new IllegalArgumentException("attnets must be a Bitvector[64]");
    }
    if (syncnets == null || syncnets.length() != SYNC_COMMITTEE_SUBNET_COUNT) {
      throw new IllegalArgumentException("syncnets must be a Bitvector[4]");
    }
  }

  /**
   * {@return a MetaData with no subnets}
   *
   * @param seqNumber the sequence number
   */
  public static MetaData empty(long seqNumber) {
    return new MetaData(seqNumber, Bitvector.empty(ATTESTATION_SUBNET_COUNT), Bitvector.empty(SYNC_COMMITTEE_SUBNET_COUNT));
  }
}
