package io.serenity.p2p.protocol.ping;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.StreamReceiver;
import java.nio.ByteBuffer;
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

  /** Pings {@code peer} once on a new stream (dialling if needed); returns the round-trip time. */
  public static CompletableFuture<Duration> ping(Host host, PeerId peer) {
    return ping(host, peer, 1).thenApply(l -> l.get(0));
  }

  /** Pings {@code peer} {@code count} times, one after the other on one stream. */
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

  /** One ping on an open ping stream. */
  public static CompletableFuture<Duration> ping(Stream s) {
    byte[] payload = new byte[PAYLOAD_SIZE];
    RANDOM.nextBytes(payload);
    long start = System.nanoTime();
    return s.write(payload)
        .thenCompose(v -> s.readExactly(PAYLOAD_SIZE))
        .thenApply(
            echo -> {
              if (!Arrays.equals(echo, payload)) {
                s.reset();
                throw new PingException("peer " + s.remotePeer() + " echoed different bytes");
              }
              return Duration.ofNanos(System.nanoTime() - start);
            });
  }

  /**
   * Serves an inbound ping stream: echoes every 32-byte block as soon as it is complete, holding at
   * most 31 bytes; closes our side when the remote closes its side.
   */
  public static void serve(Stream s) {
    s.receive(
        new StreamReceiver() {
          private final byte[] block = new byte[PAYLOAD_SIZE];
          private int filled;

          @Override
          public void onData(Stream stream, ByteBuffer data) {
            while (data.hasRemaining()) {
              int n = Math.min(data.remaining(), PAYLOAD_SIZE - filled);
              data.get(block, filled, n);
              filled += n;
              if (filled == PAYLOAD_SIZE) {
                stream.write(block);
                filled = 0;
              }
            }
          }

          @Override
          public void onEnd(Stream stream) {
            stream.closeWrite();
          }
        });
  }
}
