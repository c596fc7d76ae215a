package io.serenity.p2p.eth2.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.server.Peer;
import io.serenity.p2p.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/**
 * Subnet minimums of the {@link PeerManager} on a fake node and discovery, rounds on virtual time:
 * a subnet short of its minimum triggers a subnet search whose matches are dialled above the target
 * up to the maximum, data column custody is derived from node id and {@code cgc}, and pruning spares
 * the last peers on needed subnets.
 */
class PeerManagerSubnetTest {

  private static final Bytes4 OURS = Bytes4.fromHex("b5303f2a");
  private static final Bytes4 OTHER = Bytes4.fromHex("01020304");
  private static final int[] NONE = new int[0];

  private final FakeNode node = new FakeNode();
  private final FakeNode.Discovery discovery = new FakeNode.Discovery();
  private final ManualScheduler scheduler = new ManualScheduler();

  private PeerManager manager(int target, int max, int minAtt, int minSync, int minColumn) {
    return PeerManager.builder(node, discovery).forkDigest(() -> OURS).targetPeers(target).maxPeers(max)
        .interval(Duration.ofSeconds(5)).minSubnetPeers(minAtt, minSync, minColumn).scheduler(scheduler).build();
  }

  private static MetaData attnets(int... subnets) {
    return new MetaData(1, Bitvector.of(64, subnets), Bitvector.empty(4));
  }

  @Test
  void aSubnetBelowItsMinimumIsSearchedAndItsPeersDialledAboveTheTarget() {
    for (int i = 1; i <= 3; i++) {
      node.connect(FakeNode.id(i), Peer.Direction.INBOUND); // 3 peers: above the target of 2
    }
    discovery.records.add(FakeNode.plain(10, OURS));
    discovery.records.add(FakeNode.plain(11, OURS));
    discovery.records.add(FakeNode.record(12, OURS, new int[] {5}, NONE, -1));
    discovery.records.add(FakeNode.record(13, OURS, new int[] {5, 6}, NONE, -1));
    discovery.records.add(FakeNode.record(14, OURS, new int[] {5}, NONE, -1));
    discovery.records.add(FakeNode.record(15, OTHER, new int[] {5}, NONE, -1)); // another network
    PeerManager pm = manager(2, 10, 2, 2, 2);
    pm.wantAttestationSubnets(Set.of(5));

    pm.round().join();

    assertThat(discovery.subnetSearches).isEqualTo(1);
    assertThat(discovery.subnetSearchCounts).containsExactly(2);
    assertThat(discovery.plainSearches).as("at the target: no plain search").isZero();
    assertThat(node.dialled).hasSize(2).doesNotContain(FakeNode.id(10), FakeNode.id(11), FakeNode.id(15));
    assertThat(pm.subnetDialCount()).isEqualTo(2);
    assertThat(pm.subnetPeers().attestation()).containsExactly(Map.entry(5, 0));

    node.completeDials();
    pm.round().join();
    assertThat(pm.subnetPeers().attestation()).containsExactly(Map.entry(5, 2));
    assertThat(discovery.subnetSearches).as("subnet 5 has its two peers now").isEqualTo(1);
    assertThat(node.dialled).hasSize(2);
  }

  @Test
  void subnetDialsStopAtTheMaximum() {
    for (int i = 1; i <= 4; i++) {
      node.connect(FakeNode.id(i), Peer.Direction.INBOUND);
    }
    for (int i = 20; i < 26; i++) {
      discovery.records.add(FakeNode.record(i, OURS, new int[] {9}, NONE, -1));
    }
    PeerManager pm = manager(2, 5, 3, 2, 2);
    pm.wantAttestationSubnets(Set.of(9));
    pm.round().join();
    assertThat(node.dialled).as("one slot left below the maximum of 5").hasSize(1);

    node.completeDials();
    pm.round().join();
    assertThat(node.dialled).as("at the maximum: no more, though subnet 9 has 1 of 3").hasSize(1);
    assertThat(pm.subnetPeers().attestation()).containsExactly(Map.entry(9, 1));
  }

  @Test
  void dialsInFlightCountAgainstTheMaximum() {
    for (int i = 20; i < 30; i++) {
      discovery.records.add(FakeNode.record(i, OURS, new int[] {9}, NONE, -1));
    }
    PeerManager pm = manager(1, 3, 8, 2, 2);
    pm.wantAttestationSubnets(Set.of(9));
    pm.round().join();
    pm.round().join(); // the dials are still pending
    assertThat(node.dialled).hasSize(3);
  }

  @Test
  void syncCommitteeSubnetPeersAreCountedFromMetaData() {
    PeerId a = FakeNode.id(1);
    node.connect(a, Peer.Direction.INBOUND);
    node.metaData.put(a, new MetaData(1, Bitvector.empty(64), Bitvector.of(4, 2)));
    discovery.records.add(FakeNode.record(30, OURS, NONE, new int[] {2}, -1));
    discovery.records.add(FakeNode.record(31, OURS, NONE, new int[] {1}, -1));
    PeerManager pm = manager(1, 10, 3, 2, 2);
    pm.wantSyncCommitteeSubnets(Set.of(2));
    pm.round().join();
    assertThat(node.dialled).containsExactly(FakeNode.id(30));
    node.completeDials();
    pm.round().join();
    assertThat(pm.subnetPeers().syncCommittee()).containsExactly(Map.entry(2, 2));
  }

