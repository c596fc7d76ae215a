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

/** The rules of the three parameter records (checked when made), their builders, presets, and the whitelist range parser. */
class PeerScoreParamsTest {

  @Test
  void defaultsAndPresetsValidate() {
    assertThatCode(() -> PeerScoreParams.defaults()).doesNotThrowAnyException();
    assertThatCode(() -> TopicScoreParams.defaults()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreThresholds.defaults()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreThresholds.ethereum()).doesNotThrowAnyException();
    assertThatCode(() -> PeerScoreParams.standard(Map.of())).doesNotThrowAnyException();
    PeerScoreParams e = PeerScoreParams.ethereum(Map.of());
    assertThat(e.validate()).isSameAs(e); // checked when made: validate() is left for callers
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
    // defaults: gossip -10, publish -50, graylist -80
    assertInvalid(() -> PeerScoreThresholds.builder().gossipThreshold(1).build(), "gossipThreshold");
    assertInvalid(() -> PeerScoreThresholds.builder().publishThreshold(-5).build(), "publishThreshold");
    assertInvalid(() -> PeerScoreThresholds.builder().graylistThreshold(-40).build(), "graylistThreshold");
    assertInvalid(() -> PeerScoreThresholds.builder().acceptPXThreshold(-1).build(), "acceptPXThreshold");
    assertInvalid(() -> PeerScoreThresholds.builder().opportunisticGraftThreshold(-1).build(),
        "opportunisticGraftThreshold");
    assertInvalid(() -> PeerScoreThresholds.builder().gossipThreshold(Double.NaN).build(), "gossipThreshold");
    assertThatCode(() -> new PeerScoreThresholds(0, 0, 0, 0, 0)).doesNotThrowAnyException();
  }

