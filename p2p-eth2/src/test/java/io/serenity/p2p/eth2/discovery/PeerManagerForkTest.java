package io.serenity.p2p.eth2.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.TopicSchedule;
import io.serenity.p2p.eth2.gossip.TopicSelection;
import io.serenity.p2p.eth2.network.ChainConfig;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.server.Peer;
import io.serenity.p2p.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link PeerManager} across fork boundaries on a fake clock: peers on the neighbouring digest
 * are kept and dialled while the topic schedule holds both digests, {@code nfd} decides whether a
 * peer shares our next fork, our Status and record move at the boundary, and peers left on the old
 * digest are sent Goodbye 2 once the overlap ends.
 */
class PeerManagerForkTest {

  private static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");

  /** A devnet of 6 s slots and 8-slot epochs: electra at 10, fulu at 20, a blob-parameter fork at 30. */
  private static final NetworkConfig NET = NetworkConfig.of(ChainConfig.parse("""
      CONFIG_NAME: devnet
      PRESET_BASE: minimal
      SECONDS_PER_SLOT: 6
      GENESIS_FORK_VERSION: 0x10000000
      ALTAIR_FORK_VERSION: 0x11000000
      ALTAIR_FORK_EPOCH: 0
      BELLATRIX_FORK_VERSION: 0x12000000
      BELLATRIX_FORK_EPOCH: 0
      CAPELLA_FORK_VERSION: 0x13000000
      CAPELLA_FORK_EPOCH: 0
      DENEB_FORK_VERSION: 0x14000000
      DENEB_FORK_EPOCH: 0
      MAX_BLOBS_PER_BLOCK_ELECTRA: 9
      ELECTRA_FORK_VERSION: 0x15000000
      ELECTRA_FORK_EPOCH: 10
      FULU_FORK_VERSION: 0x16000000
      FULU_FORK_EPOCH: 20
      BLOB_SCHEDULE:
        - EPOCH: 30
          MAX_BLOBS_PER_BLOCK: 15
      """), GENESIS, Bytes32.fromHex("11".repeat(32)), List.of());

  private static final Bytes4 ELECTRA = NET.forkSchedule().forkDigest(10);
  private static final Bytes4 FULU = NET.forkSchedule().forkDigest(20);
  private static final Bytes4 BPO = NET.forkSchedule().forkDigest(30);
  private static final Bytes4 OTHER = Bytes4.fromHex("01020304");
  private static final TopicSchedule TOPICS = TopicSchedule.of(NET, TopicSelection.all());

  private final FakeNode node = new FakeNode();
  private final FakeNode.Discovery discovery = new FakeNode.Discovery();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Instant start = NET.epochStart(17);
  private final InstantSource clock = () -> start.plusNanos(scheduler.now());

  private PeerManager manager(int target) {
    return PeerManager.builder(node, discovery).forkSchedule(TOPICS, clock).targetPeers(target).maxPeers(50)
        .minSubnetPeers(0, 0, 0).interval(Duration.ofSeconds(6)).scheduler(scheduler).build();
  }

  /** Moves the fake clock to the start of {@code epoch}, plus a second, running what falls due. */
  private void toEpoch(long epoch) {
    Duration d = Duration.between(clock.instant(), NET.epochStart(epoch).plusSeconds(1));
    assertThat(d).isPositive();
    scheduler.advance(d);
    assertThat(NET.epochAt(clock.instant())).isEqualTo(epoch);
  }

  private PeerId connect(int seed, Bytes4 statusDigest) {
    PeerId id = FakeNode.id(seed);
    node.connect(id, Peer.Direction.INBOUND);
    node.statusDigests.put(id, statusDigest);
    return id;
  }

  @Test
  void theDevnetHasItsBoundaries() {
    assertThat(List.of(ELECTRA, FULU, BPO, OTHER)).doesNotHaveDuplicates();
    assertThat(TOPICS.digestsAt(17)).containsExactly(ELECTRA);
    assertThat(TOPICS.digestsAt(18)).containsExactly(ELECTRA, FULU);
    assertThat(TOPICS.digestsAt(21)).containsExactly(ELECTRA, FULU);
    assertThat(TOPICS.digestsAt(22)).containsExactly(FULU);
  }

