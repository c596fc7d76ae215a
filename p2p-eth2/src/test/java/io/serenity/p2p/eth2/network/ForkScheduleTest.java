package io.serenity.p2p.eth2.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.ForkDigest;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForkScheduleTest {

  static final long FAR = ForkSchedule.FAR_FUTURE_EPOCH;
  static final ForkSchedule MAINNET = Network.MAINNET.config().forkSchedule();

  /**
   * The spec formula, written out independently of ForkData/Merkle: the fork data root is
   * sha256(version padded to 32 bytes || root) (a two-field container), masked from Fulu on with
   * sha256(le64(epoch) || le64(max_blobs)).
   */
  static String specDigest(String versionHex, Bytes32 gvr, BlobParameters blobsOrNull)
      throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] leaf = new byte[32];
    System.arraycopy(Bytes4.fromHex(versionHex).bytes(), 0, leaf, 0, 4);
    sha.update(leaf);
    sha.update(gvr.bytes());
    byte[] root = sha.digest();
    if (blobsOrNull != null) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putLong(blobsOrNull.epoch()).putLong(blobsOrNull.maxBlobsPerBlock());
      byte[] mask = MessageDigest.getInstance("SHA-256").digest(b.array());
      for (int i = 0; i < 32; i++) {
        root[i] ^= mask[i];
      }
    }
    return java.util.HexFormat.of().formatHex(Arrays.copyOf(root, 4));
  }

  /**
   * consensus-specs tests/.../fulu/validator/test_compute_fork_digest.py: FULU_FORK_EPOCH 0, the
   * blob schedule below, compute_fork_version overridden to return the case's version.
   */
  @ParameterizedTest(name = "epoch {0} version {1} root byte {2} -> {3}")
  @CsvSource({
      "9,   06000000, 00, ab3ae6c8",
      "10,  06000000, 00, ab3ae6c8",
      "11,  06000000, 00, ab3ae6c8",
      "99,  06000000, 00, ab3ae6c8",
      "100, 06000000, 00, df67557b",
      "101, 06000000, 00, df67557b",
      "150, 06000000, 00, 8ab38b59",
      "199, 06000000, 00, 8ab38b59",
      "200, 06000000, 00, d9b81438",
      "201, 06000000, 00, d9b81438",
      "250, 06000000, 00, 4ef32a62",
      "299, 06000000, 00, 4ef32a62",
      "300, 06000000, 00, ca100d64",
      "301, 06000000, 00, ca100d64",
      "9,   06000000, 01, 89671111",
      "9,   06000000, 02, f49b0e24",
      "9,   06000000, 03, 86544e4f",
      "100, 06000000, 01, fd3aa2a2",
      "100, 06000000, 02, 80c6bd97",
      "100, 06000000, 03, f209fdfc",
      "9,   06000001, 00, 30f8c25b",
      "9,   07000000, 00, 0432f5a9",
      "9,   07000001, 00, 6e69a671",
      "100, 06000001, 00, 44a571e8",
      "100, 07000000, 00, 706f461a",
      "100, 07000001, 00, 1a3415c2",
  })
  void consensusSpecsFuluDigestVectors(long epoch, String version, String rootByte, String expected)
      throws Exception {
    Bytes4 v = Bytes4.fromHex(version);
    List<BlobParameters> schedule = List.of(
        new BlobParameters(9, 9), new BlobParameters(100, 100), new BlobParameters(150, 175),
        new BlobParameters(200, 200), new BlobParameters(250, 275), new BlobParameters(300, 300));
    ChainConfig config = new ChainConfig("spec-test", 12000, 32,
        List.of(new Fork("phase0", v, 0), new Fork("fulu", v, 0)), schedule, OptionalLong.of(9),
        Map.of());
    byte[] root = new byte[32];
    Arrays.fill(root, (byte) Integer.parseInt(rootByte, 16));
    ForkSchedule s = new ForkSchedule(config, new Bytes32(root));
    assertThat(s.forkDigest(epoch).toHex()).isEqualTo(expected);
    assertThat(specDigest(version, new Bytes32(root), s.blobParameters(epoch).orElseThrow()))
        .isEqualTo(expected);
  }

  @Test
  void mainnetGenesisDigestIsThePublishedOne() {
    // eth-clients/mainnet README.md: genesis_fork_digest 0xb5303f2a
    assertThat(MAINNET.forkDigest(0).toHex()).isEqualTo("b5303f2a");
    // eth-clients/sepolia metadata/README.md: genesis_fork_digest 0xa8fee8ee
    assertThat(Network.SEPOLIA.config().forkSchedule().forkDigest(0).toHex()).isEqualTo("a8fee8ee");
    // The same READMEs: pre_genesis_fork_digest (genesis version, zero validators root).
    assertThat(ForkDigest.compute(Bytes4.fromHex("00000000"), Bytes32.ZERO).toHex())
        .isEqualTo("f5a5fd42");
    assertThat(ForkDigest.compute(Bytes4.fromHex("90000069"), Bytes32.ZERO).toHex())
        .isEqualTo("d3010778");
  }

  /**
   * Mainnet digests that another client's tests pin: Prysm's p2p topic test ({@code TestAllTopics},
   * Go module github.com/OffchainLabs/prysm/v7) expects topics under {@code afcaaba0} (Altair),
   * {@code ad532ceb} (Electra) and {@code cc2c5cdb} (Fulu before the first BPO fork, i.e. masked with
   * the Electra blob parameters). The other mainnet digests are checked against the formula only.
   */
  @Test
  void mainnetDigestsPinnedByAnotherClient() {
    assertThat(MAINNET.forkDigest(74240).toHex()).isEqualTo("afcaaba0");
    assertThat(MAINNET.forkDigest(364032).toHex()).isEqualTo("ad532ceb");
    assertThat(MAINNET.forkDigest(411392).toHex()).isEqualTo("cc2c5cdb");
    assertThat(MAINNET.forkDigest(412671).toHex()).isEqualTo("cc2c5cdb");
  }

  /** The fork version and digest on both sides of every mainnet boundary. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "altair,    74240,  00000000, 01000000",
      "bellatrix, 144896, 01000000, 02000000",
      "capella,   194048, 02000000, 03000000",
      "deneb,     269568, 03000000, 04000000",
      "electra,   364032, 04000000, 05000000",
      "fulu,      411392, 05000000, 06000000",
  })
  void mainnetRegularForkBoundaries(String name, long epoch, String before, String at)
      throws Exception {
    Bytes32 gvr = MAINNET.genesisValidatorsRoot();
    assertThat(MAINNET.forkAt(epoch - 1).name()).isNotEqualTo(name);
    assertThat(MAINNET.forkAt(epoch).name()).isEqualTo(name);
    assertThat(MAINNET.forkVersion(epoch - 1).toHex()).isEqualTo(before);
    assertThat(MAINNET.forkVersion(epoch).toHex()).isEqualTo(at);
    assertThat(MAINNET.forkDigest(epoch - 1).toHex()).isEqualTo(specDigest(before, gvr, null));
    BlobParameters mask = name.equals("fulu") ? new BlobParameters(364032, 9) : null;
    assertThat(MAINNET.forkDigest(epoch).toHex()).isEqualTo(specDigest(at, gvr, mask));
    assertThat(MAINNET.forkDigest(epoch)).isNotEqualTo(MAINNET.forkDigest(epoch - 1));
  }

  @Test
  void mainnetBlobParameterForksChangeTheDigestButNotTheVersion() throws Exception {
    Bytes32 gvr = MAINNET.genesisValidatorsRoot();
    // Fulu itself: no schedule entry yet, so the Electra parameters (364032, 9) are mixed in.
    assertThat(MAINNET.blobParameters(411392)).contains(new BlobParameters(364032, 9));
    assertThat(MAINNET.blobParameters(412671)).contains(new BlobParameters(364032, 9));
    assertThat(MAINNET.blobParameters(412672)).contains(new BlobParameters(412672, 15));
    assertThat(MAINNET.blobParameters(419071)).contains(new BlobParameters(412672, 15));
    assertThat(MAINNET.blobParameters(419072)).contains(new BlobParameters(419072, 21));
    assertThat(MAINNET.forkVersion(419072).toHex()).isEqualTo("06000000");

    String fulu = specDigest("06000000", gvr, new BlobParameters(364032, 9));
    String bpo1 = specDigest("06000000", gvr, new BlobParameters(412672, 15));
    String bpo2 = specDigest("06000000", gvr, new BlobParameters(419072, 21));
    assertThat(MAINNET.forkDigest(412671).toHex()).isEqualTo(fulu);
    assertThat(MAINNET.forkDigest(412672).toHex()).isEqualTo(bpo1);
    assertThat(MAINNET.forkDigest(419071).toHex()).isEqualTo(bpo1);
    assertThat(MAINNET.forkDigest(419072).toHex()).isEqualTo(bpo2);
    // Gloas has no epoch: compute_fork_version(FAR_FUTURE_EPOCH) is Gloas's version all the same.
    assertThat(MAINNET.forkVersion(FAR).toHex()).isEqualTo("07000000");
    assertThat(MAINNET.forkDigest(FAR).toHex())
        .isEqualTo(specDigest("07000000", gvr, new BlobParameters(419072, 21)));
    assertThat(Set.of(fulu, bpo1, bpo2)).hasSize(3);
    // The unmasked Fulu root differs: the XOR is really applied.
    assertThat(MAINNET.forkDigest(411392).toHex()).isNotEqualTo(specDigest("06000000", gvr, null));

    assertThat(MAINNET.boundaries())
        .containsExactly(74240L, 144896L, 194048L, 269568L, 364032L, 411392L, 412672L, 419072L);
    assertThat(MAINNET.digests()).hasSize(9);
    assertThat(MAINNET.digests().get(0).toHex()).isEqualTo("b5303f2a");
  }

  @Test
  void mainnetEnrValuesAroundFulu() {
    Bytes4 electra = MAINNET.forkDigest(364032);
    Bytes4 fulu = MAINNET.forkDigest(411392);
    Bytes4 bpo1 = MAINNET.forkDigest(412672);
    Bytes4 bpo2 = MAINNET.forkDigest(419072);
    Bytes4 v5 = Bytes4.fromHex("05000000");
    Bytes4 v6 = Bytes4.fromHex("06000000");

    // Last Electra epoch: a regular fork is next, so the version changes.
    assertThat(MAINNET.enrForkId(411391)).isEqualTo(new EnrForkId(electra, v6, 411392));
    assertThat(MAINNET.nextForkDigest(411391)).isEqualTo(fulu);
    // Electra start: next is Fulu too.
    assertThat(MAINNET.enrForkId(364032)).isEqualTo(new EnrForkId(electra, v6, 411392));
    // In Fulu: the next boundary is a BPO fork; the epoch counts it, the version stays.
    assertThat(MAINNET.enrForkId(411392)).isEqualTo(new EnrForkId(fulu, v6, 412672));
    assertThat(MAINNET.nextForkDigest(411392)).isEqualTo(bpo1);
    assertThat(MAINNET.enrForkId(412671)).isEqualTo(new EnrForkId(fulu, v6, 412672));
    assertThat(MAINNET.enrForkId(412672)).isEqualTo(new EnrForkId(bpo1, v6, 419072));
    assertThat(MAINNET.nextForkDigest(412672)).isEqualTo(bpo2);
    // After the last scheduled boundary: far future, current version, zero nfd.
    assertThat(MAINNET.enrForkId(419072)).isEqualTo(new EnrForkId(bpo2, v6, FAR));
    assertThat(MAINNET.nextForkDigest(419072)).isEqualTo(Bytes4.ZERO);
    // Before Electra.
    assertThat(MAINNET.enrForkId(364031))
        .isEqualTo(new EnrForkId(MAINNET.forkDigest(269568), v5, 364032));
  }

  @Test
  void regularForkAndBlobChangeAtTheSameEpochIsARegularFork() throws Exception {
    ChainConfig c = ChainConfig.parse("""
        PRESET_BASE: mainnet
        SECONDS_PER_SLOT: 12
        GENESIS_FORK_VERSION: 0x00000001
        ELECTRA_FORK_VERSION: 0x05000001
        ELECTRA_FORK_EPOCH: 0
        FULU_FORK_VERSION: 0x06000001
        FULU_FORK_EPOCH: 10
        GLOAS_FORK_VERSION: 0x07000001
        GLOAS_FORK_EPOCH: 30
        MAX_BLOBS_PER_BLOCK_ELECTRA: 9
        BLOB_SCHEDULE:
          - EPOCH: 5
            MAX_BLOBS_PER_BLOCK: 12
          - EPOCH: 20
            MAX_BLOBS_PER_BLOCK: 15
          - EPOCH: 30
            MAX_BLOBS_PER_BLOCK: 18
        """);
    Bytes32 gvr = Bytes32.fromHex("11".repeat(32));
    ForkSchedule s = new ForkSchedule(c, gvr);
    // The entry at 5 precedes Fulu: no boundary of its own, but Fulu's digest uses it.
    assertThat(s.boundaries()).containsExactly(10L, 20L, 30L);
    assertThat(s.forkDigest(5)).isEqualTo(s.forkDigest(0));
    assertThat(s.forkDigest(10).toHex())
        .isEqualTo(specDigest("06000001", gvr, new BlobParameters(5, 12)));
    assertThat(s.enrForkId(0).nextForkEpoch()).isEqualTo(10);
    assertThat(s.enrForkId(10))
        .isEqualTo(new EnrForkId(s.forkDigest(10), Bytes4.fromHex("06000001"), 20));
    assertThat(s.enrForkId(20))
        .isEqualTo(new EnrForkId(s.forkDigest(20), Bytes4.fromHex("07000001"), 30));
    assertThat(s.forkDigest(30).toHex())
        .isEqualTo(specDigest("07000001", gvr, new BlobParameters(30, 18)));
    assertThat(s.nextForkDigest(29)).isEqualTo(s.forkDigest(30));
  }

  @Test
  void unscheduledForksAndFarFutureEpochs() {
    // Hoodi as its eth-clients metadata first had it: altair..deneb at genesis, Electra at 2048, Fulu
    // without an epoch.
    ForkSchedule hoodi = new ForkSchedule(ChainConfig.parse("""
        PRESET_BASE: mainnet
        SECONDS_PER_SLOT: 12
        GENESIS_FORK_VERSION: 0x10000910
        ALTAIR_FORK_VERSION: 0x20000910
        ALTAIR_FORK_EPOCH: 0
        BELLATRIX_FORK_VERSION: 0x30000910
        BELLATRIX_FORK_EPOCH: 0
        CAPELLA_FORK_VERSION: 0x40000910
        CAPELLA_FORK_EPOCH: 0
        DENEB_FORK_VERSION: 0x50000910
        DENEB_FORK_EPOCH: 0
        ELECTRA_FORK_VERSION: 0x60000910
        ELECTRA_FORK_EPOCH: 2048
        FULU_FORK_VERSION: 0x70000910
        FULU_FORK_EPOCH: 18446744073709551615
        MAX_BLOBS_PER_BLOCK_ELECTRA: 9
        """), Network.HOODI.config().genesisValidatorsRoot());
    assertThat(hoodi.forkAt(0).name()).isEqualTo("deneb");
    assertThat(hoodi.forkAt(2047).name()).isEqualTo("deneb");
    assertThat(hoodi.forkAt(2048).name()).isEqualTo("electra");
    assertThat(hoodi.forkAt(FAR).name()).isEqualTo("fulu");
    assertThat(hoodi.boundaries()).containsExactly(2048L);
    assertThat(hoodi.enrForkId(2048))
        .isEqualTo(new EnrForkId(hoodi.forkDigest(2048), Bytes4.fromHex("60000910"), FAR));
    assertThat(hoodi.nextForkEpoch(FAR)).isEqualTo(FAR);

    // Fulu and a blob entry at genesis, another entry at FAR_FUTURE_EPOCH: no boundary at all.
    ForkSchedule genesisFulu = new ForkSchedule(ChainConfig.parse("""
        PRESET_BASE: minimal
        SECONDS_PER_SLOT: 6
        GENESIS_FORK_VERSION: 0x00000002
        FULU_FORK_VERSION: 0x06000002
        FULU_FORK_EPOCH: 0
        BLOB_SCHEDULE:
          - EPOCH: 0
            MAX_BLOBS_PER_BLOCK: 6
          - EPOCH: 18446744073709551615
            MAX_BLOBS_PER_BLOCK: 7
        """), Bytes32.ZERO);
    assertThat(genesisFulu.boundaries()).isEmpty();
    assertThat(genesisFulu.enrForkId(0))
        .isEqualTo(new EnrForkId(genesisFulu.forkDigest(0), Bytes4.fromHex("06000002"), FAR));
    assertThat(genesisFulu.nextForkDigest(0)).isEqualTo(Bytes4.ZERO);
    assertThat(genesisFulu.blobParameters(FAR)).contains(new BlobParameters(FAR, 7));
  }

  /**
   * Bootnode records publish their node's ENRForkID when they were signed: each published digest
   * must be one this schedule produces, and the Hoodi records that carry Deneb + "Electra at 2048"
   * must equal our eth2 value before 2048 exactly.
   */
  @Test
  void bootnodeEth2FieldsMatchTheSchedules() {
    int withEth2 = 0;
    for (Network n : Network.values()) {
      ForkSchedule s = n.config().forkSchedule();
      Set<Bytes4> digests = new HashSet<>(s.digests());
      // Some records were signed before genesis: with the "pre-genesis" digest (genesis version,
      // zero root; Prysm's mainnet records), or with the genesis version's digest (Hoodi's 5df5c106,
      // although Hoodi started in Deneb). Accept those too.
      digests.add(ForkDigest.compute(s.forks().get(0).version(), Bytes32.ZERO));
      for (Fork f : s.forks()) {
        digests.add(ForkDigest.compute(f.version(), s.genesisValidatorsRoot()));
      }
      for (String text : n.config().bootnodes()) {
        var eth2 = Enr.fromText(text).eth2();
        if (eth2.isPresent()) {
          withEth2++;
          assertThat(digests).as(n + " " + text).contains(eth2.get().forkDigest());
        }
      }
    }
    assertThat(withEth2).isGreaterThan(20);

    ForkSchedule hoodi = Network.HOODI.config().forkSchedule();
    EnrForkId published = new EnrForkId(Bytes4.fromHex("d2f1997f"), Bytes4.fromHex("60000910"), 2048);
    assertThat(hoodi.enrForkId(0)).isEqualTo(published);
    assertThat(hoodi.enrForkId(2047)).isEqualTo(published);
    long hoodiRecords = Network.HOODI.config().bootnodes().stream()
        .map(t -> Enr.fromText(t).eth2())
        .filter(e -> e.isPresent() && e.get().equals(published))
        .count();
    assertThat(hoodiRecords).isGreaterThanOrEqualTo(3);
  }
}
