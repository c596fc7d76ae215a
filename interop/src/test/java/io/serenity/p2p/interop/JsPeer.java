package io.serenity.p2p.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A js-libp2p peer ({@code node peer.mjs ...}) running as a child process, for interop tests.
 *
 * <p>The peer prints one JSON event per line (schema in docs/interop.md); {@link #await} waits, with a
 * bound, for the next matching event. Failure messages carry the events seen so far and the tail of
 * the peer's stderr. {@link #close()} closes the peer's stdin (its signal to stop), then, if it has not
 * exited, destroys this one process by its own handle; it never touches any other process.
 *
 * <pre>{@code
 * try (JsPeer js = JsPeer.start("--echo", "--key-type", "secp256k1")) {
 *     Multiaddr addr = Multiaddr.parse(js.listenAddr());   // waits for the listening event
 *     // ... dial it from Java ...
 *     assertThat(js.await("connected").str("muxer")).isEqualTo("/yamux/1.0.0");
 * }
 * }</pre>
 */
final class JsPeer implements AutoCloseable {

    /** How long {@link #await(String)} waits by default. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final int STDERR_TAIL_CHARS = 16 * 1024;
    private static final int EVENTS_IN_MESSAGE = 30;

    private final List<String> command;
    private final Process process;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Object lock = new Object();
    /** Every event in arrival order; guarded by {@link #lock}. */
    private final List<JsEvent> events = new ArrayList<>();
    /** Which of {@link #events} an await has already returned; guarded by {@link #lock}. */
    private final List<Boolean> taken = new ArrayList<>();
    /** The last {@link #STDERR_TAIL_CHARS} of stderr; guarded by {@link #lock}. */
    private final StringBuilder stderrTail = new StringBuilder();
    /** stdout reached end of file: no more events will come. Guarded by {@link #lock}. */
    private boolean stdoutEnded;

    private JsPeer(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.stdoutReader = new Thread(this::readStdout, "js-peer-" + process.pid() + "-stdout");
        this.stderrReader = new Thread(this::readStderr, "js-peer-" + process.pid() + "-stderr");
        stdoutReader.setDaemon(true);
        stderrReader.setDaemon(true);
        stdoutReader.start();
        stderrReader.start();
    }

    /** Starts {@code node peer.mjs <args...>} in the js directory. */
    static JsPeer start(String... args) {
        return start(List.of(args));
    }

    /** Starts {@code node peer.mjs <args...>} in the js directory. */
    static JsPeer start(List<String> args) {
        List<String> cmd = NodeScript.command("peer.mjs", args);
        try {
            Process p = NodeScript.processBuilder(cmd).start();
            return new JsPeer(List.copyOf(cmd), p);
        } catch (IOException e) {
            throw new AssertionError("cannot start js peer: " + String.join(" ", cmd) + ": " + e, e);
        }
    }

    /** The OS process id of this peer (for logs; the peer is only ever stopped through its own handle). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits {@link #DEFAULT_WAIT} for the next not-yet-awaited event called {@code name}. */
    JsEvent await(String name) {
        return await(name, DEFAULT_WAIT);
    }

    /** Waits at most {@code timeout} for the next not-yet-awaited event called {@code name}. */
    JsEvent await(String name, Duration timeout) {
        return await(e -> e.name().equals(name), "event '" + name + "'", timeout);
    }

    /**
     * Waits at most {@code timeout} for the earliest not-yet-awaited event matching {@code match}, marks it
     * awaited and returns it. Fails the test, with events and stderr in the message, when the time runs
     * out or the peer's stdout ends first.
     */
    JsEvent await(Predicate<JsEvent> match, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                // Events that do not match stay available for later awaits, so rescan from the start.
                for (int i = 0; i < events.size(); i++) {
                    if (!taken.get(i) && match.test(events.get(i))) {
                        taken.set(i, true);
                        return events.get(i);
                    }
                }
                if (stdoutEnded) {
                    throw failure("js peer ended before printing " + description);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("js peer did not print " + description + " within " + timeout);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while waiting for " + description);
                }
            }
        }
    }

    /**
     * Waits at most {@link #DEFAULT_WAIT} for the first event called {@code name}, awaited or not, without
     * marking it awaited: for facts printed once, like {@code listening}.
     */
    JsEvent first(String name) {
        long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
        synchronized (lock) {
            while (true) {
                for (JsEvent e : events) {
                    if (e.name().equals(name)) {
                        return e;
                    }
                }
                if (stdoutEnded) {
                    throw failure("js peer ended before printing event '" + name + "'");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("js peer did not print event '" + name + "' within " + DEFAULT_WAIT);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while waiting for event '" + name + "'");
                }
            }
        }
    }

    /** The peer's PeerId (base58), from its {@code listening} event. */
    String peerId() {
        return first("listening").str("peerId");
    }

    /** The peer's first listen address, with {@code /p2p/<peer id>}, from its {@code listening} event. */
    String listenAddr() {
        List<String> addrs = first("listening").strings("addrs");
        if (addrs.isEmpty()) {
            throw failure("js peer listens nowhere (--listen none?)");
        }
        return addrs.get(0);
    }

    /** A snapshot of every event printed so far, in order. */
    List<JsEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The events called {@code name} printed so far, awaited or not. */
    List<JsEvent> events(String name) {
        return events().stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The tail of the peer's stderr so far. */
    String stderr() {
        synchronized (lock) {
            return stderrTail.toString();
        }
    }

    /**
     * Waits at most {@code timeout} for the peer to exit by itself (for example with {@code --exit}) and
     * returns its exit code; fails the test if it is still running.
     */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("js peer did not exit within " + timeout);
            }
            joinReaders();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the js peer to exit");
        }
    }

    /**
     * A test failure describing this peer: its command, whether it still runs, the last events and the
     * stderr tail.
     */
    AssertionError failure(String what) {
        StringBuilder b = new StringBuilder(what)
                .append("\n  command: ").append(String.join(" ", command))
                .append("\n  pid ").append(process.pid())
                .append(process.isAlive() ? " (running)" : " (exited with " + process.exitValue() + ")");
        List<JsEvent> seen = events();
        b.append("\n  events (").append(seen.size()).append("):");
        for (JsEvent e : seen.subList(Math.max(0, seen.size() - EVENTS_IN_MESSAGE), seen.size())) {
            b.append("\n    ").append(e.line());
        }
        String err = stderr();
        b.append("\n  stderr:").append(err.isEmpty() ? " (empty)" : "\n" + err);
        return new AssertionError(b.toString());
    }

    /**
     * Stops the peer: closes its stdin and waits for it to exit; if it has not, sends it SIGTERM through
     * its own process handle, then SIGKILL. Bounded; never affects any other process.
     */
    @Override
    public void close() {
        try {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // Already closed: the peer is going away anyway.
            }
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            joinReaders();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void joinReaders() throws InterruptedException {
        stdoutReader.join(STOP_WAIT.toMillis());
        stderrReader.join(STOP_WAIT.toMillis());
    }

    private void readStdout() {
        try (BufferedReader r = reader(process.getInputStream())) {
            String line;
            while ((line = r.readLine()) != null) {
                JsEvent e = JsEvent.parse(line);
                synchronized (lock) {
                    events.add(e);
                    taken.add(false);
                    lock.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // The stream closes when the process dies; the end is recorded below either way.
        } finally {
            synchronized (lock) {
                stdoutEnded = true;
                lock.notifyAll();
            }
        }
    }

    private void readStderr() {
        char[] buf = new char[4096];
        try (BufferedReader r = reader(process.getErrorStream())) {
            int n;
            while ((n = r.read(buf)) >= 0) {
                synchronized (lock) {
                    stderrTail.append(buf, 0, n);
                    if (stderrTail.length() > STDERR_TAIL_CHARS) {
                        stderrTail.delete(0, stderrTail.length() - STDERR_TAIL_CHARS);
                    }
                }
            }
        } catch (IOException ignored) {
            // The stream closes when the process dies.
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
