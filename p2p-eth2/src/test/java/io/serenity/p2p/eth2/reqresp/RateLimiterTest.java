package io.serenity.p2p.eth2.reqresp;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final PeerId A = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 1).publicKey());
  private static final PeerId B = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 2).publicKey());

  @Test
  void bucketAllowsItsBurstThenOneRequestPerRefillPeriodPerPeerAndMethod() {
    ReqRespConfig c = ReqRespConfig.defaults().withRateLimits(
        new ReqRespConfig.RateLimit(3, Duration.ofSeconds(1)),
        Map.of("/p", new ReqRespConfig.RateLimit(1, Duration.ofSeconds(10))));
    RateLimiter r = new RateLimiter(c);
    long t = 0;
    for (int i = 0; i < 3; i++) {
      assertThat(r.tryAcquire(A, "/x", t)).isTrue();
    }
    assertThat(r.tryAcquire(A, "/x", t)).isFalse();
    assertThat(r.tryAcquire(B, "/x", t)).as("other peer has its own bucket").isTrue();
    assertThat(r.tryAcquire(A, "/y", t)).as("other method has its own bucket").isTrue();
    assertThat(r.tryAcquire(A, "/x", t + 999_000_000L)).isFalse();
    assertThat(r.tryAcquire(A, "/x", t + 1_000_000_000L)).isTrue();
    assertThat(r.tryAcquire(A, "/p", t)).isTrue();
    assertThat(r.tryAcquire(A, "/p", t + 5_000_000_000L)).as("override: 1 per 10 s").isFalse();
    r.forget(A);
    assertThat(r.tryAcquire(A, "/p", t + 5_000_000_000L)).as("forgotten peer starts full").isTrue();
  }

  private static final PeerId C = PeerId.fromPublicKey(PrivateKey.fromSeed(KeyType.SECP256K1, 3).publicKey());

  @Test
  void chunkQuotasChargeTheChunksAskedForPerPeerAndForAllPeersBothOrNeither() {
    ReqRespConfig c = ReqRespConfig.defaults().withChunkQuotas(
        Map.of("/r", ReqRespConfig.RateLimit.of(10, Duration.ofSeconds(1))),
        Map.of("/r", ReqRespConfig.RateLimit.of(16, Duration.ofSeconds(1))));
    RateLimiter r = new RateLimiter(c);
    long t = 0;
    assertThat(r.tryAcquireChunks(A, "/r", 6, t)).isNull();
    assertThat(r.tryAcquireChunks(A, "/r", 6, t)).as("4 left for A").startsWith("rate limited").contains("peer");
    assertThat(r.tryAcquireChunks(A, "/r", 4, t)).isNull();
    // the global bucket has 16 - 10 = 6 left: B's first 8 do not fit although B's own bucket is full
    assertThat(r.tryAcquireChunks(B, "/r", 8, t)).startsWith("rate limited").contains("node");
    assertThat(r.tryAcquireChunks(B, "/r", 6, t)).as("both or neither: B's bucket was not charged by the refusal")
        .isNull();
    assertThat(r.tryAcquireChunks(C, "/r", 1, t)).as("global bucket empty").isNotNull();
    // one chunk every 100 ms per peer, one every 62.5 ms globally
    assertThat(r.tryAcquireChunks(C, "/r", 1, t + 62_500_000L)).isNull();
    assertThat(r.tryAcquireChunks(A, "/r", 1, t + 99_000_000L)).as("A's own bucket still empty").isNotNull();
    assertThat(r.tryAcquireChunks(A, "/r", 0, t + 200_000_000L)).as("a request for nothing costs one").isNull();
    assertThat(r.tryAcquireChunks(A, "/r", 11, t + 10_000_000_000L)).as("over the capacity: never")
        .contains("more than the per-peer quota of 10");
    assertThat(r.tryAcquireChunks(A, "/other", 1_000_000, t)).as("no quota for this method").isNull();
    r.forget(A);
    assertThat(r.tryAcquireChunks(A, "/r", 10, t + 10_000_000_000L)).isNull();
  }

  @Test
  void defaultQuotasLetEverySpecValidBlockRequestThroughOnceAndRefuseTheSecondFullByRootRequest() {
    RateLimiter r = new RateLimiter(ReqRespConfig.defaults());
    String byRange = Eth2Methods.BLOCKS_BY_RANGE_V2.protocolId();
    String byRoot = Eth2Methods.BLOCKS_BY_ROOT_V2.protocolId();
    for (int i = 0; i < 8; i++) {
      assertThat(r.tryAcquireChunks(A, byRange, 128, 0)).as("1024 blocks at once").isNull();
    }
    assertThat(r.tryAcquireChunks(A, byRange, 128, 0)).isNotNull();
    assertThat(r.tryAcquireChunks(A, byRoot, 128, 0)).isNull();
    assertThat(r.tryAcquireChunks(A, byRoot, 1, 0)).isNotNull();
    assertThat(r.tryAcquireChunks(A, byRoot, 1, Duration.ofMillis(78).toNanos())).isNotNull();
    assertThat(r.tryAcquireChunks(A, byRoot, 1, Duration.ofMillis(79).toNanos())).as("one per 10 s / 128").isNull();
  }
}
