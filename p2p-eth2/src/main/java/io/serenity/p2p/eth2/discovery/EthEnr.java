package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.MetaData;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The consensus-layer fields of a node record (phase0, altair and fulu {@code p2p-interface.md},
 * "ENR structure"): {@code eth2} (SSZ {@code ENRForkID}), {@code attnets} (SSZ Bitvector[64]),
 * {@code syncnets} (SSZ Bitvector[4]), and from Fulu {@code cgc} (the custody group count, a
 * big-endian unsigned integer without leading zero bytes) and {@code nfd} (the next fork digest,
 * 4 bytes). {@code eth2}, {@code attnets} and {@code syncnets} have accessors on {@link Enr} itself;
 * this class adds the Fulu fields, the filters discovery uses and a helper that writes all of them
 * for a network at a given time.
 */
public final class EthEnr {

  /** Key of the custody group count (Fulu). */
  public static final String KEY_CGC = "cgc";
  /** Key of the next fork digest (Fulu). */
  public static final String KEY_NFD = "nfd";

  private EthEnr() {}

  /**
   * {@return the {@code cgc} field, when present and a valid unsigned integer of at most 8 bytes}
   *
   * @param enr the record
   */
  public static OptionalLong custodyGroupCount(Enr enr) {
    Optional<byte[]> v = enr.get(KEY_CGC);
    if (v.isEmpty() || v.get().length > 8 || (v.get().length > 0 && v.get()[0] == 0)) {
      return OptionalLong.empty();
    }
    long n = 0;
    for (byte b : v.get()) {
      n = (n << 8) | (b & 0xff);
    }
    return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /**
   * {@return the {@code nfd} field, when present and 4 bytes}
   *
   * @param enr the record
   */
  public static Optional<Bytes4> nextForkDigest(Enr enr) {
    return enr.get(KEY_NFD).filter(b -> b.length == Bytes4.SIZE).map(Bytes4::new);
  }

  /**
   * {@return the fork digest of the record's {@code eth2} field, when present and decodable}
   *
   * @param enr the record
   */
  public static Optional<Bytes4> forkDigest(Enr enr) {
    try {
      return enr.eth2().map(EnrForkId::forkDigest);
    } catch (RuntimeException e) { // a peer's malformed field: no digest
      return Optional.empty();
    }
  }

  /**
   * {@return whether the record's {@code eth2} fork digest is {@code digest}: the test for dialling
   * a discovered node (phase0 {@code p2p-interface.md}: peers on another digest are of no use)}
   *
   * @param enr the record
   * @param digest our current fork digest
   */
  public static boolean onFork(Enr enr, Bytes4 digest) {
    return forkDigest(enr).map(digest::equals).orElse(false);
  }

  /**
   * {@return whether the record says it serves attestation subnet {@code subnet}}
   *
   * @param enr the record
   * @param subnet 0..63
   */
  public static boolean hasAttestationSubnet(Enr enr, int subnet) {
    return bit(enr, Enr.KEY_ATTNETS, MetaData.ATTESTATION_SUBNET_COUNT, subnet);
  }

  /**
   * {@return whether the record says it serves sync committee subnet {@code subnet}}
   *
   * @param enr the record
   * @param subnet 0..3
   */
  public static boolean hasSyncCommitteeSubnet(Enr enr, int subnet) {
    return bit(enr, Enr.KEY_SYNCNETS, MetaData.SYNC_COMMITTEE_SUBNET_COUNT, subnet);
  }

  private static boolean bit(Enr enr, String key, int length, int i) {
    if (i < 0 || i >= length) {
      throw new IllegalArgumentException("subnet " + i + " is outside 0.." + (length - 1));
    }
    Optional<byte[]> v = enr.get(key);
    if (v.isEmpty() || v.get().length != (length + 7) / 8) {
      return false;
    }
    return (v.get()[i / 8] & (1 << (i % 8))) != 0;
  }

  /** NUMBER_OF_CUSTODY_GROUPS of the Fulu configs (mainnet and minimal alike). */
  public static final int NUMBER_OF_CUSTODY_GROUPS = 128;

  /**
   * The custody groups of a node (fulu {@code das-core.md} {@code get_custody_groups}): starting from the
   * node id as a uint256, each step hashes its 32 little-endian bytes with SHA-256, takes the first 8
   * bytes as a little-endian uint64 modulo {@code groups}, keeps it when new, and adds one to the id
   * (wrapping at 2^256), until {@code count} groups are found. With 128 groups, 128 columns and 128
   * subnets, group {@code g} is column {@code g} and data column subnet {@code g}.
   *
   * @param nodeId the 32-byte node id (keccak256 of the public key, {@link Enr#nodeId()})
   * @param count the custody group count (the peer's {@code cgc}), at most {@code groups}
   * @param groups NUMBER_OF_CUSTODY_GROUPS
   * @return the groups, sorted
   */
  public static java.util.List<Integer> custodyGroups(byte[] nodeId, long count, int groups) {
    if (nodeId.length != 32) {
      throw new IllegalArgumentException("node id must be 32 bytes, got " + nodeId.length);
    }
    if (groups < 1 || count < 0 || count > groups) {
      throw new IllegalArgumentException("custody group count " + count + " is outside 0.." + groups);
    }
    java.util.List<Integer> out = new java.util.ArrayList<>((int) count);
    if (count == groups) {
      for (int g = 0; g < groups; g++) {
        out.add(g);
      }
      return java.util.List.copyOf(out);
    }
    java.security.MessageDigest sha;
    try {
      sha = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] le = new byte[32]; // the id as a uint256, little-endian: what is hashed
    for (int i = 0; i < 32; i++) {
      le[i] = nodeId[31 - i];
    }
    boolean[] seen = new boolean[groups];
    int found = 0;
    while (found < count) { // ends: every step has a chance to hit a missing group
      byte[] h = sha.digest(le);
      long v = 0;
      for (int i = 7; i >= 0; i--) {
        v = (v << 8) | (h[i] & 0xff);
      }
      int group = (int) Long.remainderUnsigned(v, groups);
      if (!seen[group]) {
        seen[group] = true;
        found++;
      }
      for (int i = 0; i < 32 && ++le[i] == 0; i++) {
        // carry; past 2^256 - 1 the id wraps to zero
      }
    }
    for (int g = 0; g < groups; g++) {
      if (seen[g]) {
        out.add(g);
      }
    }
    return java.util.List.copyOf(out);
  }

  /** NUMBER_OF_COLUMNS of the Fulu configs (mainnet and minimal alike). */
  public static final int NUMBER_OF_COLUMNS = 128;
  /** DATA_COLUMN_SIDECAR_SUBNET_COUNT of the Fulu configs. */
  public static final int DATA_COLUMN_SIDECAR_SUBNET_COUNT = 128;

  /**
   * The columns of a custody group (fulu {@code das-core.md} {@code compute_columns_for_custody_group}):
   * {@code groups * i + group} for {@code i} in {@code 0 .. columns / groups - 1}.
   *
   * @param group the custody group, below {@code groups}
   * @param groups NUMBER_OF_CUSTODY_GROUPS
   * @param columns NUMBER_OF_COLUMNS (a multiple of {@code groups})
   * @return the column indices, ascending
   */
  public static java.util.List<Integer> columnsForCustodyGroup(int group, int groups, int columns) {
    if (groups < 1 || columns < groups || columns % groups != 0) {
      throw new IllegalArgumentException("need columns a multiple of groups, got " + columns + " and " + groups);
    }
    if (group < 0 || group >= groups) {
      throw new IllegalArgumentException("custody group " + group + " is outside 0.." + (groups - 1));
    }
    java.util.List<Integer> out = new java.util.ArrayList<>(columns / groups);
    for (int i = 0; i < columns / groups; i++) {
      out.add(groups * i + group);
    }
    return java.util.List.copyOf(out);
  }

  /**
   * The data column subnets a node custodies: its custody groups ({@link #custodyGroups}), their
   * columns ({@link #columnsForCustodyGroup}) and each column's subnet, {@code column %
   * DATA_COLUMN_SIDECAR_SUBNET_COUNT} (fulu {@code p2p-interface.md}
   * {@code compute_subnet_for_data_column_sidecar}), with the Fulu configs' 128 groups, columns and
   * subnets.
   *
   * @param nodeId the 32-byte node id
   * @param custodyGroupCount the node's {@code cgc}; above 128 it is taken as 128
   * @return the subnets, ascending
   */
  public static java.util.SortedSet<Integer> dataColumnSubnets(byte[] nodeId, long custodyGroupCount) {
    long count = Math.min(Math.max(0, custodyGroupCount), NUMBER_OF_CUSTODY_GROUPS);
    java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
    for (int g : custodyGroups(nodeId, count, NUMBER_OF_CUSTODY_GROUPS)) {
      for (int c : columnsForCustodyGroup(g, NUMBER_OF_CUSTODY_GROUPS, NUMBER_OF_COLUMNS)) {
        out.add(c % DATA_COLUMN_SIDECAR_SUBNET_COUNT);
      }
    }
    return java.util.Collections.unmodifiableSortedSet(out);
  }

  /**
   * {@return the discovery node id of a peer whose libp2p id inlines a secp256k1 key (as every
   * Ethereum consensus node's does); empty for other keys}
   *
   * @param peer the peer id
   */
  public static Optional<byte[]> nodeId(io.serenity.p2p.core.PeerId peer) {
    return peer.extractPublicKey()
        .filter(k -> k.type() == io.serenity.p2p.crypto.KeyType.SECP256K1)
        .flatMap(k -> {
          try {
            return Optional.of(Enr.nodeIdOf(k.raw()));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  /**
   * The unsigned big-endian encoding ENR integers use: no leading zero bytes, zero as no bytes.
   *
   * @param value a non-negative value
   * @return its bytes
   */
  public static byte[] uintBytes(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    int n = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[n - 1 - i] = (byte) (value >>> (8 * i));
    }
    return out;
  }

  /**
   * Writes the consensus fields of a node on {@code network} at {@code time}: {@code eth2}, and
   * when the current fork is Fulu or later {@code nfd} and {@code cgc}; {@code attnets} and
   * {@code syncnets} as given.
   *
   * @param b the record builder
   * @param network the network
   * @param time the wall-clock time
   * @param attnets the attestation subnets served (Bitvector[64])
   * @param syncnets the sync committee subnets served (Bitvector[4])
   * @param custodyGroupCount the custody group count advertised from Fulu on
   * @return {@code b}
   */
  public static Enr.Builder writeFields(Enr.Builder b, NetworkConfig network, Instant time,
      Bitvector attnets, Bitvector syncnets, long custodyGroupCount) {
    b.eth2(network.enrForkId(time)).attnets(attnets).syncnets(syncnets);
    long epoch = network.epochAt(time);
    if (isFuluOrLater(network, epoch)) {
      b.set(KEY_NFD, network.nextForkDigest(time).bytes());
      b.set(KEY_CGC, uintBytes(custodyGroupCount));
    } else {
      b.remove(KEY_NFD).remove(KEY_CGC);
    }
    return b;
  }

  /**
   * Moves a record to the fork of {@code time}: {@code eth2} as {@link #writeFields} writes it, and
   * {@code nfd} from Fulu on (removed before); every other field, {@code cgc} included, stays. For
   * a node's own record at a fork boundary.
   *
   * @param b the record builder, holding the current record
   * @param network the network
   * @param time the wall-clock time
   * @return {@code b}
   */
  public static Enr.Builder writeForkFields(Enr.Builder b, NetworkConfig network, Instant time) {
    b.eth2(network.enrForkId(time));
    if (isFuluOrLater(network, network.epochAt(time))) {
      b.set(KEY_NFD, network.nextForkDigest(time).bytes());
    } else {
      b.remove(KEY_NFD);
    }
    return b;
  }

  /**
   * {@return whether the fork in force at {@code epoch} is Fulu or a later one}
   *
   * @param network the network
   * @param epoch the epoch
   */
  public static boolean isFuluOrLater(NetworkConfig network, long epoch) {
    String name = network.forkSchedule().forkAt(epoch).name().toLowerCase(java.util.Locale.ROOT);
    return switch (name) {
      case "phase0", "altair", "bellatrix", "capella", "deneb", "electra" -> false;
      default -> true;
    };
  }
}
