package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * The req/resp {@code MetaData} v3 message (fulu p2p-interface.md "MetaData", "GetMetaData v3"):
 * MetaData v2 and {@code custody_group_count}, uint64; 25 bytes.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param seqNumber increases whenever the rest changes
 * @param attnets the attestation subnets the node is subscribed to ({@code Bitvector[64]})
 * @param syncnets the sync committee subnets it is subscribed to ({@code Bitvector[4]})
 * @param custodyGroupCount the number of custody groups it custodies
 */
public record MetaDataV3(long seqNumber, Bitvector attnets, Bitvector syncnets, long custodyGroupCount) {

  /** The SSZ codec of this container. */
  public static final SszCodec<MetaDataV3> CODEC = SszContainer.of("MetaDataV3",
      v -> new MetaDataV3((Long) v[0], (Bitvector) v[1], (Bitvector) v[2], (Long) v[3]),
      SszContainer.field("seq_number", Ssz.UINT64, MetaDataV3::seqNumber),
      SszContainer.field("attnets", Ssz.bitvector(MetaData.ATTESTATION_SUBNET_COUNT), MetaDataV3::attnets),
      SszContainer.field("syncnets", Ssz.bitvector(MetaData.SYNC_COMMITTEE_SUBNET_COUNT), MetaDataV3::syncnets),
      SszContainer.field("custody_group_count", Ssz.UINT64, MetaDataV3::custodyGroupCount));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static MetaDataV3 decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Checks the bitvector lengths. */
  public MetaDataV3 {
    new MetaData(seqNumber, attnets, syncnets);
  }

  /**
   * {@return a v3 MetaData from a v2 one}
   *
   * @param v2 the first three fields
   * @param custodyGroupCount the fourth
   */
  public static MetaDataV3 of(MetaData v2, long custodyGroupCount) {
    return new MetaDataV3(v2.seqNumber(), v2.attnets(), v2.syncnets(), custodyGroupCount);
  }

  /** {@return the first three fields, as a v2 MetaData} */
  public MetaData toV2() {
    return new MetaData(seqNumber, attnets, syncnets);
  }
}
