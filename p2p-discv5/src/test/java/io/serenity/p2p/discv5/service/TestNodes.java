package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.crypto.RandomSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Services on 127.0.0.1 for tests, stopped together. */
final class TestNodes {

  static final long TIMEOUT_S = 30;
  private final List<Discv5Service> started = new ArrayList<>();

  /**
   * A config for loopback: no per-IP limits, revalidation out of the way, and request and challenge
   * timeouts of 5 s so that a starved CPU (tests run at idle priority beside other work) cannot fail
   * a request that would succeed.
   */
  static Discv5Config.Builder config(byte[] key) {
    return Discv5Config.builder(key).noIpLimits().revalidation(Duration.ofHours(1), Duration.ofHours(1))
        .requestTimeout(Duration.ofSeconds(5)).challenges(1000, Duration.ofSeconds(5));
  }

  static byte[] newKey() {
    return RandomSource.secure().ephemeralKey();
  }

  Discv5Service start() throws Exception {
    return start(newKey(), UnaryOperator.identity());
  }

  Discv5Service start(byte[] key, UnaryOperator<Discv5Config.Builder> tweak) throws Exception {
    Discv5Service s = new Discv5Service(tweak.apply(config(key)).build());
    s.start().get(TIMEOUT_S, TimeUnit.SECONDS);
    started.add(s);
    return s;
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  void close() throws Exception {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Discv5Service s : started) {
      stops.add(s.stop());
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
  }
}
