package io.serenity.p2p.eth2.network;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.ForkData;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The fork schedule of one chain: which fork version and fork digest apply at an epoch, and what the
 * node advertises about the next fork.
 *
 * <p>{@link #forkDigest(long)} is {@code compute_fork_digest(genesis_validators_root, epoch)} of
 * consensus-specs {@code fulu/beacon-chain.md}: the first 4 bytes of
 * {@code hash_tree_root(ForkData(compute_fork_version(epoch), genesis_validators_root))}, and from
 * {@code FULU_FORK_EPOCH} on, that root XORed with
 * {@code sha256(uint64_le(blob.epoch) || uint64_le(blob.max_blobs_per_block))} before truncation, where
 * {@code blob} is the latest {@code BLOB_SCHEDULE} entry at or before the epoch, or
 * {@code (ELECTRA_FORK_EPOCH, MAX_BLOBS_PER_BLOCK_ELECTRA)} when there is none.
 *
 * <p>A <em>fork boundary</em> is an epoch where the digest may change: the epoch of a scheduled
 * regular fork after genesis, or a {@code BLOB_SCHEDULE} epoch at or after {@code FULU_FORK_EPOCH} (a
 * Blob-Parameters-Only fork). {@link #enrForkId(long)} and {@link #nextForkDigest(long)} give the ENR
 * {@code eth2} and {@code nfd} values of {@code fulu/p2p-interface.md}: {@code next_fork_epoch} is the
 * next boundary of either kind, {@code next_fork_version} the fork version in force at that boundary
 * (so it only differs from the current version when a regular fork is next), and {@code nfd} the
 * digest at that boundary (zero when nothing is scheduled).
 *
 * <p>Epochs are unsigned 64-bit values held in a {@code long}; {@link #FAR_FUTURE_EPOCH} is
 * {@code -1L} (2^64 - 1). Instances are immutable and thread-safe.
 */
public final class ForkSchedule {

  /** {@code FAR_FUTURE_EPOCH} = 2^64 - 1, as a {@code long}. */
  public static final long FAR_FUTURE_EPOCH = EnrForkId.FAR_FUTURE_EPOCH;

  private final Bytes32 genesisValidatorsRoot;
  private final List<Fork> forks;
  private final List<BlobParameters> blobSchedule;
  private final long fuluEpoch;
  private final BlobParameters electraBlobs;
  private final long[] boundaries;

  /**
   * Creates the schedule of a chain.
   *
   * @param config the chain's config
   * @param genesisValidatorsRoot the chain's genesis validators root
   * @throws IllegalArgumentException when Fulu is scheduled but no blob parameters apply at its epoch
   *     (a config from {@link ChainConfig#parse(String)} never is)
   */
  public ForkSchedule(ChainConfig config, Bytes32 genesisValidatorsRoot) {
    this.genesisValidatorsRoot = Objects.requireNonNull(genesisValidatorsRoot, "genesisValidatorsRoot");
    this.forks = config.forks();
    this.blobSchedule = config.blobSchedule();
    this.fuluEpoch = config.fork("fulu").map(Fork::epoch).orElse(FAR_FUTURE_EPOCH);
    long electraEpoch = config.fork("electra").map(Fork::epoch).orElse(FAR_FUTURE_EPOCH);
    this.electraBlobs = config.maxBlobsPerBlockElectra().isPresent()
        ? new BlobParameters(electraEpoch, config.maxBlobsPerBlockElectra().getAsLong())
        : null;
    TreeSet<Long> set = new TreeSet<>(Long::compareUnsigned);
    for (Fork f : forks) {
      if (f.scheduled() && f.epoch() != 0) {
        set.add(f.epoch());
      }
    }
    if (fuluEpoch != FAR_FUTURE_EPOCH) {
      for (BlobParameters b : blobSchedule) {
        if (Long.compareUnsigned(b.epoch(), fuluEpoch) >= 0 && b.epoch() != 0
            && b.epoch() != FAR_FUTURE_EPOCH) {
          set.add(b.epoch());
        }
      }
      if (electraBlobs == null && blobParametersOrNull(fuluEpoch) == null) {
        throw new IllegalArgumentException(
            "Fulu is scheduled but neither BLOB_SCHEDULE nor MAX_BLOBS_PER_BLOCK_ELECTRA covers its epoch");
      }
    }
    this.boundaries = set.stream().mapToLong(Long::longValue).toArray();
  }

  /** {@return the genesis validators root} */
  public Bytes32 genesisValidatorsRoot() {
    return genesisValidatorsRoot;
  }

  /** {@return the regular forks in activation order, phase0 first (unscheduled ones included)} */
  public List<Fork> forks() {
    return forks;
  }

  /** {@return the blob schedule, sorted by epoch} */
  public List<BlobParameters> blobSchedule() {
    return blobSchedule;
  }

  /**
   * {@return the regular fork in force at {@code epoch}: {@code compute_fork_version}'s choice}
   *
   * @param epoch an epoch (unsigned)
   */
  public Fork forkAt(long epoch) {
    Fork current = forks.get(0);
    for (Fork f : forks) {
      if (Long.compareUnsigned(f.epoch(), epoch) <= 0) {
        current = f;
      }
    }
    return current;
  }

  /**
   * {@return {@code compute_fork_version(epoch)}}
   *
   * @param epoch an epoch (unsigned)
   */
  public Bytes4 forkVersion(long epoch) {
    return forkAt(epoch).version();
  }

  /**
   * {@return {@code get_blob_parameters(epoch)}: the latest {@code BLOB_SCHEDULE} entry at or before
   * {@code epoch}, else the Electra parameters; empty when neither exists}
   *
   * @param epoch an epoch (unsigned)
   */
  public Optional<BlobParameters> blobParameters(long epoch) {
    return Optional.ofNullable(blobParametersOrNull(epoch));
  }

  private BlobParameters blobParametersOrNull(long epoch) {
    BlobParameters found = null;
    for (BlobParameters b : blobSchedule) {
      if (Long.compareUnsigned(b.epoch(), epoch) <= 0) {
        found = b;
      }
    }
    return found != null ? found : electraBlobs;
  }

  /**
   * {@return {@code compute_fork_digest(genesis_validators_root, epoch)}, with the Fulu blob-parameter
   * mask from {@code FULU_FORK_EPOCH} on}
   *
   * @param epoch an epoch (unsigned)
   */
  public Bytes4 forkDigest(long epoch) {
    byte[] base = new ForkData(forkVersion(epoch), genesisValidatorsRoot).hashTreeRoot();
    if (fuluEpoch != FAR_FUTURE_EPOCH && Long.compareUnsigned(epoch, fuluEpoch) >= 0) {
      BlobParameters blobs = blobParametersOrNull(epoch);
      byte[] mask = blobMask(blobs);
      for (int i = 0; i < 4; i++) {
        base[i] ^= mask[i];
      }
    }
    return new Bytes4(java.util.Arrays.copyOf(base, 4));
  }

  /**
   * {@return {@code sha256(uint64_le(epoch) || uint64_le(max_blobs_per_block))}: the 32-byte mask Fulu
   * XORs into the fork data root}
   *
   * @param blobs the blob parameters
   */
  public static byte[] blobMask(BlobParameters blobs) {
    byte[] in = new byte[16];
    for (int i = 0; i < 8; i++) {
      in[i] = (byte) (blobs.epoch() >>> (8 * i));
      in[8 + i] = (byte) (blobs.maxBlobsPerBlock() >>> (8 * i));
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /**
   * {@return the fork boundaries (regular forks after genesis and BPO forks), ascending}
   */
  public List<Long> boundaries() {
    List<Long> out = new ArrayList<>(boundaries.length);
    for (long b : boundaries) {
      out.add(b);
    }
    return List.copyOf(out);
  }

  /**
   * {@return the first fork boundary after {@code epoch}, or {@link #FAR_FUTURE_EPOCH} when none is
   * scheduled: {@code ENRForkID.next_fork_epoch}}
   *
   * @param epoch the current epoch (unsigned)
   */
  public long nextForkEpoch(long epoch) {
    for (long b : boundaries) {
      if (Long.compareUnsigned(b, epoch) > 0) {
        return b;
      }
    }
    return FAR_FUTURE_EPOCH;
  }

  /**
   * {@return {@code ENRForkID.next_fork_version}: the fork version at the next boundary, or the current
   * version when none is scheduled}
   *
   * @param epoch the current epoch (unsigned)
   */
  public Bytes4 nextForkVersion(long epoch) {
    long next = nextForkEpoch(epoch);
    return forkVersion(next == FAR_FUTURE_EPOCH ? epoch : next);
  }

  /**
   * {@return the ENR {@code nfd} value: the digest at the next boundary, or four zero bytes when none
   * is scheduled}
   *
   * @param epoch the current epoch (unsigned)
   */
  public Bytes4 nextForkDigest(long epoch) {
    long next = nextForkEpoch(epoch);
    return next == FAR_FUTURE_EPOCH ? Bytes4.ZERO : forkDigest(next);
  }

  /**
   * {@return the ENR {@code eth2} value at {@code epoch}}
   *
   * @param epoch the current epoch (unsigned)
   */
  public EnrForkId enrForkId(long epoch) {
    return new EnrForkId(forkDigest(epoch), nextForkVersion(epoch), nextForkEpoch(epoch));
  }

  /**
   * {@return the digests in force from genesis through every boundary, in order (adjacent duplicates
   * removed): the digests a peer on this chain may use}
   */
  public List<Bytes4> digests() {
    List<Bytes4> out = new ArrayList<>();
    out.add(forkDigest(0));
    for (long b : boundaries) {
      Bytes4 d = forkDigest(b);
      if (!d.equals(out.get(out.size() - 1))) {
        out.add(d);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "ForkSchedule" + forks + blobSchedule;
  }
}