  @Test
  void everyRecordIsCheckedWhenMadeAndTheErrorNamesTheField() {
    // the records' own constructors check: no unchecked instance exists to be validated later
    assertThatThrownBy(() -> new PeerScoreThresholds(-10, -5, -20, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid peer score thresholds: publishThreshold must be <= gossipThreshold (-10.0) and finite,"
            + " was -5.0");
    assertThatThrownBy(() -> TopicScoreParams.builder().firstMessageDeliveriesWeight(1).firstMessageDeliveriesDecay(1.5)
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid topic score params: firstMessageDeliveriesDecay must be between 0 and 1 (exclusive),"
            + " was 1.5");
    assertThatThrownBy(() -> PeerScoreParams.builder().behaviourPenaltyWeight(-1).behaviourPenaltyDecay(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid peer score params: behaviourPenaltyDecay must be between 0 and 1 (exclusive), was 0.0");
    PeerScoreParams d = PeerScoreParams.defaults();
    assertThatThrownBy(() -> new PeerScoreParams(d.topics(), -1, d.appSpecificScore(), d.appSpecificWeight(),
        d.ipColocationFactorWeight(), d.ipColocationFactorThreshold(), d.ipColocationFactorWhitelist(),
        d.behaviourPenaltyWeight(), d.behaviourPenaltyThreshold(), d.behaviourPenaltyDecay(), d.decayInterval(),
        d.decayToZero(), d.retainScore(), d.deliveryRecordTtl()))
        .hasMessageContaining("topicScoreCap");
  }

  @Test
  void theBuildersChangeOnlyWhatTheyAreTold() {
    PeerScoreThresholds e = PeerScoreThresholds.ethereum();
    PeerScoreThresholds px = e.toBuilder().acceptPXThreshold(50).build();
    assertThat(px).isEqualTo(new PeerScoreThresholds(-4000, -8000, -16000, 50, 5));
    assertThat(PeerScoreThresholds.builder().build()).isEqualTo(PeerScoreThresholds.defaults());

    TopicScoreParams t = TopicScoreParams.defaults();
    TopicScoreParams p4 = t.toBuilder().invalidMessageDeliveriesWeight(-10).invalidMessageDeliveriesDecay(0.5).build();
    assertThat(p4).isEqualTo(t.withInvalidMessageDeliveries(-10, 0.5));
    assertThat(p4.toBuilder().invalidMessageDeliveriesWeight(0).invalidMessageDeliveriesDecay(0.9).build())
        .isEqualTo(t);
    assertThat(TopicScoreParams.builder().build()).isEqualTo(t);

    PeerScoreParams g = PeerScoreParams.ethereum(Map.of("a", t));
    PeerScoreParams more = g.toBuilder().topic("b", p4).retainScore(Duration.ofMinutes(1)).build();
    assertThat(more.topics()).containsOnlyKeys("a", "b").containsEntry("b", p4);
    assertThat(more.retainScore()).isEqualTo(Duration.ofMinutes(1));
    assertThat(more.toBuilder().topics(Map.of("a", t)).retainScore(g.retainScore()).build()).isEqualTo(g);
    assertThat(g.withTopic("b", p4).withRetainScore(Duration.ofMinutes(1))).isEqualTo(more);
  }

  @Test
  void topicParamsRejectWrongSignsDecaysAndCaps() {
    TopicScoreParams d = TopicScoreParams.defaults();
    assertInvalid(() -> d.withTopicWeight(-1), "topicWeight");
    assertInvalid(() -> d.withTimeInMesh(1, Duration.ZERO, 10), "timeInMeshQuantum");
    assertInvalid(() -> d.withTimeInMesh(-1, Duration.ofSeconds(1), 10), "timeInMeshWeight");
    assertInvalid(() -> d.withTimeInMesh(1, Duration.ofSeconds(1), 0), "timeInMeshCap");
    assertInvalid(() -> d.withFirstMessageDeliveries(-1, 0.5, 10), "firstMessageDeliveriesWeight");
    assertInvalid(() -> d.withFirstMessageDeliveries(1, 1.0, 10), "firstMessageDeliveriesDecay");
    assertInvalid(() -> d.withFirstMessageDeliveries(1, 0.5, 0), "firstMessageDeliveriesCap");
    Duration s = Duration.ofSeconds(1);
    Duration w = Duration.ofMillis(5);
    assertInvalid(() -> d.withMeshMessageDeliveries(1, 0.5, 1, 2, s, w), "meshMessageDeliveriesWeight");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0, 1, 2, s, w), "meshMessageDeliveriesDecay");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 0, 2, s, w), "meshMessageDeliveriesThreshold");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 3, 2, s, w), "meshMessageDeliveriesCap");
    assertInvalid(() -> d.withMeshMessageDeliveries(-1, 0.5, 1, 2, Duration.ofMillis(999), w),
        "meshMessageDeliveriesActivation");
    assertInvalid(() -> d.withMeshMessageDeliveries(0, 0.5, 1, 2, s, Duration.ofMillis(-1)),
        "meshMessageDeliveriesWindow");
    assertInvalid(() -> d.withMeshFailurePenalty(1, 0.5), "meshFailurePenaltyWeight");
    assertInvalid(() -> d.withMeshFailurePenalty(-1, 1.5), "meshFailurePenaltyDecay");
    assertInvalid(() -> d.withInvalidMessageDeliveries(1, 0.5), "invalidMessageDeliveriesWeight");
    assertInvalid(() -> d.withInvalidMessageDeliveries(0, 0), "invalidMessageDeliveriesDecay");
    // a disabled term's companions are not checked
    assertThatCode(() -> d.withFirstMessageDeliveries(0, 7, -1)).doesNotThrowAnyException();
  }

  @Test
  void peerParamsRejectBadGlobals() {
    PeerScoreParams d = PeerScoreParams.defaults();
    assertInvalid(() -> d.withTopicScoreCap(-1), "topicScoreCap");
    assertInvalid(() -> d.withAppSpecific(p -> 0.0, Double.POSITIVE_INFINITY), "appSpecificWeight");
    assertInvalid(() -> d.withIpColocation(1, 1, List.of()), "ipColocationFactorWeight");
    assertInvalid(() -> d.withIpColocation(-1, 0, List.of()), "ipColocationFactorThreshold");
    assertInvalid(() -> d.withIpColocation(-1, 1, List.of("10.0.0.0/33")), "ipColocationFactorWhitelist");
    assertInvalid(() -> d.withIpColocation(-1, 1, List.of("example.com")), "ipColocationFactorWhitelist");
    assertInvalid(() -> d.withBehaviourPenalty(1, 0, 0.5), "behaviourPenaltyWeight");
    assertInvalid(() -> d.withBehaviourPenalty(-1, 0, 1), "behaviourPenaltyDecay");
    assertInvalid(() -> d.withBehaviourPenalty(-1, -1, 0.5), "behaviourPenaltyThreshold");
    assertInvalid(() -> d.withDecay(Duration.ofMillis(999), 0.01), "decayInterval");
    assertInvalid(() -> d.withDecay(Duration.ofSeconds(1), 0), "decayToZero");
    assertInvalid(() -> d.withRetainScore(Duration.ofSeconds(-1)), "retainScore");
    assertInvalid(() -> d.withDeliveryRecordTtl(Duration.ZERO), "deliveryRecordTtl");
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
