package io.serenity.p2p.core.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A logger front that a remote peer cannot flood: each message format (the SLF4J pattern, a
 * constant of the code, so the number of keys is bounded by the code, not by peers) may log at most
 * {@code burst} lines per window; further lines in the window are counted, not printed, and the
 * next line printed for that format says how many were suppressed:
 *
 * <pre>refusing connection from /127.0.0.1:41234: inbound limit 128 reached (866 similar lines suppressed since the last one)</pre>
 *
 * <p>A node under a connection or request flood therefore logs a few lines a minute per kind of
 * event, and the counts still tell the operator how big the flood was. Thread-safe.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final int burst;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long start;
    int printed;
    long suppressed;
    long suppressedBefore; // suppressed in earlier windows, not yet reported
  }

  private RateLimitedLog(Logger log, int burst, long windowNanos, LongSupplier nanoClock) {
    this.log = Objects.requireNonNull(log, "log");
    if (burst < 1 || windowNanos <= 0) {
      throw new IllegalArgumentException("burst must be >= 1 and the window positive");
    }
    this.burst = burst;
    this.windowNanos = windowNanos;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * At most {@code burst} lines per format per minute.
   *
   * @param log the logger to write to
   * @param burst lines per format per minute
   * @return the rate-limited front
   */
  public static RateLimitedLog perMinute(Logger log, int burst) {
    return new RateLimitedLog(log, burst, TimeUnit.MINUTES.toNanos(1), System::nanoTime);
  }

  /**
   * At most {@code burst} lines per format per {@code window}, on the given clock (tests).
   *
   * @param log the logger to write to
   * @param burst lines per format per window
   * @param window the window length
   * @param nanoClock the clock, in nanoseconds
   * @return the rate-limited front
   */
  public static RateLimitedLog of(Logger log, int burst, java.time.Duration window, LongSupplier nanoClock) {
    return new RateLimitedLog(log, burst, window.toNanos(), nanoClock);
  }

  /**
   * Logs at INFO unless {@code format} used up its lines for this window.
   *
   * @param format the SLF4J pattern, a constant: it is the key the limit counts by
   * @param args the pattern's arguments
   */
  public void info(String format, Object... args) {
    log(Level.INFO, format, args);
  }

  /**
   * Logs at WARN unless {@code format} used up its lines for this window.
   *
   * @param format the SLF4J pattern, a constant: it is the key the limit counts by
   * @param args the pattern's arguments
   */
  public void warn(String format, Object... args) {
    log(Level.WARN, format, args);
  }

  /**
   * Logs at DEBUG unless {@code format} used up its lines for this window.
   *
   * @param format the SLF4J pattern, a constant: it is the key the limit counts by
   * @param args the pattern's arguments
   */
  public void debug(String format, Object... args) {
    log(Level.DEBUG, format, args);
  }

  /**
   * Lines of {@code format} suppressed so far and not yet reported in a printed line.
   *
   * @param format the SLF4J pattern
   * @return how many lines
   */
  public long suppressed(String format) {
    Window w = windows.get(format);
    if (w == null) {
      return 0;
    }
    synchronized (w) {
      return w.suppressed + w.suppressedBefore;
    }
  }

  private void log(Level level, String format, Object[] args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    long now = nanoClock.getAsLong();
    Window w = windows.computeIfAbsent(format, f -> {
      Window x = new Window();
      x.start = now;
      return x;
    });
    long report;
    synchronized (w) {
      if (now - w.start >= windowNanos) {
        w.suppressedBefore += w.suppressed;
        w.suppressed = 0;
        w.printed = 0;
        w.start = now;
      }
      if (w.printed >= burst) {
        w.suppressed++;
        return;
      }
      w.printed++;
      report = w.suppressedBefore;
      w.suppressedBefore = 0;
    }
    if (report == 0) {
      log.atLevel(level).log(format, args);
    } else {
      Object[] more = java.util.Arrays.copyOf(args, args.length + 1);
      more[args.length] = report;
      // a trailing Throwable stays last so SLF4J still prints its stack trace
      if (args.length > 0 && args[args.length - 1] instanceof Throwable t) {
        more[args.length - 1] = report;
        more[args.length] = t;
      }
      log.atLevel(level).log(format + " ({} similar lines suppressed since the last one)", more);
    }
  }
}
