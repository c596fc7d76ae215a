package io.serenity.p2p.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command's log set-up before its options are read: INFO and above, one text line per event on
 * stderr with a UTC timestamp ({@link Logging#TEXT_PATTERN}); the log level and format options
 * replace it at start. Found by logback through {@code META-INF/services}, in code rather than a
 * {@code logback.xml}: parsing XML loaded a parser and logback's configuration model, about 400
 * classes, in every run of the command.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  /** Called by logback's service loader. */
  public LogConfigurator() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging.configure(context, Level.INFO, false);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
