package io.serenity.p2p.sim;

import java.nio.file.Path;

/**
 * The simulator's own speed: runs a scenario (default: 10,000 nodes, gossipsub D=8, 100 messages
 * of 1 KiB) and prints the summary, wall time and events per second.
 *
 * <pre>
 * java -Xmx8g -cp p2p-sim/target/classes:... io.serenity.p2p.sim.SimBenchmark [scenario.json|default] [nodes]
 * </pre>
 */
public final class SimBenchmark {
  private SimBenchmark() {}

  /**
   * Runs the scenario and prints its summary and timing.
   *
   * @param args a scenario file or {@code default}, then optionally a node count
   * @throws Exception when the scenario cannot be read or the run fails
   */
  public static void main(String[] args) throws Exception {
    Scenario s = args.length > 0 && !args[0].equals("default") ? Scenario.load(Path.of(args[0])) : Scenario.parse(DEFAULT);
    if (args.length > 1) {
      s = s.withNodes(Integer.parseInt(args[1]));
    }
    Runtime rt = Runtime.getRuntime();
    Report r = Simulator.run(s);
    System.out.print(r.summary().toText());
    System.out.println(r.performance());
    System.out.printf("heap used at end: %d MiB of max %d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20,
        rt.maxMemory() >> 20);
  }

  static final String DEFAULT = """
      {"name": "bench-10000", "seed": 1, "nodes": 10000, "router": "gossipsub",
       "gossipsub": {"preset": "ethereum", "d": 8},
       "topology": {"type": "random-regular", "degree": 16},
       "links": {"latency": {"type": "uniform", "minMs": 20, "maxMs": 120}, "uploadMbps": 100},
       "traffic": [{"topic": "t", "messages": 100, "sizeBytes": 1024, "ratePerSecond": 10}],
       "warmupMs": 5000, "drainMs": 5000}
      """;
}
