package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.ForkData;

/**
 * {@code compute_fork_digest} (phase0 beacon-chain.md): the 4-byte digest that names gossip topics
 * and fills {@code Status.fork_digest} and {@code ENRForkID.fork_digest}. Mainnet genesis
 * (version {@code 0x00000000}) gives {@code b5303f2a}.
 */
public final class ForkDigest {

  private ForkDigest() {}

  /**
   * First 4 bytes of {@code hash_tree_root(ForkData(forkVersion, genesisValidatorsRoot))}: the
   * digest up to Electra. From Fulu on (EIP-7892) the digest also depends on the epoch's blob
   * parameters; {@link io.serenity.p2p.eth2.network.ForkSchedule#forkDigest(long)} computes the
   * digest of any epoch, Fulu and its blob-parameter forks included.
   *
   * @param forkVersion the fork version
   * @param genesisValidatorsRoot the chain's genesis validators root
   * @return the fork digest
   */
  public static Bytes4 compute(Bytes4 forkVersion, Bytes32 genesisValidatorsRoot) {
    return new ForkData(forkVersion, genesisValidatorsRoot).forkDigest();
  }
}
