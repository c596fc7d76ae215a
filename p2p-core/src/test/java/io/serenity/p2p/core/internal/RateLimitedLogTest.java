package io.serenity.p2p.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RateLimitedLogTest {

  /** Records formatted lines. */
  static final class Capture extends AbstractLogger {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<Throwable> thrown = new CopyOnWriteArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
      if (t != null) {
        thrown.add(t);
      }
    }

    @Override public boolean isTraceEnabled() { return false; }
    @Override public boolean isTraceEnabled(Marker m) { return false; }
    @Override public boolean isDebugEnabled() { return false; }
    @Override public boolean isDebugEnabled(Marker m) { return false; }
    @Override public boolean isInfoEnabled() { return true; }
    @Override public boolean isInfoEnabled(Marker m) { return true; }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public boolean isWarnEnabled(Marker m) { return true; }
    @Override public boolean isErrorEnabled() { return true; }
    @Override public boolean isErrorEnabled(Marker m) { return true; }
  }

  @Test
  void aFloodOfOneKindOfLinePrintsTheBurstThenReportsWhatItSuppressed() {
    Capture cap = new Capture();
    AtomicLong now = new AtomicLong();
    RateLimitedLog log = RateLimitedLog.of(cap, 3, Duration.ofSeconds(60), now::get);
    for (int i = 0; i < 1000; i++) {
      log.info("refusing connection from {}: inbound limit {} reached", "peer" + i, 128);
    }
    assertThat(cap.lines).containsExactly(
        "INFO refusing connection from peer0: inbound limit 128 reached",
        "INFO refusing connection from peer1: inbound limit 128 reached",
        "INFO refusing connection from peer2: inbound limit 128 reached");
    assertThat(log.suppressed("refusing connection from {}: inbound limit {} reached")).isEqualTo(997);

    now.addAndGet(Duration.ofSeconds(61).toNanos());
    log.info("refusing connection from {}: inbound limit {} reached", "late", 128);
    assertThat(cap.lines).hasSize(4);
    assertThat(cap.lines.get(3)).isEqualTo(
        "INFO refusing connection from late: inbound limit 128 reached (997 similar lines suppressed since the last one)");
    assertThat(log.suppressed("refusing connection from {}: inbound limit {} reached")).isZero();
  }

  @Test
  void eachFormatHasItsOwnBudgetAndAThrowableKeepsItsStackTrace() {
    Capture cap = new Capture();
    AtomicLong now = new AtomicLong();
    RateLimitedLog log = RateLimitedLog.of(cap, 1, Duration.ofSeconds(10), now::get);
    log.warn("a {}", 1);
    log.warn("a {}", 2);
    log.warn("b {}", 1);
    assertThat(cap.lines).containsExactly("WARN a 1", "WARN b 1");
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    IllegalStateException boom = new IllegalStateException("boom");
    log.warn("a {}", 3, boom);
    assertThat(cap.lines.get(2)).isEqualTo("WARN a 3 (1 similar lines suppressed since the last one)");
    assertThat(cap.thrown).containsExactly(boom);
  }

  @Test
  void disabledLevelsCostNothingAndCountNothing() {
    Capture cap = new Capture();
    RateLimitedLog log = RateLimitedLog.perMinute(cap, 1);
    for (int i = 0; i < 10; i++) {
      log.debug("d {}", i);
    }
    assertThat(cap.lines).isEmpty();
    assertThat(log.suppressed("d {}")).isZero();
  }
}
