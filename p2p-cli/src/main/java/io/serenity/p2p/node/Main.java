package io.serenity.p2p.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code p2p-node} command. */
@Command(
    name = "p2p-node",
    mixinStandardHelpOptions = true,
    version = "serenity-p2p 0.1.0",
    description = "A libp2p node for Ethereum consensus networks.",
    subcommands = {RunCommand.class, DevnetCommand.class, PingCommand.class, IdentityCommand.class, SimCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Runs the command and returns its exit code: 0 success, 1 runtime failure, 2 bad usage. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
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