  @Test
  void peersOnTheNeighbouringDigestStayUntilTheOverlapEnds() {
    PeerManager pm = manager(10);
    pm.round().join(); // epoch 17: the node as it is
    assertThat(pm.relevantForkDigests()).containsExactly(ELECTRA);
    assertThat(node.relevant.test(FULU)).isFalse();

    toEpoch(18);
    PeerId early = connect(1, FULU);        // its clock crossed the boundary first
    PeerId stranger = connect(2, OTHER);    // another network
    PeerId late = connect(3, ELECTRA);      // will follow: its nfd is FULU
    PeerId stray = connect(4, ELECTRA);     // will not: its nfd is another digest
    PeerId unknown = connect(5, ELECTRA);   // no record: its nfd is not known
    discovery.records.add(FakeNode.withNfd(3, ELECTRA, FULU));
    discovery.records.add(FakeNode.withNfd(4, ELECTRA, OTHER));
    pm.round().join();
    assertThat(pm.relevantForkDigests()).containsExactlyInAnyOrder(ELECTRA, FULU);
    assertThat(node.relevant.test(FULU)).as("req/resp keeps a FULU peer after its Status").isTrue();
    assertThat(node.relevant.test(OTHER)).isFalse();
    assertThat(node.goodbyeTo(Goodbye.IRRELEVANT_NETWORK)).containsExactly(stranger);
    assertThat(node.statusDigestsSet).isEmpty();

    toEpoch(20); // the boundary: our Status and record move to FULU; stray will not follow
    pm.round().join();
    assertThat(node.statusDigestsSet).containsExactly(FULU);
    Enr ours = discovery.localEnr();
    assertThat(EthEnr.forkDigest(ours)).contains(FULU);
    assertThat(EthEnr.nextForkDigest(ours)).contains(BPO);
    assertThat(pm.forkSwitchCount()).isEqualTo(1);
    assertThat(node.goodbyeTo(Goodbye.IRRELEVANT_NETWORK)).containsExactly(stranger, stray);
    assertThat(node.connected).containsOnlyKeys(early, late, unknown);

    toEpoch(21);
    pm.round().join();
    assertThat(node.connected).containsOnlyKeys(early, late, unknown);
    assertThat(node.relevant.test(ELECTRA)).isTrue();

    toEpoch(22); // the overlap is over: the peers still on ELECTRA go
    pm.round().join();
    assertThat(node.goodbyeTo(Goodbye.IRRELEVANT_NETWORK)).containsExactly(stranger, stray, late, unknown);
    assertThat(node.connected).containsOnlyKeys(early);
    assertThat(node.relevant.test(ELECTRA)).isFalse();
    assertThat(pm.irrelevantCount()).isEqualTo(4);
    assertThat(node.statusDigestsSet).as("one move per boundary").containsExactly(FULU);
  }

  @Test
  void dialsFollowTheDigestsAndNextDigestsAroundTheBoundary() {
    PeerManager pm = manager(20);
    toEpoch(19); // before the boundary: ours ELECTRA, next FULU
    discovery.records.addAll(List.of(
        FakeNode.withNfd(1, ELECTRA, FULU),   // ours, same next fork: dialled
        FakeNode.withNfd(2, ELECTRA, OTHER),  // ours, another next fork: not dialled
        FakeNode.plain(3, FULU),              // ahead of us: dialled
        FakeNode.plain(4, OTHER),             // another network
        FakeNode.plain(5, ELECTRA),           // ours, no nfd (a node from before Fulu's rules): dialled
        FakeNode.plain(6, BPO)));             // two forks ahead: not yet
    pm.round().join();
    assertThat(node.dialled).containsExactlyInAnyOrder(FakeNode.id(1), FakeNode.id(3), FakeNode.id(5));
    assertThat(pm.otherForkCount()).isEqualTo(3);

    toEpoch(21); // after it: ours FULU, next BPO
    discovery.records.clear();
    discovery.records.addAll(List.of(
        FakeNode.withNfd(7, ELECTRA, FULU),   // behind, will follow: dialled
        FakeNode.withNfd(8, ELECTRA, OTHER),  // behind, will not
        FakeNode.withNfd(9, FULU, BPO),       // ours: dialled
        FakeNode.withNfd(10, FULU, OTHER),    // ours, but leaves at the next boundary
        FakeNode.plain(11, ELECTRA)));        // behind, nfd unknown: dialled
    pm.round().join();
    assertThat(node.dialled).containsExactlyInAnyOrder(FakeNode.id(1), FakeNode.id(3), FakeNode.id(5),
        FakeNode.id(7), FakeNode.id(9), FakeNode.id(11));

    toEpoch(22); // the overlap is over
    discovery.records.clear();
    discovery.records.add(FakeNode.withNfd(12, ELECTRA, FULU));
    pm.round().join();
    assertThat(node.dialled).hasSize(6);
  }

  @Test
  void theSchedulerCarriesTheManagerAcrossTheBoundary() {
    PeerManager pm = manager(1);
    PeerId late = connect(1, ELECTRA);
    pm.start();
    toEpoch(19);
    assertThat(node.statusDigestsSet).isEmpty();
    toEpoch(20);
    assertThat(node.statusDigestsSet).containsExactly(FULU);
    assertThat(node.connected).containsOnlyKeys(late);
    toEpoch(22);
    assertThat(node.goodbyeTo(Goodbye.IRRELEVANT_NETWORK)).containsExactly(late);
    pm.stop(Duration.ofSeconds(1));
  }

  @Test
  void withoutAScheduleOnlyOurDigestIsRelevantAndNothingMoves() {
    PeerManager pm = PeerManager.builder(node, discovery).forkDigest(() -> ELECTRA).targetPeers(5).maxPeers(10)
        .scheduler(scheduler).build();
    connect(1, FULU); // left to req/resp's Status check, as before
    discovery.records.add(FakeNode.plain(2, FULU));
    discovery.records.add(FakeNode.plain(3, ELECTRA));
    pm.round().join();
    assertThat(pm.relevantForkDigests()).containsExactly(ELECTRA);
    assertThat(node.goodbyes).isEmpty();
    assertThat(node.relevant).isNull();
    assertThat(node.dialled).containsExactly(FakeNode.id(3));
  }
}
