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
}
