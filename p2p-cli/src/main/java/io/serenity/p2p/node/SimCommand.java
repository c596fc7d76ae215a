package io.serenity.p2p.node;

import io.serenity.p2p.sim.Outputs;
import io.serenity.p2p.sim.Report;
import io.serenity.p2p.sim.Scenario;
import io.serenity.p2p.sim.ScenarioException;
import io.serenity.p2p.sim.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p2p-node sim}: runs a gossip simulation scenario (the production routers on virtual time). */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Run a simulation scenario (JSON, see docs/simulation.md) with the real gossipsub/floodsub routers",
        "on a virtual network, and print delivery ratio, latency percentiles, hops, duplicates, bandwidth",
        "and control overhead. With --compare, run a second scenario and show both side by side.",
        "With --out, also write summary.txt, summary.json and plots (SVG and PNG) into that folder."})
final class SimCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<scenario.json>", description = "The scenario file.")
  Path scenario;

  @Option(names = "--compare", paramLabel = "<other.json>", description = "A second scenario to run and compare.")
  Path compare;

  @Option(names = "--out", paramLabel = "<dir>", description = "Folder for summary.txt, summary.json and the plots.")
  Path out;

  @Option(names = "--json", description = "Print the summary as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Path> files = new ArrayList<>(List.of(scenario));
    if (compare != null) {
      files.add(compare);
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Path f : files) {
      scenarios.add(load(f));
    }
    List<Report> reports = new ArrayList<>();
    for (Scenario s : scenarios) {
      Report r = Simulator.run(s);
      System.err.println(s.name() + ": " + r.performance());
      reports.add(r);
    }
    System.out.print(json ? Outputs.json(reports) : Outputs.text(reports));
    if (out != null) {
      for (Path p : Outputs.write(out, reports)) {
        System.err.println("wrote " + p);
      }
    }
    return 0;
  }

  private static Scenario load(Path f) {
    if (!Files.isRegularFile(f)) {
      throw new UsageException("no scenario file " + f);
    }
    try {
      return Scenario.load(f);
    } catch (ScenarioException e) {
      throw new UsageException(f + ": " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new UsageException(f + ": missing file " + e.getMessage());
    } catch (IOException e) {
      throw new UsageException(f + ": " + e);
    }
  }
}
