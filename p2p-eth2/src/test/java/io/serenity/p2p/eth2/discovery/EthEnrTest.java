package io.serenity.p2p.eth2.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EthEnrTest {

  private static final PrivateKey KEY = PrivateKey.fromSeed(KeyType.SECP256K1, 7);

  @Test
  void uintBytesAreBigEndianWithoutLeadingZeros() {
    assertThat(EthEnr.uintBytes(0)).isEmpty();
    assertThat(EthEnr.uintBytes(4)).containsExactly(4);
    assertThat(EthEnr.uintBytes(128)).containsExactly(0x80);
    assertThat(EthEnr.uintBytes(256)).containsExactly(1, 0);
  }

  @Test
  void fuluFieldsAreWrittenFromFuluOnAndReadBack() {
    NetworkConfig net = Network.MAINNET.config();
    Instant fulu = net.epochStart(net.forkSchedule().forks().stream()
        .filter(f -> f.name().equals("fulu")).findFirst().orElseThrow().epoch());
    Enr enr = EthEnr.writeFields(Enr.builder(), net, fulu, Bitvector.of(64, 3, 40), Bitvector.of(4, 1), 4)
        .sign(KEY);
    assertThat(EthEnr.forkDigest(enr)).contains(net.currentForkDigest(fulu));
    assertThat(EthEnr.nextForkDigest(enr)).contains(net.nextForkDigest(fulu));
    assertThat(EthEnr.custodyGroupCount(enr)).hasValue(4);
    assertThat(EthEnr.onFork(enr, net.currentForkDigest(fulu))).isTrue();
    assertThat(EthEnr.onFork(enr, Bytes4.ZERO)).isFalse();
    assertThat(EthEnr.hasAttestationSubnet(enr, 40)).isTrue();
    assertThat(EthEnr.hasAttestationSubnet(enr, 41)).isFalse();
    assertThat(EthEnr.hasSyncCommitteeSubnet(enr, 1)).isTrue();
    assertThat(EthEnr.hasSyncCommitteeSubnet(enr, 0)).isFalse();
    // the record survives its text form
    assertThat(Enr.fromText(enr.toText())).isEqualTo(enr);

    Instant electra = fulu.minusSeconds(3600);
    Enr before = EthEnr.writeFields(Enr.builder().from(enr), net, electra, Bitvector.empty(64), Bitvector.empty(4), 4)
        .seq(enr.seq() + 1).sign(KEY);
    assertThat(before.get(EthEnr.KEY_CGC)).isEmpty();
    assertThat(before.get(EthEnr.KEY_NFD)).isEmpty();
    assertThat(EthEnr.isFuluOrLater(net, net.epochAt(electra))).isFalse();
  }

  @Test
  void custodyGroupsFollowTheSpecWalk() throws Exception {
    byte[] id = Enr.builder().sign(KEY).nodeId();
    java.util.List<Integer> four = EthEnr.custodyGroups(id, 4, 128);
    java.util.List<Integer> eight = EthEnr.custodyGroups(id, 8, 128);
    assertThat(four).hasSize(4).doesNotHaveDuplicates().allMatch(g -> g >= 0 && g < 128).isSorted();
    assertThat(eight).containsAll(four); // get_custody_groups(id, x) is a subset of (id, y) for x < y
    assertThat(EthEnr.custodyGroups(id, 128, 128)).hasSize(128);
    assertThat(EthEnr.custodyGroups(id, 0, 128)).isEmpty();
    // the first group written out: sha256(uint256 little-endian)[0:8] as a little-endian uint64, mod 128
    byte[] le = new byte[32];
    for (int i = 0; i < 32; i++) {
      le[i] = id[31 - i];
    }
    byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(le);
    long first = java.nio.ByteBuffer.wrap(h, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(EthEnr.custodyGroups(id, 1, 128)).containsExactly((int) Long.remainderUnsigned(first, 128));
    // the id wraps at 2^256
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xff);
    assertThat(EthEnr.custodyGroups(max, 5, 128)).hasSize(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EthEnr.custodyGroups(id, 129, 128))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedFieldsReadAsAbsent() {
    Enr enr = Enr.builder().set(EthEnr.KEY_CGC, new byte[] {0, 1}).set(EthEnr.KEY_NFD, new byte[3])
        .set(Enr.KEY_ETH2, HexFormat.of().parseHex("0102")).set(Enr.KEY_ATTNETS, new byte[3]).sign(KEY);
    assertThat(EthEnr.custodyGroupCount(enr)).isEmpty();
    assertThat(EthEnr.nextForkDigest(enr)).isEmpty();
    assertThat(EthEnr.forkDigest(enr)).isEmpty();
    assertThat(EthEnr.onFork(enr, Bytes4.ZERO)).isFalse();
    assertThat(EthEnr.hasAttestationSubnet(enr, 0)).isFalse();
  }
}
