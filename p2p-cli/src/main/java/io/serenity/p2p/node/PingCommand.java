package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.protocol.ping.Ping;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code p2p-node ping}: dials a peer and pings it as ping(8) does: one line per reply, then how
 * many were sent and received, the loss, and min/avg/max round-trip times. Exit code 0 when at
 * least one reply came, 1 when none did (or the dial failed), 2 for bad usage.
 */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Dial a peer (/ip4/.../tcp/.../p2p/<id>, or over QUIC /ip4/.../udp/.../quic-v1/p2p/<id>) and ping it "
        + "with /ipfs/ping/1.0.0, printing each "
        + "round trip and a summary (sent, received, loss, min/avg/max). Exit code 0 when any reply came.")
final class PingCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<multiaddr>", description = "The peer, with /p2p/<id>.")
  String target;

  @Option(names = {"-c", "--count"}, paramLabel = "<n>", defaultValue = "5", description = "Pings to send (default 5).")
  int count;

  @Option(names = {"-i", "--interval"}, paramLabel = "<seconds>", defaultValue = "1",
      description = "Wait between pings, in seconds (default 1; 0 sends them back to back).")
  double interval;

  @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "10",
      description = "Give up on the dial, and on each ping, after this long (default 10).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new UsageException("--count: must be at least 1, got " + count);
    }
    if (interval < 0 || interval > 3600) {
      throw new UsageException("--interval: must be 0 to 3600 seconds, got " + interval);
    }
    if (timeoutSeconds < 1) {
      throw new UsageException("--timeout: must be at least 1 second, got " + timeoutSeconds);
    }
    PeerInfo peer;
    try {
      peer = PeerInfo.makePeer(target);
    } catch (FormatException e) {
      throw new UsageException("<multiaddr> '" + target + "': " + e.getMessage());
    }
    PrintStream out = System.out;
    try (Host host = Host.builder().identity(PrivateKey.generate(KeyType.SECP256K1)).build()) {
      host.start().join();
      try {
        host.connect(peer).get(timeoutSeconds, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new RuntimeFailure("ping " + peer.id() + ": no connection within " + timeoutSeconds + " s");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new RuntimeFailure("ping " + peer.id() + ": " + RunCommand.rootMessage(e));
      }
      out.printf(Locale.ROOT, "PING %s (%s): %d bytes%n", peer.id(), target, Ping.PAYLOAD_SIZE);
      List<Duration> rtts = new ArrayList<>();
      long start = System.nanoTime();
      for (int seq = 1; seq <= count; seq++) {
        if (seq > 1 && interval > 0) {
          LockSupport.parkNanos((long) (interval * 1e9));
        }
        try {
          Duration rtt = Ping.ping(host, peer.id()).get(timeoutSeconds, TimeUnit.SECONDS);
          rtts.add(rtt);
          out.printf(Locale.ROOT, "%d bytes from %s: seq=%d time=%.3f ms%n", Ping.PAYLOAD_SIZE, peer.id(), seq,
              rtt.toNanos() / 1e6);
        } catch (java.util.concurrent.TimeoutException e) {
          out.printf(Locale.ROOT, "seq=%d: no reply within %d s%n", seq, timeoutSeconds);
        } catch (java.util.concurrent.ExecutionException e) {
          out.printf(Locale.ROOT, "seq=%d: %s%n", seq, RunCommand.rootMessage(e));
        }
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      out.print(summary(peer.id().toString(), count, rtts, elapsedMs));
      return rtts.isEmpty() ? 1 : 0;
    }
  }

  /** The ping(8)-style summary: counts and loss, then min/avg/max when any reply came. */
  static String summary(String peer, int sent, List<Duration> rtts, long elapsedMs) {
    int received = rtts.size();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "--- %s ping statistics ---%n", peer));
    b.append(String.format(Locale.ROOT, "%d sent, %d received, %d%% loss, time %d ms%n", sent, received,
        Math.round(100.0 * (sent - received) / sent), elapsedMs));
    if (received > 0) {
      double min = rtts.stream().mapToLong(Duration::toNanos).min().orElse(0) / 1e6;
      double max = rtts.stream().mapToLong(Duration::toNanos).max().orElse(0) / 1e6;
      double avg = rtts.stream().mapToLong(Duration::toNanos).average().orElse(0) / 1e6;
      b.append(String.format(Locale.ROOT, "rtt min/avg/max = %.3f/%.3f/%.3f ms%n", min, avg, max));
    }
    return b.toString();
  }
}
