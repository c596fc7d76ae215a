package io.serenity.p2p.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A js-libp2p pubsub peer ({@code node pubsub-peer.mjs ...}: gossipsub or floodsub) running as a child
 * process, for interop tests.
 *
 * <p>The peer prints one JSON event per line (schema in docs/interop.md, "Pubsub partner"); {@link #await}
 * waits, with a bound, for the next matching event, and {@link #awaitMessages} for a number of received
 * messages. {@link #publish} sends a {@code publish <topic> <base64>} command on the peer's stdin. Failure
 * messages carry the command line, the last events and the tail of stderr. {@link #close()} closes stdin
 * (the peer's signal to stop), then, if it has not exited, destroys this one process by its own handle.
 *
 * <pre>{@code
 * try (JsPubSubPeer js = JsPubSubPeer.start("--router", "gossipsub", "--sign", "none", "--topic", "t")) {
 *     Multiaddr addr = Multiaddr.parse(js.listenAddr());
 *     // ... Java dials it, subscribes to "t", publishes ...
 *     List<JsEvent> got = js.awaitMessages("t", 10, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
final class JsPubSubPeer implements AutoCloseable {

    /** The script this fixture runs, in the js directory. */
    static final String SCRIPT = "pubsub-peer.mjs";
    /** How long {@link #await(String)} waits by default. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final int STDERR_TAIL_CHARS = 16 * 1024;
    private static final int EVENTS_IN_MESSAGE = 30;

    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
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

    private JsPubSubPeer(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutReader = new Thread(this::readStdout, "js-pubsub-" + process.pid() + "-stdout");
        this.stderrReader = new Thread(this::readStderr, "js-pubsub-" + process.pid() + "-stderr");
        stdoutReader.setDaemon(true);
        stderrReader.setDaemon(true);
        stdoutReader.start();
        stderrReader.start();
    }

    /** Starts {@code node pubsub-peer.mjs <args...>} in the js directory. */
    static JsPubSubPeer start(String... args) {
        return start(List.of(args));
    }

    /** Starts {@code node pubsub-peer.mjs <args...>} in the js directory. */
    static JsPubSubPeer start(List<String> args) {
        List<String> cmd = NodeScript.command(SCRIPT, args);
        try {
            Process p = NodeScript.processBuilder(cmd).start();
            return new JsPubSubPeer(List.copyOf(cmd), p);
        } catch (IOException e) {
            throw new AssertionError("cannot start js pubsub peer: " + String.join(" ", cmd) + ": " + e, e);
        }
    }

    /** The OS process id of this peer (for logs; it is only ever stopped through its own handle). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The peer's PeerId (base58), from its {@code listening} event. */
    String peerId() {
        return first("listening").str("peerId");
    }

    /** The peer's first listen address, with {@code /p2p/<peer id>}, from its {@code listening} event. */
    String listenAddr() {
        List<String> addrs = first("listening").strings("addrs");
        if (addrs.isEmpty()) {
            throw failure("js pubsub peer listens nowhere (--listen none?)");
        }
        return addrs.get(0);
    }

    /**
     * Sends {@code publish <topic> <base64(data)>} on stdin; the peer answers with a {@code published} event
     * (field {@code source: "stdin"}) or an {@code error} event with {@code what: "publish"}.
     */
    void publish(String topic, byte[] data) {
        if (topic.isEmpty() || topic.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("topic must be non-empty without whitespace for the stdin command: '" + topic + "'");
        }
        send("publish " + topic + " " + Base64.getEncoder().encodeToString(data));
    }

    /** Sends {@code quit}: the peer stops its node, prints {@code stopped} and exits. */
    void quit() {
        send("quit");
    }

    /** Sends one command line on the peer's stdin. */
    void send(String line) {
        try {
            synchronized (stdin) {
                stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            throw failure("cannot write to the js pubsub peer's stdin: " + e);
        }
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
                for (int i = 0; i < events.size(); i++) {
                    if (!taken.get(i) && match.test(events.get(i))) {
                        taken.set(i, true);
                        return events.get(i);
                    }
                }
                waitLocked(deadline, description, timeout);
            }
        }
    }

    /**
     * Waits at most {@code timeout} until {@code count} not-yet-awaited {@code message} events on
     * {@code topic} have arrived; marks them awaited and returns them in arrival order.
     */
    List<JsEvent> awaitMessages(String topic, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String description = count + " message events on topic '" + topic + "'";
        synchronized (lock) {
            while (true) {
                List<Integer> found = new ArrayList<>();
                for (int i = 0; i < events.size() && found.size() < count; i++) {
                    JsEvent e = events.get(i);
                    if (!taken.get(i) && e.name().equals("message") && topic.equals(e.fields().get("topic"))) {
                        found.add(i);
                    }
                }
                if (found.size() == count) {
                    List<JsEvent> out = new ArrayList<>(count);
                    for (int i : found) {
                        taken.set(i, true);
                        out.add(events.get(i));
                    }
                    return out;
                }
                waitLocked(deadline, description + " (have " + found.size() + ")", timeout);
            }
        }
    }

    /**
     * Waits at most {@code timeout} until the peer reports, in a {@code mesh} event, at least one peer in
     * its mesh for {@code topic} (needs {@code --report-mesh-ms}); returns that event.
     */
    JsEvent awaitMesh(String topic, Duration timeout) {
        return await(e -> e.name().equals("mesh") && topic.equals(e.fields().get("topic"))
                && !e.strings("peers").isEmpty(), "non-empty mesh for topic '" + topic + "'", timeout);
    }

    /** Waits {@link #DEFAULT_WAIT} for the first event called {@code name}, awaited or not, without taking it. */
    JsEvent first(String name) {
        long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
        synchronized (lock) {
            while (true) {
                for (JsEvent e : events) {
                    if (e.name().equals(name)) {
                        return e;
                    }
                }
                waitLocked(deadline, "event '" + name + "'", DEFAULT_WAIT);
            }
        }
    }

    /** Called with {@link #lock} held: waits for more events, or fails when none can come in time. */
    private void waitLocked(long deadline, String description, Duration timeout) {
        if (stdoutEnded) {
            throw failure("js pubsub peer ended before printing " + description);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw failure("js pubsub peer did not print " + description + " within " + timeout);
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for " + description);
        }
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

    /** Waits at most {@code timeout} for the peer to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("js pubsub peer did not exit within " + timeout);
            }
            joinReaders();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the js pubsub peer to exit");
        }
    }

    /** A test failure describing this peer: command, state, last events, stderr tail. */
    AssertionError failure(String what) {
        StringBuilder b = new StringBuilder(what)
                .append("\n  command: ").append(String.join(" ", command))
                .append("\n  pid ").append(process.pid())
                .append(process.isAlive() ? " (running)" : " (exited with " + process.exitValue() + ")");
        List<JsEvent> seen = events();
        b.append("\n  events (").append(seen.size()).append("):");
        for (JsEvent e : seen.subList(Math.max(0, seen.size() - EVENTS_IN_MESSAGE), seen.size())) {
            String line = e.line();
            b.append("\n    ").append(line.length() > 400 ? line.substring(0, 400) + "..." : line);
        }
        String err = stderr();
        b.append("\n  stderr:").append(err.isEmpty() ? " (empty)" : "\n" + err);
        return new AssertionError(b.toString());
    }

    /**
     * Stops the peer: closes its stdin and waits for it to exit; if it has not, SIGTERM through its own
     * process handle, then SIGKILL. Bounded; never affects any other process.
     */
    @Override
    public void close() {
        try {
            try {
                synchronized (stdin) {
                    stdin.close();
                }
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
