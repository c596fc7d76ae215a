package io.serenity.p2p.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Entry point of the {@code p2p-node} command. */
@Command(
    name = "p2p-node",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A libp2p node for Ethereum consensus networks.",
    subcommands = {RunCommand.class, DevnetCommand.class, PingCommand.class, IdentityCommand.class, SimCommand.class})
public final class Main implements Runnable {

  @Option(
      names = "--log-level",
      paramLabel = "<level>",
      defaultValue = "info",
      scope = ScopeType.INHERIT,
      description = "Log level: error, warn, info (default), debug, trace or off. Logs go to stderr.")
  String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      defaultValue = "text",
      scope = ScopeType.INHERIT,
      description = "Log lines as text with a UTC timestamp (default) or one JSON object per line.")
  String logFormat;

  /** The version from the build ({@code version.properties}, filled in by Maven). */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // unknown below
    }
    return p.getProperty("version", "unknown");
  }

  /** {@code --version}: the project version of this build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"serenity-p2p " + version()};
    }
  }

  /** Applies --log-level and --log-format; usage errors name the option. */
  void configureLogging() {
    boolean json = switch (logFormat.toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> false;
      case "json" -> true;
      default -> throw new UsageException("--log-format: unknown format '" + logFormat + "' (expected text or json)");
    };
    Logging.configure(Logging.level(logLevel), json);
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Runs the command and returns its exit code: 0 success, 1 runtime failure, 2 bad usage. */
  public static int execute(String... args) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    // help as wide as the terminal (120 columns when unknown), so long values are not broken up
    cli.setUsageHelpAutoWidth(true);
    cli.setUsageHelpWidth(120);
    cli.setUsageHelpLongOptionsMaxWidth(34);
    cli.setExecutionStrategy(parseResult -> {
      try {
        main.configureLogging();
      } catch (UsageException e) {
        parseResult.commandSpec().commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
          }
          commandLine.getErr().println("error: " + e.getMessage());
          return 1;
        });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
