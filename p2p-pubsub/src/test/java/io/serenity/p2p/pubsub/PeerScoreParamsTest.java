package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** validate() of the three parameter records, presets, and the whitelist range parser. */
class PeerScoreParamsTest {

  @Test
  void defaultsAndPresetsValidate() {
    assertThatCode(() -> PeerScoreParams.defaults().validate()).doesNotThrowAnyException();
    assertThatCode(() -> TopicScoreParams.defaults().validate()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreThresholds.defaults().validate()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreThresholds.ethereum().validate()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreParams.ethereum(Map.of()).validate()).doesNotThrowAnyException();
  }

  @Test
  void ethereumGlobalsFollowTheLighthouseDerivation() {
    PeerScoreParams p = PeerScoreParams.ethereum(Map.of());
    assertThat(p.topicScoreCap()).isCloseTo(53.75, within(1e-9));
    assertThat(p.ipColocationFactorWeight()).isCloseTo(-53.75, within(1e-9));
    assertThat(p.ipColocationFactorThreshold()).isEqualTo(8);
    assertThat(p.behaviourPenaltyDecay()).isCloseTo(0.98572, within(1e-5));
    assertThat(p.behaviourPenaltyWeight()).isCloseTo(-15.88, within(0.01));
    assertThat(p.decayInterval()).isEqualTo(Duration.ofSeconds(12));
    assertThat(p.retainScore()).isEqualTo(Duration.ofSeconds(12 * 32 * 100));
  }