  @Test
  void dataColumnCustodyComesFromNodeIdAndCustodyGroupCount() {
    // a record whose custody (cgc 4) covers a subnet that a second record's does not
    Enr covering = FakeNode.record(40, OURS, NONE, NONE, 4);
    Enr other = FakeNode.record(41, OURS, NONE, NONE, 4);
    SortedSet<Integer> mine = EthEnr.dataColumnSubnets(covering.nodeId(), 4);
    SortedSet<Integer> theirs = EthEnr.dataColumnSubnets(other.nodeId(), 4);
    int wanted = mine.stream().filter(s -> !theirs.contains(s)).findFirst().orElseThrow();
    discovery.records.add(other);
    discovery.records.add(covering);
    // an inbound peer with no record: MetaData v3's cgc and the node id of its secp256k1 peer id
    PeerId inbound = FakeNode.id(42);
    node.connect(inbound, Peer.Direction.INBOUND);
    node.cgc.put(inbound, 128L); // a supernode: every subnet
    PeerManager pm = manager(1, 10, 3, 2, 2);
    pm.wantDataColumnSubnets(Set.of(wanted));

    pm.round().join();

    assertThat(pm.subnetPeers().dataColumn()).containsExactly(Map.entry(wanted, 1));
    assertThat(node.dialled).containsExactly(covering.peerId());
    node.completeDials();
    pm.round().join();
    assertThat(pm.subnetPeers().dataColumn()).containsExactly(Map.entry(wanted, 2));
  }

