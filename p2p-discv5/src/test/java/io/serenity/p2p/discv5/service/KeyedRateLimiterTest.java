package io.serenity.p2p.discv5.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

  @Test
  void burstThenRefillPerIpAndBoundedTracking() throws Exception {
    KeyedRateLimiter<InetAddress> limiter = new KeyedRateLimiter<InetAddress>(10, 20, 3);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    int allowed = 0;
    for (int i = 0; i < 100; i++) {
      if (limiter.allow(a, 0)) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(20);
    assertThat(limiter.allow(a, 100_000_000L)).isTrue(); // 0.1 s = one token
    assertThat(limiter.allow(a, 100_000_000L)).isFalse();
    for (int i = 2; i < 10; i++) {
      assertThat(limiter.allow(InetAddress.getByName("192.0.2." + i), 0)).isTrue();
    }
    assertThat(limiter.size()).isEqualTo(3);
    KeyedRateLimiter<InetAddress> off = new KeyedRateLimiter<InetAddress>(0, 20, 3);
    for (int i = 0; i < 100; i++) {
      assertThat(off.allow(a, 0)).isTrue();
    }
    assertThat(off.size()).isZero();
  }
}
