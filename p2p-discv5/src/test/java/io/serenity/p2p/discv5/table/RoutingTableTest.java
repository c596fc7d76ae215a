package io.serenity.p2p.discv5.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

  private final RandomSource random = RandomSource.secure();

  private Enr record(String ip, long seq) throws Exception {
    return record(random.ephemeralKey(), ip, seq);
  }

  private static Enr record(byte[] key, String ip, long seq) throws Exception {
    return Enr.builder().seq(seq).ip(InetAddress.getByName(ip)).udp(30303)
        .sign(PrivateKey.fromRaw(KeyType.SECP256K1, key));
  }

  @Test
  void logDistance() {
    NodeId zero = new NodeId(new byte[32]);
    byte[] b = new byte[32];
    assertThat(zero.logDistance(zero)).isZero();
    b[31] = 1;
    assertThat(zero.logDistance(new NodeId(b))).isEqualTo(1);
    b[31] = (byte) 0x80;
    assertThat(zero.logDistance(new NodeId(b))).isEqualTo(8);
    b[0] = (byte) 0x80;
    assertThat(zero.logDistance(new NodeId(b))).isEqualTo(256);
    b[0] = 0x01;
    assertThat(zero.logDistance(new NodeId(b))).isEqualTo(249);
  }

  @Test
  void bucketKeepsSixteenInLruOrderAndTenReplacements() throws Exception {
    KBucket bucket = new KBucket();
    List<Enr> enrs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Enr e = record("10.0.0.1", 1);
      enrs.add(e);
      bucket.offer(new NodeId(e.nodeId()), e, false);
    }
    assertThat(bucket.size()).isEqualTo(KBucket.K);
    assertThat(bucket.replacements()).hasSize(KBucket.REPLACEMENTS).containsExactlyElementsOf(enrs.subList(20, 30));
    NodeId first = new NodeId(enrs.get(0).nodeId());
    assertThat(bucket.oldest().orElseThrow().id()).isEqualTo(first);
    bucket.offer(first, enrs.get(0), true); // seen: moves to the back, live
    assertThat(bucket.oldest().orElseThrow().id()).isEqualTo(new NodeId(enrs.get(1).nodeId()));
    assertThat(bucket.get(first).orElseThrow().live()).isTrue();
    assertThat(bucket.remove(first)).contains(enrs.get(29)); // newest replacement promoted
    assertThat(bucket.size()).isEqualTo(KBucket.K);
    assertThat(bucket.get(new NodeId(enrs.get(29).nodeId())).orElseThrow().live()).isFalse();
  }

  @Test
  void olderRecordsAreIgnored() throws Exception {
    byte[] key = random.ephemeralKey();
    KBucket bucket = new KBucket();
    Enr v2 = record(key, "10.0.0.1", 2);
    NodeId id = new NodeId(v2.nodeId());
    bucket.offer(id, v2, false);
    assertThat(bucket.offer(id, record(key, "10.0.0.2", 1), false)).isEqualTo(KBucket.Result.IGNORED);
    assertThat(bucket.offer(id, record(key, "10.0.0.3", 3), false)).isEqualTo(KBucket.Result.UPDATED);
    assertThat(bucket.get(id).orElseThrow().enr().seq()).isEqualTo(3);
  }

  @Test
  void closestMatchesBruteForceAndOwnIdIsRefused() throws Exception {
    Enr self = record("10.0.0.1", 1);
    RoutingTable table = new RoutingTable(new NodeId(self.nodeId()), IpLimits.OFF);
    assertThat(table.offer(self, true)).isEqualTo(KBucket.Result.IGNORED);
    List<NodeId> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Enr e = record("10.0.0.1", 1);
      if (table.offer(e, i % 2 == 0) != KBucket.Result.REPLACEMENT) {
        all.add(new NodeId(e.nodeId()));
      }
    }
    assertThat(table.size()).isEqualTo(all.size());
    NodeId target = new NodeId(random.bytes(32));
    List<NodeId> expected = all.stream().sorted(target::compareDistance).limit(16).toList();
    assertThat(table.closest(target, 16, false).stream().map(TableEntry::id).toList()).isEqualTo(expected);
    assertThat(table.closest(target, 100, true)).allMatch(TableEntry::live);
    assertThat(table.oldestOfRandomBucket(new Random(1))).isPresent();
    for (TableEntry e : table.entries()) {
      assertThat(table.localId().logDistance(e.id())).isBetween(1, 256);
      assertThat(table.atDistance(table.localId().logDistance(e.id()))).contains(e);
    }
  }

  @Test
  void subnetLimitsApplyToPublicAddressesOnly() throws Exception {
    Enr self = record("10.0.0.1", 1);
    RoutingTable table = new RoutingTable(new NodeId(self.nodeId()), new IpLimits(2, 3));
    int added = 0;
    for (int i = 0; i < 20; i++) {
      if (table.offer(record("203.0.113." + (i + 1), 1), false) == KBucket.Result.ADDED) {
        added++;
      }
    }
    assertThat(added).isEqualTo(3);
    assertThat(table.entries().stream().filter(e -> true).count()).isEqualTo(3);
    for (int i = 0; i < 20; i++) {
      table.offer(record("127.0.0.1", 1), false);
    }
    assertThat(table.size()).isGreaterThan(3 + 10);
    assertThat(table.entries().stream().map(e -> table.localId().logDistance(e.id()))
        .sorted(Comparator.reverseOrder()).findFirst()).isPresent();
  }
}