  @Test
  void decayFactorReachesDecayToZeroAfterTheDecayTime() {
    double f = PeerScoreParams.decayFactor(Duration.ofSeconds(100), Duration.ofSeconds(1), 0.01);
    assertThat(Math.pow(f, 100)).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void thresholdsMustBeOrdered() {
    assertInvalid(() -> new PeerScoreThresholds(1, -1, -2, 0, 0).validate(), "gossipThreshold");
    assertInvalid(() -> new PeerScoreThresholds(-10, -5, -20, 0, 0).validate(), "publishThreshold");
    assertInvalid(() -> new PeerScoreThresholds(-10, -20, -15, 0, 0).validate(), "graylistThreshold");
    assertInvalid(() -> new PeerScoreThresholds(-10, -20, -30, -1, 0).validate(), "acceptPXThreshold");
    assertInvalid(() -> new PeerScoreThresholds(-10, -20, -30, 0, -1).validate(), "opportunisticGraftThreshold");
    assertInvalid(() -> new PeerScoreThresholds(Double.NaN, -20, -30, 0, 0).validate(), "gossipThreshold");
    assertThatCode(() -> new PeerScoreThresholds(0, 0, 0, 0, 0).validate()).doesNotThrowAnyException();
  }

  @Test
  void topicParamsRejectWrongSignsDecaysAndCaps() {
    TopicScoreParams d = TopicScoreParams.defaults();
    assertInvalid(() -> d.withTopicWeight(-1).validate(), "topicWeight");
    assertInvalid(() -> d.withTimeInMesh(1, Duration.ZERO, 10).validate(), "timeInMeshQuantum");
    assertInvalid(() -> d.withTimeInMesh(-1, Duration.ofSeconds(1), 10).validate(), "timeInMeshWeight");
    assertInvalid(() -> d.withTimeInMesh(1, Duration.ofSeconds(1), 0).validate(), "timeInMeshCap");
    assertInvalid(() -> d.withFirstMessageDeliveries(-1, 0.5, 10).validate(), "firstMessageDeliveriesWeight");
    assertInvalid(() -> d.withFirstMessageDeliveries(1, 1.0, 10).validate(), "firstMessageDeliveriesDecay");
    assertInvalid(() -> d.withFirstMessageDeliveries(1, 0.5, 0).validate(), "firstMessageDeliveriesCap");
    Duration s = Duration.ofSeconds(1);
    Duration w = Duration.ofMillis(5);
    assertInvalid(() -> d.withMeshMessageDeliveries(1, 0.5, 1, 2, s, w).validate(), "meshMessageDeliveriesWeight");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0, 1, 2, s, w).validate(), "meshMessageDeliveriesDecay");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 0, 2, s, w).validate(), "meshMessageDeliveriesThreshold");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 3, 2, s, w).validate(), "meshMessageDeliveriesCap");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 1, 2, Duration.ofMillis(999), w).validate(),
        "meshMessageDeliveriesActivation");
    assertInvalid(() -> d.withMeshMessageDeliveries(0, 0.5, 1, 2, s, Duration.ofMillis(-1)).validate(),
        "meshMessageDeliveriesWindow");
    assertInvalid(() -> d.withMeshFailurePenalty(1, 0.5).validate(), "meshFailurePenaltyWeight");
    assertInvalid(() -> d.withMeshFailurePenalty(-1, 1.5).validate(), "meshFailurePenaltyDecay");
    assertInvalid(() -> d.withInvalidMessageDeliveries(1, 0.5).validate(), "invalidMessageDeliveriesWeight");
    assertInvalid(() -> d.withInvalidMessageDeliveries(0, 0).validate(), "invalidMessageDeliveriesDecay");
    // a disabled term's companions are not checked
    assertThatCode(() -> d.withFirstMessageDeliveries(0, 7, -1).validate()).doesNotThrowAnyException();
  }

  @Test
  void peerParamsRejectBadGlobalsAndNameTheTopic() {
    PeerScoreParams d = PeerScoreParams.defaults();
    assertInvalid(() -> d.withTopic("blocks", TopicScoreParams.defaults().withTopicWeight(-1)).validate(),
        "topic 'blocks'");
    assertInvalid(() -> d.withTopicScoreCap(-1).validate(), "topicScoreCap");
    assertInvalid(() -> d.withAppSpecific(p -> 0.0, Double.POSITIVE_INFINITY).validate(), "appSpecificWeight");
    assertInvalid(() -> d.withIpColocation(1, 1, List.of()).validate(), "ipColocationFactorWeight");
    assertInvalid(() -> d.withIpColocation(-1, 0, List.of()).validate(), "ipColocationFactorThreshold");
    assertInvalid(() -> d.withIpColocation(-1, 1, List.of("10.0.0.0/33")).validate(), "ipColocationFactorWhitelist");
    assertInvalid(() -> d.withIpColocation(-1, 1, List.of("example.com")).validate(), "ipColocationFactorWhitelist");
    assertInvalid(() -> d.withBehaviourPenalty(1, 0, 0.5).validate(), "behaviourPenaltyWeight");
    assertInvalid(() -> d.withBehaviourPenalty(-1, 0, 1).validate(), "behaviourPenaltyDecay");
    assertInvalid(() -> d.withBehaviourPenalty(-1, -1, 0.5).validate(), "behaviourPenaltyThreshold");
    assertInvalid(() -> d.withDecay(Duration.ofMillis(999), 0.01).validate(), "decayInterval");
    assertInvalid(() -> d.withDecay(Duration.ofSeconds(1), 0).validate(), "decayToZero");
    assertInvalid(() -> d.withRetainScore(Duration.ofSeconds(-1)).validate(), "retainScore");
    assertInvalid(() -> d.withDeliveryRecordTtl(Duration.ZERO).validate(), "deliveryRecordTtl");
  }

  @Test
  void ipRangesMatchByPrefix() throws Exception {
    ScoreIpRange v4 = ScoreIpRange.parse("10.1.0.0/16");
    assertThat(v4.contains(InetAddress.getByName("10.1.255.3"))).isTrue();
    assertThat(v4.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
    ScoreIpRange odd = ScoreIpRange.parse("192.0.2.128/25");
    assertThat(odd.contains(InetAddress.getByName("192.0.2.200"))).isTrue();
    assertThat(odd.contains(InetAddress.getByName("192.0.2.127"))).isFalse();
    ScoreIpRange v6 = ScoreIpRange.parse("2001:db8::/32");
    assertThat(v6.contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
    assertThat(v6.contains(InetAddress.getByName("10.1.0.1"))).isFalse();
    assertThat(ScoreIpRange.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7"))).isTrue();
    assertThat(ScoreIpRange.parseLiteral("localhost")).isNull(); // never resolved
    assertThat(ScoreIpRange.ipv6Slash64(InetAddress.getByName("2001:db8:0:1::a"))).isEqualTo("2001:db8:0:1:0:0:0:0/64");
  }

  private static void assertInvalid(Runnable r, String fragment) {
    assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(fragment);
  }
}
