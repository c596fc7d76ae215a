package io.serenity.p2p.protocol.ping;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.time.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ping ({@code /ipfs/ping/1.0.0}): the dialer sends 32 random bytes, the listener echoes them; a
 * stream may carry many pings in a row (ping spec). The host serves it by default.
 *
 * <pre>{@code
 * Duration rtt = Ping.ping(host, peer).join();
 * }</pre>
 */
public final class Ping {

  /** Protocol id. */
  public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";

  /** Bytes per ping. */
  public static final int PAYLOAD_SIZE = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ping() {}

  /**
   * Pings {@code peer} once on a new stream (dialling if needed); returns the round-trip time.
   *
   * @param host our host
   * @param peer the peer
   * @return completes with the round-trip time
   */
  public static CompletableFuture<Duration> ping(Host host, PeerId peer) {
    return ping(host, peer, 1).thenApply(l -> l.get(0));
  }

  /**
   * Pings {@code peer} {@code count} times, one after the other on one stream.
   *
   * @param host our host
   * @param peer the peer
   * @param count how many pings
   * @return completes with the round-trip times, in order
   */
  public static CompletableFuture<List<Duration>> ping(Host host, PeerId peer, int count) {
    if (count < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("count must be >= 1"));
    }
    return host.newStream(peer, PROTOCOL_ID)
        .thenCompose(
            s -> {
              List<Duration> rtts = new ArrayList<>();
              CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
              for (int i = 0; i < count; i++) {
                chain = chain.thenCompose(v -> ping(s).thenAccept(rtts::add));
              }
              return chain
                  .whenComplete((v, e) -> s.closeWrite())
                  .thenApply(v -> List.copyOf(rtts));
            });
  }

  /**
   * {@return one ping on an open ping stream, timed on the clock of the stream's host ({@link Host#clock()})}
   *
   * @param s an open ping stream
   */
  public static CompletableFuture<Duration> ping(Stream s) {
    byte[] payload = new byte[PAYLOAD_SIZE];
    RANDOM.nextBytes(payload);
    Clock clock = s.connection().host().clock();
    long start = clock.nanos();
    return s.write(payload)
        .thenCompose(v -> s.readExactly(PAYLOAD_SIZE))
        .thenApply(
            echo -> {
              if (!Arrays.equals(echo, payload)) {
                s.reset();
                throw new PingException("peer " + s.remotePeer() + " echoed different bytes");
              }
              return Duration.ofNanos(clock.nanos() - start);
            });
  }

  /**
   * Serves an inbound ping stream: reads a 32-byte block, echoes it, and reads the next block only
   * once the echo was written. A peer that sends pings but never reads the echoes therefore stalls
   * its own stream: our echo waits for its window, we stop reading, and the muxer's receive window
   * stops the peer; nothing queues on our side beyond one block. Closes our side when the remote
   * closes its side.
   *
   * @param s an inbound ping stream
   */
  public static void serve(Stream s) {
    echoNext(s, 0);
  }

  private static void echoNext(Stream s, int depth) {
    s.readExactly(PAYLOAD_SIZE).whenComplete((block, err) -> {
      if (err != null) {
        s.closeWrite(); // the remote ended its side (after a reset this does nothing)
        return;
      }
      s.write(block).whenComplete((v, e) -> {
        if (e != null) {
          return; // reset or closed: nothing more to echo
        }
        if (depth < 64) {
          echoNext(s, depth + 1); // buffered pings complete at once: bound the recursion
        } else {
          java.util.concurrent.CompletableFuture.runAsync(() -> echoNext(s, 0));
        }
      });
    });
  }
}
