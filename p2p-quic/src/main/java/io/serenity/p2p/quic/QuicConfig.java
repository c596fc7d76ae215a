package io.serenity.p2p.quic;

import java.time.Duration;

/**
 * Settings of the QUIC transport. The defaults follow what go-libp2p, rust-libp2p and js-libp2p
 * configure, so a peer sees the same limits from us as from them.
 *
 * @param handshakeTimeout how long a connection may take from its first packet to a verified
 *     peer; a stalled handshake is closed and frees its connection slot (default 5 s)
 * @param maxIdleTimeout idle timeout announced to the peer; the connection closes after this long
 *     without a packet (the smaller of both sides' values applies; default 30 s)
 * @param maxStreams bidirectional streams the peer may have open at once (default 256); a peer
 *     that wants more waits for one to close, as QUIC's stream credit works
 * @param streamWindow bytes the peer may send on one stream before we read them (default 10 MiB)
 * @param connectionWindow bytes the peer may send on all streams of a connection before we read
 *     them (default 15 MiB)
 * @param retryAbovePerSecond new connection attempts per second a listener accepts before it
 *     answers further ones with a Retry, which makes the client prove its address with one more
 *     round trip (default 1000; 0 makes every handshake use a Retry)
 * @param retryTokenLifetime how long a Retry token stays valid (default 10 s)
 * @param initialCongestionWindowPackets the congestion window a connection starts with, in packets
 *     (default 32, as quic-go, which go-libp2p runs, uses; quiche's own default is 10). A larger
 *     first window lets the opening burst of a libp2p connection (identify, several streams) go
 *     out in one round trip, and it keeps quiche clear of a defect that loses a stream's FIN when
 *     the FIN waits for window (see docs/host.md, "QUIC")
 */
public record QuicConfig(
    Duration handshakeTimeout,
    Duration maxIdleTimeout,
    int maxStreams,
    long streamWindow,
    long connectionWindow,
    int retryAbovePerSecond,
    Duration retryTokenLifetime,
    int initialCongestionWindowPackets) {

  /** Default number of concurrent bidirectional streams a peer may open: 256. */
  public static final int DEFAULT_MAX_STREAMS = 256;

  /** Default first congestion window, in packets: 32, as quic-go. */
  public static final int DEFAULT_INITIAL_CONGESTION_WINDOW_PACKETS = 32;

  /** {@return the defaults listed on the record components} */
  public static QuicConfig defaults() {
    return new QuicConfig(
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        DEFAULT_MAX_STREAMS,
        10L << 20,
        15L << 20,
        1000,
        Duration.ofSeconds(10),
        DEFAULT_INITIAL_CONGESTION_WINDOW_PACKETS);
  }

  /**
   * Returns a copy with a different handshake timeout.
   *
   * @param timeout the new timeout
   * @return the copy
   */
  public QuicConfig withHandshakeTimeout(Duration timeout) {
    return new QuicConfig(timeout, maxIdleTimeout, maxStreams, streamWindow, connectionWindow,
        retryAbovePerSecond, retryTokenLifetime, initialCongestionWindowPackets);
  }

  /**
   * Returns a copy with a different idle timeout.
   *
   * @param timeout the new timeout
   * @return the copy
   */
  public QuicConfig withMaxIdleTimeout(Duration timeout) {
    return new QuicConfig(handshakeTimeout, timeout, maxStreams, streamWindow, connectionWindow,
        retryAbovePerSecond, retryTokenLifetime, initialCongestionWindowPackets);
  }

  /**
   * Returns a copy with a different stream limit.
   *
   * @param streams concurrent bidirectional streams a peer may open
   * @return the copy
   */
  public QuicConfig withMaxStreams(int streams) {
    return new QuicConfig(handshakeTimeout, maxIdleTimeout, streams, streamWindow, connectionWindow,
        retryAbovePerSecond, retryTokenLifetime, initialCongestionWindowPackets);
  }

  /**
   * Returns a copy with different flow-control windows.
   *
   * @param stream bytes per stream
   * @param connection bytes per connection
   * @return the copy
   */
  public QuicConfig withWindows(long stream, long connection) {
    return new QuicConfig(handshakeTimeout, maxIdleTimeout, maxStreams, stream, connection,
        retryAbovePerSecond, retryTokenLifetime, initialCongestionWindowPackets);
  }

  /**
   * Returns a copy with a different Retry threshold.
   *
   * @param perSecond new connection attempts per second before Retry is used; 0 for always
   * @return the copy
   */
  public QuicConfig withRetryAbovePerSecond(int perSecond) {
    return new QuicConfig(handshakeTimeout, maxIdleTimeout, maxStreams, streamWindow, connectionWindow,
        perSecond, retryTokenLifetime, initialCongestionWindowPackets);
  }

  /**
   * Returns a copy with a different first congestion window.
   *
   * @param packets the window a connection starts with, in packets
   * @return the copy
   */
  public QuicConfig withInitialCongestionWindowPackets(int packets) {
    return new QuicConfig(handshakeTimeout, maxIdleTimeout, maxStreams, streamWindow, connectionWindow,
        retryAbovePerSecond, retryTokenLifetime, packets);
  }

  /**
   * Rejects nonsense values with a message naming the field.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public QuicConfig validate() {
    positive("handshakeTimeout", handshakeTimeout);
    positive("maxIdleTimeout", maxIdleTimeout);
    positive("retryTokenLifetime", retryTokenLifetime);
    if (maxStreams < 1) {
      throw new IllegalArgumentException("maxStreams must be >= 1: " + maxStreams);
    }
    if (streamWindow < 1) {
      throw new IllegalArgumentException("streamWindow must be >= 1: " + streamWindow);
    }
    if (connectionWindow < streamWindow) {
      throw new IllegalArgumentException(
          "connectionWindow (" + connectionWindow + ") must be >= streamWindow (" + streamWindow + ")");
    }
    if (initialCongestionWindowPackets < 2 || initialCongestionWindowPackets > 1000) {
      throw new IllegalArgumentException(
          "initialCongestionWindowPackets must be between 2 and 1000: " + initialCongestionWindowPackets);
    }
    if (retryAbovePerSecond < 0) {
      throw new IllegalArgumentException("retryAbovePerSecond must be >= 0: " + retryAbovePerSecond);
    }
    return this;
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
