package io.serenity.p2p.eth2.types;

import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszContainer;

/**
 * {@code ForkData} (phase0 beacon-chain.md): hashed into the fork digest, see
 * {@code compute_fork_digest}.
 *
 * <p>Serialise with {@link #encode()} or {@code CODEC.encode(x)}; parse with {@link #decode(byte[])},
 * which throws {@link io.serenity.p2p.eth2.ssz.SszException} unless the input is exactly
 * {@code CODEC.fixedSize()} bytes of valid content.
 *
 * @param currentVersion the fork version
 * @param genesisValidatorsRoot the chain's genesis validators root
 */
public record ForkData(Bytes4 currentVersion, Bytes32 genesisValidatorsRoot) {

  /** The SSZ codec of this container. */
  public static final SszCodec<ForkData> CODEC = SszContainer.of("ForkData",
      v -> new ForkData((Bytes4) v[0], (Bytes32) v[1]),
      SszContainer.field("current_version", Ssz.BYTES4, ForkData::currentVersion),
      SszContainer.field("genesis_validators_root", Ssz.BYTES32, ForkData::genesisValidatorsRoot));

  /** {@return SSZ serialisation} */
  public byte[] encode() {
    return CODEC.encode(this);
  }

  /**
   * {@return strict SSZ deserialisation}
   *
   * @param ssz the serialised value
   */
  public static ForkData decode(byte[] ssz) {
    return CODEC.decode(ssz);
  }

  /** {@return {@code hash_tree_root(this)}} */
  public byte[] hashTreeRoot() {
    return CODEC.hashTreeRoot(this);
  }

  /** Null checks. */
  public ForkData {
    java.util.Objects.requireNonNull(currentVersion, "currentVersion");
    java.util.Objects.requireNonNull(genesisValidatorsRoot, "genesisValidatorsRoot");
  }

  /**
   * {@code compute_fork_digest} as of phase0..deneb: the first 4 bytes of
   * {@code hash_tree_root(ForkData(current_version, genesis_validators_root))}. (Fulu, EIP-7892,
   * additionally mixes in the blob parameters: see
   * {@link io.serenity.p2p.eth2.network.ForkSchedule#forkDigest(long)}.)
   *
   * @return the fork digest
   */
  public Bytes4 forkDigest() {
    byte[] root = hashTreeRoot();
    return new Bytes4(java.util.Arrays.copyOf(root, 4));
  }
}
