package io.serenity.p2p.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the machine and this JVM did between two points of a benchmark: the CPU time this process used,
 * the CPU time of the JIT's compiler threads, and the share of the machine's CPU time the hypervisor gave to other guests
 * ("steal", from the first line of {@code /proc/stat}). A figure measured while steal was high was
 * measured on a machine that was not quiet, whatever its load average said.
 */
final class Machine {
  private static final Path PROC_STAT = Path.of("/proc/stat");
  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os : null;

  /** One reading; {@code cpuTicks} is null where {@code /proc/stat} cannot be read. */
  record Snapshot(long nanos, long processCpuNanos, long compileNanos, long[] cpuTicks) {

    /** Seconds of wall time since {@code earlier}. */
    double seconds(Snapshot earlier) {
      return (nanos - earlier.nanos) / 1e9;
    }

    /** CPU seconds this process used since {@code earlier} (all threads); NaN when unknown. */
    double cpuSeconds(Snapshot earlier) {
      return processCpuNanos < 0 || earlier.processCpuNanos < 0
          ? Double.NaN : (processCpuNanos - earlier.processCpuNanos) / 1e9;
    }

    /**
     * CPU seconds of the JIT's compiler threads since {@code earlier}, compilations still under way
     * included (from {@code /proc/self/task}; elsewhere the JVM's total time of finished compilations);
     * NaN when unknown.
     */
    double compileSeconds(Snapshot earlier) {
      return compileNanos < 0 || earlier.compileNanos < 0 ? Double.NaN : (compileNanos - earlier.compileNanos) / 1e9;
    }

    /**
     * Percent of the machine's CPU time (all cores, busy or idle) stolen by the hypervisor since
     * {@code earlier}; NaN when unknown.
     */
    double stealPercent(Snapshot earlier) {
      if (cpuTicks == null || earlier.cpuTicks == null) {
        return Double.NaN;
      }
      long total = 0;
      for (int i = 0; i < cpuTicks.length; i++) {
        total += cpuTicks[i] - earlier.cpuTicks[i];
      }
      return total <= 0 ? Double.NaN : 100.0 * (cpuTicks[STEAL] - earlier.cpuTicks[STEAL]) / total;
    }
  }

  /** Fields of the {@code cpu} line counted: user nice system idle iowait irq softirq steal. */
  private static final int FIELDS = 8;
  private static final int STEAL = 7;

  private Machine() {}

  static Snapshot now() {
    long compile = compilerThreadsCpuNanos();
    if (compile < 0 && JIT != null && JIT.isCompilationTimeMonitoringSupported()) {
      compile = JIT.getTotalCompilationTime() * 1_000_000L;
    }
    long cpu = OS == null ? -1 : OS.getProcessCpuTime();
    return new Snapshot(System.nanoTime(), cpu, compile, cpuTicks());
  }

  /** Clock ticks per second of {@code /proc}'s times: 100 on every Linux this runs on (USER_HZ). */
  private static final long TICKS_PER_SECOND = 100;

  /**
   * The CPU time of HotSpot's compiler threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}), from
   * {@code /proc/self/task/<tid>/stat}; -1 where that cannot be read. Unlike the compilation bean this
   * counts a compilation still under way, so a long C2 compile cannot hide inside a quiet-looking round.
   */
  private static long compilerThreadsCpuNanos() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long ticks = 0;
    try (var dirs = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) dirs::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
          continue;
        }
        String name = stat.substring(open + 1, close);
        if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
          continue;
        }
        // after the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        String[] f = stat.substring(close + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private static long[] cpuTicks() {
    try {
      for (String line : Files.readAllLines(PROC_STAT)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          if (f.length <= FIELDS) {
            return null;
          }
          long[] ticks = new long[FIELDS];
          for (int i = 0; i < FIELDS; i++) {
            ticks[i] = Long.parseLong(f[i + 1]);
          }
          return ticks;
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // not Linux, or no procfs: steal is reported as unknown
    }
  }
}
