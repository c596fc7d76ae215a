package io.serenity.p2p.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code p2p-node} command. */
@Command(
    name = "p2p-node",
    mixinStandardHelpOptions = true,
    version = "serenity-p2p 0.1.0",
    description = "A libp2p node for Ethereum consensus networks.")
public final class Main implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