  @Test
  void custodySubnetsFollowTheSpecsColumnMapping() {
    byte[] nodeId = FakeNode.record(50, OURS, NONE, NONE, 4).nodeId();
    List<Integer> groups = EthEnr.custodyGroups(nodeId, 4, 128);
    assertThat(EthEnr.dataColumnSubnets(nodeId, 4)).containsExactlyElementsOf(groups);
    assertThat(EthEnr.columnsForCustodyGroup(3, 4, 8)).containsExactly(3, 7);
    assertThat(EthEnr.columnsForCustodyGroup(5, 128, 128)).containsExactly(5);
    assertThat(EthEnr.dataColumnSubnets(nodeId, 0)).isEmpty();
    assertThat(EthEnr.dataColumnSubnets(nodeId, 1000)).hasSize(128);
    assertThat(EthEnr.nodeId(FakeNode.id(50)).orElseThrow()).isEqualTo(nodeId);
    assertThatThrownBy(() -> EthEnr.columnsForCustodyGroup(4, 4, 8)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pruningSparesTheLastPeerOnANeededSubnet() {
    PeerId sole = FakeNode.id(1);
    PeerId b = FakeNode.id(2);
    PeerId c = FakeNode.id(3);
    PeerId valued = FakeNode.id(4);
    for (PeerId p : List.of(sole, b, c, valued)) {
      node.connect(p, Peer.Direction.INBOUND);
    }
    node.metaData.put(sole, attnets(7));
    node.values.put(b, 1);
    node.values.put(c, 2);
    node.values.put(valued, 100);
    PeerManager pm = manager(1, 2, 3, 2, 2);
    pm.wantAttestationSubnets(Set.of(7));
    pm.round().join();
    assertThat(node.goodbyeTo(PeerManager.GOODBYE_TOO_MANY_PEERS)).containsExactly(b, c);
    assertThat(node.connected).containsOnlyKeys(sole, valued);
  }

  @Test
  void peersThatKeepASubnetAtItsMinimumArePrunedLast() {
    PeerId a = FakeNode.id(1);
    PeerId b = FakeNode.id(2);
    PeerId plain = FakeNode.id(3);
    for (PeerId p : List.of(a, b, plain)) {
      node.connect(p, Peer.Direction.INBOUND);
    }
    node.metaData.put(a, attnets(7));
    node.metaData.put(b, attnets(7));
    node.values.put(plain, 50); // more valuable than a and b, yet not needed for a subnet
    PeerManager pm = manager(1, 2, 2, 2, 2);
    pm.wantAttestationSubnets(Set.of(7));
    pm.round().join();
    assertThat(node.goodbyeTo(PeerManager.GOODBYE_TOO_MANY_PEERS)).containsExactly(plain);

    // plain is back and a gains value: plain still goes first, being needed for no subnet
    node.connect(plain, Peer.Direction.INBOUND);
    node.values.put(a, 10);
    pm.round().join();
    assertThat(node.goodbyeTo(PeerManager.GOODBYE_TOO_MANY_PEERS)).containsExactly(plain, plain);
    node.connect(FakeNode.id(5), Peer.Direction.INBOUND);
    node.connect(FakeNode.id(6), Peer.Direction.INBOUND);
    node.values.put(FakeNode.id(5), 90);
    node.values.put(FakeNode.id(6), 90);
    pm.round().join(); // a, b (subnet 7) and 5, 6: 2 above the maximum; 5 and 6 go first
    assertThat(node.connected).containsOnlyKeys(a, b);
  }

  @Test
  void belowTheMinimumTheLowerValuedOfTwoSubnetPeersGoesButNotTheLast() {
    PeerId a = FakeNode.id(1);
    PeerId b = FakeNode.id(2);
    node.connect(a, Peer.Direction.INBOUND);
    node.connect(b, Peer.Direction.INBOUND);
    node.metaData.put(a, attnets(7));
    node.metaData.put(b, attnets(7));
    node.values.put(a, 10);
    PeerManager pm = manager(1, 1, 2, 2, 2);
    pm.wantAttestationSubnets(Set.of(7));
    pm.round().join();
    assertThat(node.goodbyeTo(PeerManager.GOODBYE_TOO_MANY_PEERS)).containsExactly(b);
    node.connect(FakeNode.id(3), Peer.Direction.OUTBOUND);
    node.metaData.put(FakeNode.id(3), attnets(8));
    pm.round().join(); // a is the last on 7; 3 serves no needed subnet
    assertThat(node.goodbyeTo(PeerManager.GOODBYE_TOO_MANY_PEERS)).containsExactly(b, FakeNode.id(3));
  }

  @Test
  void whenOnlyLastSubnetPeersAreLeftTheyStayAboveTheMaximum() {
    PeerId a = FakeNode.id(1);
    PeerId b = FakeNode.id(2);
    node.connect(a, Peer.Direction.INBOUND);
    node.connect(b, Peer.Direction.INBOUND);
    node.metaData.put(a, attnets(7));
    node.metaData.put(b, attnets(9));
    PeerManager pm = manager(1, 1, 3, 2, 2);
    pm.wantAttestationSubnets(Set.of(7, 9));
    pm.round().join();
    assertThat(node.goodbyes).isEmpty();
    assertThat(pm.keptForSubnetsCount()).isEqualTo(1);
  }

  @Test
  void peersWhoseSubnetsAreUnknownAreAskedForTheirMetaDataOncePerConnection() {
    PeerId a = FakeNode.id(1);
    PeerId known = FakeNode.id(2);
    node.connect(a, Peer.Direction.INBOUND);
    node.connect(known, Peer.Direction.INBOUND);
    node.metaData.put(known, attnets(6));
    PeerManager pm = manager(1, 10, 1, 2, 2);
    pm.round().join();
    assertThat(node.metaDataRequests).as("no subnet needed: nobody asked").isEmpty();

    pm.wantAttestationSubnets(Set.of(5));
    pm.round().join();
    assertThat(node.metaDataRequests).containsExactly(a);
    assertThat(discovery.subnetSearches).isEqualTo(1);
    node.metaData.put(a, attnets(5)); // its answer, as req/resp keeps it
    pm.round().join();
    assertThat(pm.subnetPeers().attestation()).containsExactly(Map.entry(5, 1));
    assertThat(discovery.subnetSearches).as("subnet 5 has its peer").isEqualTo(1);

    PeerId b = FakeNode.id(3);
    node.connect(b, Peer.Direction.INBOUND); // never answers
    pm.round().join();
    pm.round().join();
    assertThat(node.metaDataRequests).containsExactly(a, b);
    assertThat(pm.metaDataRequestCount()).isEqualTo(2);
  }

  @Test
  void withoutAMinimumSubnetsAreOnlyAPreference() {
    node.connect(FakeNode.id(1), Peer.Direction.INBOUND);
    node.connect(FakeNode.id(2), Peer.Direction.INBOUND);
    discovery.records.add(FakeNode.record(12, OURS, new int[] {5}, NONE, -1));
    PeerManager pm = manager(2, 10, 0, 0, 0);
    pm.wantAttestationSubnets(Set.of(5));
    pm.round().join();
    assertThat(discovery.subnetSearches).isZero();
    assertThat(node.dialled).isEmpty();
  }

  @Test
  void roundsRunOnTheSchedulerEveryInterval() {
    discovery.records.add(FakeNode.plain(10, OURS));
    PeerManager pm = manager(5, 10, 3, 2, 2);
    pm.start();
    scheduler.runPending();
    scheduler.advance(Duration.ZERO);
    assertThat(discovery.plainSearches).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(4));
    assertThat(discovery.plainSearches).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(discovery.plainSearches).isEqualTo(2);
    assertThat(node.dialled).as("dialled once; the dial is still in flight").containsExactly(FakeNode.id(10));
    pm.stop(Duration.ofSeconds(1));
    scheduler.advance(Duration.ofSeconds(60));
    assertThat(discovery.plainSearches).isEqualTo(2);
  }

  @Test
  void minimumsAreChecked() {
    assertThatThrownBy(() -> PeerManager.builder(node, discovery).minSubnetPeers(-1, 2, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerManager.builder(node, discovery).targetPeers(5).maxPeers(4).forkDigest(() -> OURS)
        .build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerManager.builder(node, discovery).build()).isInstanceOf(NullPointerException.class);
  }
}
