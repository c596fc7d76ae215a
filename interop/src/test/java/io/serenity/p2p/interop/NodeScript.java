package io.serenity.p2p.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the scripts in {@code interop/js} with Node.js to completion, with a bounded wait.
 *
 * <p>Where the scripts live comes from the {@code interop.js.dir} system property (set by the interop
 * pom), else {@code js} under the working directory; the Node executable from {@code interop.node},
 * else {@code node} on the PATH. {@code npm ci} has installed {@code node_modules} there before the
 * tests run (phase generate-test-resources).
 */
final class NodeScript {

    /**
     * What a finished script left behind.
     *
     * @param exitCode the process exit code
     * @param stdout   stdout, one element per line
     * @param stderr   all of stderr
     */
    record Result(int exitCode, List<String> stdout, String stderr) {

        /** Every non-blank stdout line parsed as a JSON object. */
        List<Map<String, Object>> jsonLines() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : stdout) {
                if (!line.isBlank()) {
                    out.add(JsonLines.parseObject(line));
                }
            }
            return out;
        }

        /** Fails the test with stderr in the message unless the script exited with 0. */
        Result assertSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " exited with " + exitCode + "\nstderr:\n" + stderr
                        + "\nstdout:\n" + String.join("\n", stdout));
            }
            return this;
        }
    }

    private NodeScript() {
    }

    /**
     * A process builder for {@code cmd} in the js directory. When the {@code interop.js.debug} system
     * property is set (for example {@code -Dinterop.js.debug='libp2p:floodsub*'}), it becomes the
     * process's {@code DEBUG} variable: js-libp2p's debug logs go to stderr, which a failing test prints.
     */
    static ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(jsDir().toFile());
        String debug = System.getProperty("interop.js.debug", "");
        if (!debug.isEmpty()) {
            pb.environment().put("DEBUG", debug);
        }
        return pb;
    }

    /** The directory holding peer.mjs, vectors.mjs, bench.mjs and node_modules. */
    static Path jsDir() {
        Path dir = Path.of(System.getProperty("interop.js.dir", "js")).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("peer.mjs"))) {
            throw new AssertionError("js partner not found in " + dir + " (set -Dinterop.js.dir)");
        }
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new AssertionError("no node_modules in " + dir + ": run `npm ci` there (the interop build does)");
        }
        return dir;
    }

    /** The command line for {@code node <script> <args...>}. */
    static List<String> command(String script, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("interop.node", "node"));
        cmd.add(script);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code node <script> <args...>} in {@link #jsDir()}, feeds it {@code stdin} (then closes it),
     * and waits at most {@code timeout} for it to exit; on timeout destroys that process (only it)
     * and fails the test.
     */
    static Result run(Duration timeout, String stdin, String script, String... args) {
        Path dir = jsDir();
        List<String> cmd = command(script, List.of(args));
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            // Files, not pipes: the script can never block on a full pipe while we write its stdin.
            out = Files.createTempFile("interop-node-", ".out");
            err = Files.createTempFile("interop-node-", ".err");
            p = processBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The script exited without reading all of stdin; its exit code and stderr tell why.
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout
                        + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                p.destroyForcibly();
            }
            throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // A temp file left behind is harmless.
            }
        }
    }
}
