package io.serenity.p2p.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command's log output: stderr, one line per event, a UTC timestamp; as text or as one JSON
 * object per line ({@code ts}, {@code level}, {@code logger}, {@code thread}, {@code msg}, and
 * {@code error} with the stack trace when there is one) for log shippers.
 */
final class Logging {

  /** The text line: {@code 2026-12-05T12:00:00.123Z INFO  Host - message}. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{0} - %msg%n";

  private Logging() {}

  /** The level a --log-level value names. */
  static Level level(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "info" -> Level.INFO;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      case "off" -> Level.OFF;
      default -> throw new UsageException(
          "--log-level: unknown level '" + name + "' (expected error, warn, info, debug, trace or off)");
    };
  }

  /**
   * Replaces the log configuration: {@code level} for everything, text or JSON lines on stderr. Does
   * nothing when SLF4J is bound to another backend (an application embedding the command).
   */
  static void configure(Level level, boolean json) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ctx.reset();
    configure(ctx, level, json);
  }

  /** Gives {@code ctx} one stderr appender, text or JSON lines, and {@code level} at the root. */
  static void configure(LoggerContext ctx, Level level, boolean json) {
    LayoutBase<ILoggingEvent> layout;
    if (json) {
      layout = new JsonLineLayout();
    } else {
      PatternLayout p = new PatternLayout();
      p.setPattern(TEXT_PATTERN);
      layout = p;
    }
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(appender);
  }

  /** Sets one logger's level (e.g. quieter hosts in a devnet); ignored without logback. */
  static void setLevel(String logger, Level level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(logger).setLevel(level);
    }
  }

  /** One JSON object per event. */
  static final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    @Override
    public String doLayout(ILoggingEvent e) {
      java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
      o.put("ts", Instant.ofEpochMilli(e.getTimeStamp()).toString());
      o.put("level", e.getLevel().toString());
      o.put("logger", e.getLoggerName());
      o.put("thread", e.getThreadName());
      o.put("msg", e.getFormattedMessage());
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        o.put("error", ThrowableProxyUtil.asString(t));
      }
      return EventPrinter.write(o) + System.lineSeparator();
    }
  }
}
