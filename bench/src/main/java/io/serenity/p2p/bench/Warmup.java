package io.serenity.p2p.bench;

/**
 * Untimed warm-up until the JIT has settled: a figure taken while the compilers still run is a figure
 * of the compilers too (on two cores, HotSpot's C2 thread took most of a core for the first three
 * seconds of a transport run, half of a 3 GiB run's measured time). A round repeats the untimed step
 * for at least {@value #ROUND_SECONDS} s; rounds go on until one in which the compiler threads used at
 * most {@value #SETTLED_PERCENT} % of its wall time, at least {@value #MIN_ROUNDS} rounds and at most
 * {@value #MAX_SECONDS} seconds in all.
 */
final class Warmup {
  static final int MIN_ROUNDS = 3;
  static final double ROUND_SECONDS = 0.5;
  static final int MAX_SECONDS = 30;
  static final double SETTLED_PERCENT = 5;

  /** One untimed step (a round runs it one or more times). */
  interface Round {
    void run() throws Exception;
  }

  /** What the warm-up took: its rounds, seconds, and whether the JIT settled before the limit. */
  record Result(int rounds, double seconds, boolean settled) {
    JsonLine json() {
      return JsonLine.object().put("rounds", rounds).put("seconds", seconds, 1).put("settled", settled ? "yes" : "no");
    }
  }

  private Warmup() {}

  /** The "conditions" of a result line: this warm-up, and the compilers' and the hypervisor's share from {@code before} to {@code after}. */
  static JsonLine conditions(Result warm, Machine.Snapshot before, Machine.Snapshot after) {
    return JsonLine.object().put("warmup", warm.json())
        .put("compileSeconds", after.compileSeconds(before), 2)
        .put("stealPercent", after.stealPercent(before), 1);
  }

  static Result untilSettled(Round round) throws Exception {
    Machine.Snapshot start = Machine.now();
    int rounds = 0;
    while (true) {
      Machine.Snapshot before = Machine.now();
      // the clock alone between steps: a snapshot reads /proc, too much for a step of a few milliseconds
      long roundEnd = before.nanos() + (long) (ROUND_SECONDS * 1e9);
      do {
        round.run();
      } while (System.nanoTime() < roundEnd);
      rounds++;
      Machine.Snapshot after = Machine.now();
      double compiling = after.compileSeconds(before);
      // Without a compile-time figure (a JVM without the bean) the minimum rounds are all there is.
      boolean settled = Double.isNaN(compiling) || compiling <= after.seconds(before) * SETTLED_PERCENT / 100;
      if (rounds >= MIN_ROUNDS && settled) {
        return new Result(rounds, after.seconds(start), true);
      }
      if (after.seconds(start) >= MAX_SECONDS) {
        return new Result(rounds, after.seconds(start), false);
      }
    }
  }
}
