package io.serenity.p2p.eth2.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.pubsub.PubSubMessage;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GossipTest {

  private static final Bytes32 MAINNET_GVR =
      Bytes32.fromHex("4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");

  @Test
  void forkDigestOfMainnetGenesis() {
    assertThat(ForkDigest.compute(Bytes4.ZERO, MAINNET_GVR).toHex()).isEqualTo("b5303f2a");
  }

  @Test
  void topicsBuildAndParse() {
    Bytes4 d = Bytes4.fromHex("b5303f2a");
    assertThat(Eth2Topics.topic(d, Eth2Topic.BEACON_BLOCK)).isEqualTo("/eth2/b5303f2a/beacon_block/ssz_snappy");
    assertThat(Eth2Topic.beaconAttestation(d, 63).toString()).isEqualTo("/eth2/b5303f2a/beacon_attestation_63/ssz_snappy");
    Eth2Topic t = Eth2Topics.parse("/eth2/b5303f2a/sync_committee_2/ssz_snappy");
    assertThat(t).isEqualTo(Eth2Topic.syncCommittee(d, 2));
    for (String bad : new String[] {"/eth2/B5303F2A/beacon_block/ssz_snappy", "/eth2/b5303f2/beacon_block/ssz_snappy",
        "/eth1/b5303f2a/beacon_block/ssz_snappy", "/eth2/b5303f2a/beacon_block", "eth2/b5303f2a/x/ssz_snappy",
        "/eth2/b5303f2a//ssz_snappy", "/eth2/b5303f2a/a/b/ssz_snappy", "/eth2/zz303f2a/beacon_block/ssz_snappy"}) {
      assertThat(Eth2Topics.isEth2(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> Eth2Topic.beaconAttestation(d, 64)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void snappyRoundTripAndBounds() {
    byte[] data = new byte[5000];
    new Random(3).nextBytes(data);
    Arrays.fill(data, 0, 2000, (byte) 7);
    byte[] c = SnappyBlock.compress(data);
    assertThat(SnappyBlock.declaredLength(c)).isEqualTo(5000);
    assertThat(SnappyBlock.decompress(c, 5000)).isEqualTo(data);
    assertThatThrownBy(() -> SnappyBlock.decompress(c, 4999)).isInstanceOf(SnappyException.class)
        .hasMessageContaining("declared length");
  }

  @Test
  void hugeDeclaredLengthIsRejectedBeforeAllocating() {
    // preamble declares 4 GiB - 1 with no content
    byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x00};
    assertThatThrownBy(() -> SnappyBlock.decompress(bomb, Eth2GossipProfile.MAX_PAYLOAD_SIZE))
        .isInstanceOf(SnappyException.class);
    assertThatThrownBy(() -> SnappyBlock.declaredLength(new byte[] {(byte) 0x80})).isInstanceOf(SnappyException.class);
    assertThatThrownBy(() -> SnappyBlock.declaredLength(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, 0})).isInstanceOf(SnappyException.class);
  }

  @Test
  void declaredLengthThatLiesIsRejected() {
    byte[] c = SnappyBlock.compress("hello world".getBytes(StandardCharsets.UTF_8));
    c[0] = 12; // one more than the content
    assertThatThrownBy(() -> SnappyBlock.decompress(c, 100)).isInstanceOf(SnappyException.class);
  }

  @Test
  void fuzzedSnappyOnlyThrowsTypedException() {
    Random r = new Random(11);
    byte[] good = SnappyBlock.compress("the quick brown fox jumps over the lazy dog, again and again".repeat(4)
        .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3000; i++) {
      byte[] in;
      if (i % 2 == 0) {
        in = new byte[r.nextInt(64)];
        r.nextBytes(in);
      } else {
        in = good.clone();
        in[r.nextInt(in.length)] ^= (byte) (1 << r.nextInt(8));
      }
      try {
        byte[] out = SnappyBlock.decompress(in, 1000);
        assertThat(out.length).isLessThanOrEqualTo(1000);
      } catch (SnappyException expected) {
        // typed
      }
    }
  }

  @Test
  void messageIdUsesValidDomainTopicAndDecompressedData() throws Exception {
    String topic = "/eth2/b5303f2a/beacon_block/ssz_snappy";
    byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
    byte[] compressed = SnappyBlock.compress(payload);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(new byte[] {1, 0, 0, 0});
    md.update(new byte[] {(byte) topic.length(), 0, 0, 0, 0, 0, 0, 0});
    md.update(topic.getBytes(StandardCharsets.UTF_8));
    md.update(payload);
    byte[] expected = Arrays.copyOf(md.digest(), 20);
    PubSubMessage m = new PubSubMessage(null, compressed, null, topic, null, null);
    assertThat(Eth2MessageId.altair().apply(m).bytes()).isEqualTo(expected);

    md.update(new byte[] {1, 0, 0, 0});
    md.update(payload);
    assertThat(Eth2MessageId.phase0().apply(m).bytes()).isEqualTo(Arrays.copyOf(md.digest(), 20));
  }

  @Test
  void messageIdFallsBackToInvalidDomainOverRawData() throws Exception {
    String topic = "/eth2/b5303f2a/beacon_block/ssz_snappy";
    byte[] raw = HexFormat.of().parseHex("ff00ff00");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(new byte[4]);
    md.update(new byte[] {(byte) topic.length(), 0, 0, 0, 0, 0, 0, 0});
    md.update(topic.getBytes(StandardCharsets.UTF_8));
    md.update(raw);
    PubSubMessage m = new PubSubMessage(null, raw, null, topic, null, null);
    assertThat(Eth2MessageId.altair().apply(m).bytes()).isEqualTo(Arrays.copyOf(md.digest(), 20));
    // a valid block whose declared size exceeds the limit also counts as invalid
    byte[] big = SnappyBlock.compress(new byte[100]);
    assertThat(Eth2MessageId.compute(topic, big, true, 99))
        .isNotEqualTo(Eth2MessageId.compute(topic, big, true, 100));
    assertThat(Eth2MessageId.compute(null, null, true, 10)).hasSize(20);
  }

  @Test
  void forkAwareIdUsesPhase0OnlyForPhase0Digests() {
    byte[] data = SnappyBlock.compress(new byte[] {1, 2, 3});
    var fn = Eth2MessageId.forkAware(java.util.Set.of(Bytes4.fromHex("b5303f2a")), 1000);
    String phase0Topic = "/eth2/b5303f2a/beacon_block/ssz_snappy";
    String altairTopic = "/eth2/afcaaba0/beacon_block/ssz_snappy";
    assertThat(fn.apply(new PubSubMessage(null, data, null, phase0Topic, null, null)).bytes())
        .isEqualTo(Eth2MessageId.compute(phase0Topic, data, false, 1000));
    assertThat(fn.apply(new PubSubMessage(null, data, null, altairTopic, null, null)).bytes())
        .isEqualTo(Eth2MessageId.compute(altairTopic, data, true, 1000));
    assertThat(fn.apply(new PubSubMessage(null, data, null, "not-eth2", null, null)).bytes())
        .isEqualTo(Eth2MessageId.compute("not-eth2", data, true, 1000));
  }

  @Test
  void profileConfiguresPubSubAndCodec() {
    Eth2GossipProfile p = Eth2GossipProfile.defaults();
    var cfg = p.pubSubConfig();
    assertThat(cfg.signaturePolicy()).isEqualTo(SignaturePolicy.STRICT_NO_SIGN);
    assertThat(cfg.maxMessageSize()).isEqualTo(32 + 10485760 + 10485760 / 6);
    assertThat(p.gossipSubParams().d()).isEqualTo(8);
    assertThat(p.hostConfig().maxStreamReadBuffer()).isGreaterThanOrEqualTo(cfg.maxRpcSize());
    assertThat(p.hostConfig().connectionLowWater()).isEqualTo(Eth2GossipProfile.TARGET_PEERS);
    assertThat(p.hostConfig().connectionHighWater()).isEqualTo(Eth2GossipProfile.MAX_PEERS);
    var own = io.serenity.p2p.host.HostConfig.builder().connectionWatermarks(10, 20).build();
    assertThat(p.hostConfig(own).connectionLowWater()).as("a caller's own watermarks are kept").isEqualTo(10);
    StatusMessage s = new StatusMessage(Bytes4.fromHex("b5303f2a"), MAINNET_GVR, 1, MAINNET_GVR, 2);
    byte[] wire = p.encode(StatusMessage.CODEC, s);
    assertThat(p.decode(StatusMessage.CODEC, wire)).isEqualTo(s);
    byte[] wrongSize = SnappyBlock.compress(new byte[83]);
    assertThatThrownBy(() -> p.decode(StatusMessage.CODEC, wrongSize)).isInstanceOf(SnappyException.class);
    byte[] tooBig = SnappyBlock.compress(new byte[85]);
    assertThatThrownBy(() -> p.decode(StatusMessage.CODEC, tooBig)).isInstanceOf(SnappyException.class)
        .hasMessageContaining("declared length");
    assertThatThrownBy(() -> p.withMaxPayloadSize(0).validate()).isInstanceOf(IllegalArgumentException.class);
  }
}
