package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.pubsub.PeerScore.RejectReason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each score term in isolation, then decay, retention, caps and one hand-computed scenario. */
class PeerScoreTest {

  private static final String T = "topic";
  private static final double EPS = 1e-9;
  private static final PeerId A = peer(1);
  private static final PeerId B = peer(2);
  private static final PeerId C = peer(3);
  private static final PeerId D = peer(4);

  private long now = 1_000_000_000L; // arbitrary origin: only differences matter

  private static PeerId peer(int seed) {
    return PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.ED25519, seed).publicKey());
  }

  private static MessageId id(int n) {
    return new MessageId(ByteBuffer.allocate(4).putInt(n).array());
  }

  private void advance(Duration d) {
    now += d.toNanos();
  }

  private PeerScore scorer(PeerScoreParams params, PeerId... connected) {
    PeerScore s = new PeerScore(params, () -> now);
    for (PeerId p : connected) {
      s.addPeer(p, "/meshsub/1.1.0");
    }
    return s;
  }

  private PeerScore scorer(TopicScoreParams topic, PeerId... connected) {
    return scorer(PeerScoreParams.defaults().withTopic(T, topic), connected);
  }

  /** {@code from} is the first to send {@code id}, and validation accepts it. */
  private static void firstDelivery(PeerScore s, PeerId from, int id) {
    s.validateMessage(from, id(id), T);
    s.deliverMessage(from, id(id), T);
  }

  private static void invalid(PeerScore s, PeerId from, int id) {
    s.validateMessage(from, id(id), T);
    s.rejectMessage(from, id(id), T, RejectReason.VALIDATION_FAILED);
  }

  // ---- P1 ----

  @Test
  void p1GrowsOnePointPerQuantumInMeshUpToTheCap() {
    PeerScore s = scorer(TopicScoreParams.defaults().withTimeInMesh(0.5, Duration.ofSeconds(1), 10), A);
    s.graft(A, T);
    assertThat(s.score(A)).isZero();
    advance(Duration.ofMillis(999));
    assertThat(s.score(A)).isZero(); // whole quanta only
    advance(Duration.ofMillis(1));
    assertThat(s.score(A)).isCloseTo(0.5, within(EPS));
    advance(Duration.ofSeconds(3));
    assertThat(s.score(A)).isCloseTo(2.0, within(EPS));
    advance(Duration.ofSeconds(100));
    assertThat(s.score(A)).isCloseTo(5.0, within(EPS)); // cap 10 quanta x 0.5
    s.prune(A, T);
    assertThat(s.score(A)).isZero(); // only while in the mesh
  }

  @Test
  void p1IgnoresTopicsWithoutParameters() {
    PeerScore s = scorer(TopicScoreParams.defaults().withTimeInMesh(1, Duration.ofSeconds(1), 10), A);
    s.graft(A, "unscored");
    advance(Duration.ofSeconds(5));
    assertThat(s.score(A)).isZero();
  }

  // ---- P2 ----

  @Test
  void p2CountsFirstDeliveriesOnlyDecaysAndCaps() {
    PeerScore s = scorer(TopicScoreParams.defaults().withFirstMessageDeliveries(1.0, 0.5, 3), A, B);
    firstDelivery(s, A, 1);
    firstDelivery(s, A, 2);
    s.duplicateMessage(B, id(2), T);
    assertThat(s.score(A)).isCloseTo(2.0, within(EPS));
    assertThat(s.score(B)).isZero(); // a duplicate is not a first delivery
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(1.0, within(EPS));
    for (int i = 10; i < 15; i++) {
      firstDelivery(s, A, i);
    }
    assertThat(s.score(A)).isCloseTo(3.0, within(EPS)); // capped at increment time
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(1.5, within(EPS));
  }

  @Test
  void p2NotCreditedWhenValidationRejectsOrIgnores() {
    PeerScore s = scorer(TopicScoreParams.defaults().withFirstMessageDeliveries(1.0, 0.5, 3), A);
    s.validateMessage(A, id(1), T);
    s.rejectMessage(A, id(1), T, RejectReason.VALIDATION_IGNORED);
    s.deliverMessage(A, id(1), T); // out of order: ignored
    assertThat(s.score(A)).isZero();
  }

  // ---- P3 ----

  private static TopicScoreParams p3Only() {
    // threshold 4, cap 10, activation 5 s, window 10 ms, weight -1
    return TopicScoreParams.defaults()
        .withMeshMessageDeliveries(-1, 0.5, 4, 10, Duration.ofSeconds(5), Duration.ofMillis(10));
  }

  @Test
  void p3DeficitSquaredOnlyAfterActivation() {
    PeerScore s = scorer(p3Only(), A);
    s.graft(A, T);
    advance(Duration.ofSeconds(5));
    assertThat(s.score(A)).isZero(); // activation is "more than 5 s in the mesh"
    advance(Duration.ofNanos(1));
    assertThat(s.score(A)).isCloseTo(-16, within(EPS)); // (4 - 0)^2
    firstDelivery(s, A, 1);
    assertThat(s.score(A)).isCloseTo(-9, within(EPS)); // (4 - 1)^2
  }

  @Test
  void p3CountsNearFirstDeliveriesWithinTheWindowAndDuringValidation() {
    PeerScore s = scorer(p3Only(), A, B);
    s.graft(A, T);
    advance(Duration.ofSeconds(6));
    assertThat(s.score(A)).isCloseTo(-16, within(EPS));

    firstDelivery(s, B, 1); // B (not in the mesh) was first
    advance(Duration.ofMillis(10));
    s.duplicateMessage(A, id(1), T); // exactly at the window edge: counts
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    s.duplicateMessage(A, id(1), T); // second copy from the same peer: no double credit
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));

    firstDelivery(s, B, 2);
    advance(Duration.ofMillis(11));
    s.duplicateMessage(A, id(2), T); // too late: a replay of what we forwarded
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));

    s.validateMessage(B, id(3), T);
    s.duplicateMessage(A, id(3), T); // while validating: credited once validation accepts
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    advance(Duration.ofSeconds(1)); // validation takes long; still counts
    s.deliverMessage(B, id(3), T);
    assertThat(s.score(A)).isCloseTo(-4, within(EPS));

    firstDelivery(s, A, 4);
    firstDelivery(s, A, 5);
    assertThat(s.score(A)).isZero(); // at the threshold: no deficit
    assertThat(s.score(B)).isZero(); // not in the mesh: P3 never applies
  }

  @Test
  void p3StopsWhenThePeerLeavesTheMesh() {
    PeerScore s = scorer(p3Only(), A);
    s.graft(A, T);
    advance(Duration.ofSeconds(6));
    s.prune(A, T);
    assertThat(s.score(A)).isZero(); // P3b weight is 0 here, and P3 applies only in the mesh
  }

  // ---- P3b ----

  @Test
  void p3bStickyPenaltyOnPruneWithActiveDeficit() {
    TopicScoreParams tp = p3Only().withMeshFailurePenalty(-2, 0.5);
    PeerScore s = scorer(tp, A, B);
    s.graft(A, T);
    s.graft(B, T);
    advance(Duration.ofSeconds(6));
    firstDelivery(s, A, 1);
    s.prune(A, T);
    assertThat(s.score(A)).isCloseTo(-18, within(EPS)); // P3b counter (4 - 1)^2 = 9, weight -2
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(-9, within(EPS)); // decayed to 4.5
    s.graft(A, T);
    assertThat(s.score(A)).isCloseTo(-9, within(EPS)); // sticky across a re-graft

    PeerScore early = scorer(tp, C);
    early.graft(C, T);
    advance(Duration.ofSeconds(5));
    early.prune(C, T); // not yet active: no penalty
    assertThat(early.score(C)).isZero();

    PeerScore good = scorer(tp, D);
    good.graft(D, T);
    advance(Duration.ofSeconds(6));
    for (int i = 0; i < 4; i++) {
      firstDelivery(good, D, 100 + i);
    }
    good.prune(D, T); // delivered enough: no penalty
    assertThat(good.score(D)).isZero();
  }

  // ---- P4 ----

  @Test
  void p4InvalidDeliveriesSquaredForSenderAndEveryCopy() {
    PeerScore s = scorer(TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5), A, B, C);
    invalid(s, A, 1);
    invalid(s, A, 2);
    assertThat(s.score(A)).isCloseTo(-4, within(EPS));

    s.validateMessage(A, id(3), T);
    s.duplicateMessage(B, id(3), T); // B forwarded it while we validated
    s.rejectMessage(A, id(3), T, RejectReason.VALIDATION_FAILED);
    s.duplicateMessage(C, id(3), T); // C forwards it after we know it is invalid
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    assertThat(s.score(B)).isCloseTo(-1, within(EPS));
    assertThat(s.score(C)).isCloseTo(-1, within(EPS));

    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(-2.25, within(EPS)); // (3 * 0.5)^2
  }

  @Test
  void p4NotChargedForIgnoredThrottledOrQueueFullMessages() {
    PeerScore s = scorer(TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5), A, B);
    s.validateMessage(A, id(1), T);
    s.duplicateMessage(B, id(1), T);
    s.rejectMessage(A, id(1), T, RejectReason.VALIDATION_IGNORED);
    s.duplicateMessage(B, id(1), T);
    s.validateMessage(A, id(2), T);
    s.rejectMessage(A, id(2), T, RejectReason.VALIDATION_THROTTLED);
    s.duplicateMessage(B, id(2), T);
    s.rejectMessage(A, id(3), T, RejectReason.VALIDATION_QUEUE_FULL);
    s.rejectMessage(A, id(4), T, RejectReason.BLACKLISTED_SOURCE);
    assertThat(s.score(A)).isZero();
    assertThat(s.score(B)).isZero();
  }

  @Test
  void p4ChargesOnlyTheSenderForSignatureAndPolicyFailures() {
    PeerScore s = scorer(TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5), A, B);
    s.rejectMessage(A, null, T, RejectReason.INVALID_SIGNATURE); // id untrusted: may be absent
    s.rejectMessage(A, id(5), T, RejectReason.MISSING_SIGNATURE);
    s.rejectMessage(A, id(6), T, RejectReason.SELF_ORIGIN);
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    s.duplicateMessage(B, id(5), T); // no record was made, so a copy is just pending
    assertThat(s.score(B)).isZero();
    assertThat(RejectReason.of(ValidationResult.REJECT)).isEqualTo(RejectReason.VALIDATION_FAILED);
    assertThat(RejectReason.of(ValidationResult.IGNORE)).isEqualTo(RejectReason.VALIDATION_IGNORED);
    assertThat(RejectReason.SELF_ORIGIN.penalisesSender()).isTrue();
    assertThat(RejectReason.VALIDATION_THROTTLED.penalisesSender()).isFalse();
  }

  // ---- P5 ----

  @Test
  void p5AppSpecificScoreTimesWeight() {
    PeerScoreParams params = PeerScoreParams.defaults().withAppSpecific(p -> p.equals(A) ? -3.0 : 2.0, 2.0);
    PeerScore s = scorer(params, A, B);
    assertThat(s.score(A)).isCloseTo(-6, within(EPS));
    assertThat(s.score(B)).isCloseTo(4, within(EPS));
    assertThat(s.score(C)).isZero(); // untracked peers score 0
  }

  // ---- P6 ----

  @Test
  void p6SurplusOverThresholdSquaredPerIp() {
    PeerScoreParams params = PeerScoreParams.defaults().withIpColocation(-1, 2, List.of("10.1.0.0/16"));
    PeerScore s = scorer(params, A, B, C, D);
    for (PeerId p : List.of(A, B, C)) {
      s.setIps(p, List.of("192.0.2.1"));
    }
    assertThat(s.score(A)).isCloseTo(-1, within(EPS)); // 3 peers, threshold 2: (3-2)^2
    s.setIps(D, List.of("192.0.2.1"));
    assertThat(s.score(A)).isCloseTo(-4, within(EPS)); // (4-2)^2
    assertThat(s.score(D)).isCloseTo(-4, within(EPS));
    s.setIps(D, List.of("192.0.2.2"));
    assertThat(s.score(A)).isCloseTo(-1, within(EPS));
    assertThat(s.score(D)).isZero();
  }

  @Test
  void p6WhitelistLoopbackAndUnparseableAddressesExempt() {
    PeerScoreParams params = PeerScoreParams.defaults().withIpColocation(-1, 1, List.of("10.1.0.0/16"));
    PeerScore s = scorer(params, A, B, C);
    for (PeerId p : List.of(A, B, C)) {
      s.setIps(p, List.of("10.1.2.3", "127.0.0.1", "::1", "not-an-ip.example"));
    }
    assertThat(s.score(A)).isZero();
  }

  @Test
  void p6CountsIpv6PeersSharingASlash64() {
    PeerScoreParams params = PeerScoreParams.defaults().withIpColocation(-1, 2, List.of());
    PeerScore s = scorer(params, A, B, C);
    s.setIps(A, List.of("2001:db8:0:1::a"));
    s.setIps(B, List.of("2001:db8:0:1::b"));
    s.setIps(C, List.of("2001:db8:0:1:ffff::c"));
    assertThat(s.score(A)).isCloseTo(-1, within(EPS)); // own address alone, /64 shared by 3
  }

  // ---- P7 ----

  @Test
  void p7ExcessOverThresholdSquaredAndDecayed() {
    PeerScoreParams params = PeerScoreParams.defaults().withBehaviourPenalty(-1, 2, 0.5);
    PeerScore s = scorer(params, A);
    s.addPenalty(A, 2);
    assertThat(s.score(A)).isZero(); // at the threshold
    s.addPenalty(A, 4);
    assertThat(s.score(A)).isCloseTo(-16, within(EPS)); // (6-2)^2
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(-1, within(EPS)); // (3-2)^2
    s.addPenalty(B, 100); // untracked: ignored
    assertThat(s.score(B)).isZero();
  }

  // ---- decay ----

  @Test
  void decayToZeroClearsSmallCounters() {
    PeerScoreParams params = PeerScoreParams.defaults()
        .withDecay(Duration.ofSeconds(1), 0.1)
        .withTopic(T, TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 10));
    PeerScore s = scorer(params, A);
    firstDelivery(s, A, 1);
    s.refreshScores();
    s.refreshScores();
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(0.125, within(EPS));
    s.refreshScores(); // 0.0625 < 0.1
    assertThat(s.score(A)).isEqualTo(0.0);
  }

  // ---- retention ----

  @Test
  void negativeScoreSurvivesReconnectWithinRetainScoreAndIsForgottenAfter() {
    PeerScoreParams params = PeerScoreParams.defaults()
        .withRetainScore(Duration.ofMinutes(10))
        .withTopic(T, TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5));
    PeerScore s = scorer(params, A);
    invalid(s, A, 1);
    invalid(s, A, 2);
    invalid(s, A, 3);
    s.removePeer(A);
    assertThat(s.isTracked(A)).isTrue();
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    advance(Duration.ofMinutes(9));
    s.refreshScores(); // retained counters do not decay
    assertThat(s.score(A)).isCloseTo(-9, within(EPS));
    s.addPeer(A, "/meshsub/1.1.0");
    assertThat(s.score(A)).isCloseTo(-9, within(EPS)); // reconnecting does not launder it
    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(-2.25, within(EPS)); // decays again once connected

    s.removePeer(A);
    advance(Duration.ofMinutes(10));
    s.refreshScores();
    assertThat(s.isTracked(A)).isTrue(); // exactly at expiry: still kept
    advance(Duration.ofNanos(1));
    s.refreshScores();
    assertThat(s.isTracked(A)).isFalse();
    s.addPeer(A, "/meshsub/1.1.0");
    assertThat(s.score(A)).isZero();
  }

  @Test
  void positiveScoreIsForgottenOnDisconnect() {
    PeerScore s = scorer(TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 10), A);
    firstDelivery(s, A, 1);
    s.removePeer(A);
    assertThat(s.isTracked(A)).isFalse();
    assertThat(s.snapshot()).doesNotContainKey(A);
  }

  @Test
  void disconnectTurnsAnActiveMeshDeficitIntoP3bAndDropsFirstDeliveries() {
    TopicScoreParams tp = p3Only().withMeshFailurePenalty(-1, 0.5).withFirstMessageDeliveries(1, 0.5, 10);
    PeerScore s = scorer(tp, A);
    s.graft(A, T);
    advance(Duration.ofSeconds(6));
    firstDelivery(s, A, 1); // P2 +1, P3 deficit (4-1)^2 = 9: score 1 - 9 = -8
    assertThat(s.score(A)).isCloseTo(-8, within(EPS));
    s.removePeer(A);
    assertThat(s.score(A)).isCloseTo(-9, within(EPS)); // P2 zeroed, P3 gone, P3b 9
  }

  @Test
  void retainedPeerStillCountsForColocationUntilForgotten() {
    PeerScoreParams params = PeerScoreParams.defaults()
        .withIpColocation(-1, 1, List.of())
        .withRetainScore(Duration.ofSeconds(30));
    PeerScore s = scorer(params, A, B);
    s.setIps(A, List.of("192.0.2.9"));
    s.setIps(B, List.of("192.0.2.9"));
    assertThat(s.score(B)).isCloseTo(-1, within(EPS));
    s.removePeer(A); // A's score is -1: retained, IP still tracked (as go)
    assertThat(s.score(B)).isCloseTo(-1, within(EPS));
    advance(Duration.ofSeconds(31));
    s.refreshScores();
    assertThat(s.score(B)).isZero();
  }

  // ---- caps ----

  @Test
  void topicScoreCapLimitsOnlyThePositiveTopicSum() {
    TopicScoreParams tp = TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 5);
    PeerScoreParams params = PeerScoreParams.defaults()
        .withTopic("t1", tp)
        .withTopic("t2", tp)
        .withTopicScoreCap(7)
        .withAppSpecific(p -> 10.0, 1)
        .withBehaviourPenalty(-1, 0, 0.5);
    PeerScore s = scorer(params, A);
    for (int i = 0; i < 5; i++) {
      for (String topic : List.of("t1", "t2")) {
        MessageId m = id(i * 10 + topic.hashCode());
        s.validateMessage(A, m, topic);
        s.deliverMessage(A, m, topic);
      }
    }
    // topics 5 + 5 = 10, capped to 7; P5 +10 is outside the cap
    assertThat(s.score(A)).isCloseTo(17, within(EPS));
    s.addPenalty(A, 2);
    assertThat(s.score(A)).isCloseTo(13, within(EPS)); // P7 -4 is outside the cap too
  }

  @Test
  void setTopicParamsRecapsExistingCounters() {
    PeerScore s = scorer(TopicScoreParams.defaults().withFirstMessageDeliveries(1, 0.5, 10), A);
    for (int i = 0; i < 8; i++) {
      firstDelivery(s, A, i);
    }
    assertThat(s.score(A)).isCloseTo(8, within(EPS));
    s.setTopicParams(T, TopicScoreParams.defaults().withFirstMessageDeliveries(2, 0.5, 3));
    assertThat(s.score(A)).isCloseTo(6, within(EPS)); // clipped to 3, new weight 2
  }

  // ---- delivery records ----

  @Test
  void deliveryRecordsExpireAfterTheirTtl() {
    PeerScoreParams params = PeerScoreParams.defaults()
        .withDeliveryRecordTtl(Duration.ofSeconds(120))
        .withTopic(T, TopicScoreParams.defaults().withInvalidMessageDeliveries(-1, 0.5));
    PeerScore s = scorer(params, A, B);
    invalid(s, A, 1);
    advance(Duration.ofSeconds(60));
    invalid(s, A, 2);
    assertThat(s.deliveryRecordCount()).isEqualTo(2);
    advance(Duration.ofSeconds(61));
    s.refreshScores();
    assertThat(s.deliveryRecordCount()).isEqualTo(1);
    s.duplicateMessage(B, id(1), T); // record 1 is gone: B is not penalised for it
    s.duplicateMessage(B, id(2), T); // record 2 still says invalid
    assertThat(s.score(B)).isCloseTo(-1, within(EPS));
  }

  @Test
  void invalidParamsCannotReachAScorer() {
    // invalid params cannot even be made, so no scorer can run on them
    assertThatThrownBy(() -> new PeerScore(PeerScoreParams.defaults().withDecay(Duration.ofMillis(10), 0.01), () -> now))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decayInterval");
  }

  // ---- everything together ----

  /**
   * One topic "blocks" (weight 0.5) with P1 w=1 per 1 s cap 10; P2 w=2 decay 0.5 cap 10; P3 w=-1
   * decay 0.5 threshold 4 cap 8 activation 3 s window 100 ms; P3b w=-1 decay 0.5; P4 w=-10 decay
   * 0.5. Globals: cap 20, P5 = 1 for every peer with w=1, P6 w=-2 threshold 1, P7 w=-1 threshold 1
   * decay 0.5. Peers A (in the mesh) and B (not) share one IP.
   *
   * <pre>
   * t=0   A, B share 192.0.2.1: P6 = (2-1)^2 = 1 for each.
   *       m1 first from A (A in mesh): A P2=1, P3=1. m2 first from B, A's copy during validation: A P3=2.
   * t=5s  A: P1=5, P2=1, P3 active (5s &gt; 3s), deficit 4-2=2 -&gt; 4.
   *       topic = 1*5 + 2*1 - 1*4 = 3, * 0.5 = 1.5; total = 1.5 + 1 (P5) - 2 (P6) = 0.5
   *       B: topic = 2*1 = 2, * 0.5 = 1; total = 1 + 1 - 2 = 0
   *       addPenalty(A, 3): P7 = (3-1)^2 = 4 -&gt; A = 0.5 - 4 = -3.5
   *       m3 from A rejected: P4 counter 1 -&gt; topic = 3 - 10 = -7, * 0.5 = -3.5;
   *       A = -3.5 + 1 - 2 - 4 = -8.5
   *       refreshScores: P2 0.5, P3 1, P4 0.5, P7 1.5 (A); B P2 0.5
   *       A topic = 5 + 2*0.5 - (4-1)^2 - 10*0.25 = 5 + 1 - 9 - 2.5 = -5.5, * 0.5 = -2.75;
   *       P7 = (1.5-1)^2 = 0.25; A = -2.75 + 1 - 2 - 0.25 = -4
   *       B = 0.5 + 1 - 2 = -0.5
   *       prune A: P3b += 9; P1 and P3 stop. topic = 1 - 9 - 2.5 = -10.5, * 0.5 = -5.25;
   *       A = -5.25 + 1 - 2 - 0.25 = -6.5
   * </pre>
   */
  @Test
  void combinedScenarioMatchesHandComputedScores() {
    TopicScoreParams blocks = TopicScoreParams.defaults()
        .withTopicWeight(0.5)
        .withTimeInMesh(1, Duration.ofSeconds(1), 10)
        .withFirstMessageDeliveries(2, 0.5, 10)
        .withMeshMessageDeliveries(-1, 0.5, 4, 8, Duration.ofSeconds(3), Duration.ofMillis(100))
        .withMeshFailurePenalty(-1, 0.5)
        .withInvalidMessageDeliveries(-10, 0.5);
    PeerScoreParams params = PeerScoreParams.defaults()
        .withTopics(Map.of("blocks", blocks))
        .withTopicScoreCap(20)
        .withAppSpecific(p -> 1.0, 1)
        .withIpColocation(-2, 1, List.of())
        .withBehaviourPenalty(-1, 1, 0.5)
        .validate();
    PeerScore s = scorer(params, A, B);
    s.setIps(A, List.of("192.0.2.1"));
    s.setIps(B, List.of("192.0.2.1"));
    s.graft(A, "blocks");

    s.validateMessage(A, id(1), "blocks");
    s.deliverMessage(A, id(1), "blocks");
    s.validateMessage(B, id(2), "blocks");
    s.duplicateMessage(A, id(2), "blocks");
    s.deliverMessage(B, id(2), "blocks");

    advance(Duration.ofSeconds(5));
    assertThat(s.score(A)).isCloseTo(0.5, within(EPS));
    assertThat(s.score(B)).isCloseTo(0.0, within(EPS));

    s.addPenalty(A, 3);
    assertThat(s.score(A)).isCloseTo(-3.5, within(EPS));

    s.validateMessage(A, id(3), "blocks");
    s.rejectMessage(A, id(3), "blocks", RejectReason.VALIDATION_FAILED);
    assertThat(s.score(A)).isCloseTo(-8.5, within(EPS));

    s.refreshScores();
    assertThat(s.score(A)).isCloseTo(-4.0, within(EPS));
    assertThat(s.score(B)).isCloseTo(-0.5, within(EPS));

    s.prune(A, "blocks");
    assertThat(s.score(A)).isCloseTo(-6.5, within(EPS));
    assertThat(s.snapshot()).containsOnlyKeys(A, B);
  }
}
