package io.serenity.p2p.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Shared checks of the Jazzer fuzz targets ({@code *FuzzTest} classes with a {@code @FuzzTest} method,
 * docs/testing.md "Fuzzing"): the allocation bound, the one exception type a decoder may throw, and
 * deterministic cutting of an input into the reads a stream decoder would see.
 */
public final class FuzzSupport {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final java.lang.management.ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

  /**
   * Slack added to every allocation bound: class initialisation on first use, protobuf and netty
   * bookkeeping, strings for exception messages and the fuzzer's own comparison hooks.
   */
  public static final long ALLOCATION_SLACK = 2L << 20;

  private FuzzSupport() {}

  /** Bytes the current thread has allocated so far (HotSpot counts the current TLAB exactly). */
  public static long allocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Runs {@code decode} and fails when the current thread allocated more than {@code bound} plus
   * {@link #ALLOCATION_SLACK} bytes meanwhile: a decoder must refuse a length beyond its limit before
   * it allocates for it. Exceptions from {@code decode} pass through after the check. A run during which
   * the JVM loaded a class is not judged: loading (and the fuzzer instrumenting) a class allocates far
   * more than any decoder, and happens only the first few times a path is taken.
   */
  public static void allocationAtMost(long bound, Supplier<String> what, ThrowingRunnable decode)
      throws Exception {
    long classesBefore = CLASSES.getTotalLoadedClassCount();
    long before = allocatedBytes();
    Exception thrown = null;
    try {
      decode.run();
    } catch (Exception e) {
      thrown = e;
    }
    long used = allocatedBytes() - before;
    if (used > bound + ALLOCATION_SLACK && CLASSES.getTotalLoadedClassCount() == classesBefore) {
      AssertionError e = new AssertionError(what.get() + ": allocated " + used + " bytes, bound "
          + bound + " + " + ALLOCATION_SLACK + " slack");
      if (thrown != null) {
        e.addSuppressed(thrown);
      }
      throw e;
    }
    if (thrown != null) {
      throw thrown;
    }
  }

  /** A piece of decoding that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Fails unless {@code t} is one of {@code allowed} (the decoder's documented error types). The
   * input is named in the message, shortened, so a failure can be read without the crash file.
   */
  @SafeVarargs
  public static void expectOnly(Throwable t, byte[] input, Class<? extends Throwable>... allowed) {
    for (Class<? extends Throwable> c : allowed) {
      if (c.isInstance(t)) {
        return;
      }
    }
    AssertionError e = new AssertionError("unexpected " + t + " on input " + hex(input));
    e.initCause(t);
    throw e;
  }

  /** Hex of at most the first 256 bytes of {@code input}. */
  public static String hex(byte[] input) {
    String h = HexFormat.of().formatHex(input, 0, Math.min(256, input.length));
    return input.length > 256 ? h + "... (" + input.length + " bytes)" : h;
  }

  /**
   * Cuts {@code data[from..]} into consecutive pieces whose sizes come from a generator seeded with
   * {@code seed}: a stream decoder must give the same result whatever the read boundaries are. Seed 0
   * gives the whole rest as one piece.
   */
  public static List<byte[]> pieces(byte[] data, int from, long seed) {
    List<byte[]> out = new ArrayList<>();
    if (from >= data.length) {
      return out;
    }
    if (seed == 0) {
      out.add(Arrays.copyOfRange(data, from, data.length));
      return out;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int p = from;
    while (p < data.length) {
      int n = random.nextInt(8) == 0 ? 1 + random.nextInt(Math.max(1, data.length - p)) : 1 + random.nextInt(16);
      n = Math.min(n, data.length - p);
      out.add(Arrays.copyOfRange(data, p, p + n));
      p += n;
    }
    return out;
  }

  /** The unsigned byte at {@code i}, or 0 past the end. */
  public static int u8(byte[] data, int i) {
    return i < data.length ? data[i] & 0xff : 0;
  }

  /** {@code data} from {@code from} on (empty past the end). */
  public static byte[] rest(byte[] data, int from) {
    return from >= data.length ? new byte[0] : Arrays.copyOfRange(data, from, data.length);
  }

  /**
   * Writes {@code bytes} as the seed {@code name} of the fuzz test {@code method} of {@code target}, in
   * the module's test resources where Jazzer's regression mode and fuzzing read it: {@code
   * src/test/resources/<package>/<Class>Inputs/<method>/<name>} (relative to the module directory, the
   * working directory of its tests).
   */
  public static void writeSeed(Class<?> target, String method, String name, byte[] bytes) {
    Path dir = Path.of("src", "test", "resources")
        .resolve(target.getPackageName().replace('.', '/'))
        .resolve(target.getSimpleName() + "Inputs")
        .resolve(method);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code prefix} followed by {@code body}. */
  public static byte[] concat(byte[] prefix, byte[] body) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + body.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  /** Two option bytes (a role or mode, a read-boundary seed) followed by {@code body}. */
  public static byte[] with(int b0, int b1, byte[] body) {
    return concat(new byte[] {(byte) b0, (byte) b1}, body);
  }
}
