package io.serenity.p2p.mux.yamux;

import java.time.Duration;

/**
 * Tunables of a yamux session. Start from {@link #defaults()} and change fields with the {@code
 * with...} methods:
 *
 * <pre>{@code
 * YamuxConfig config = YamuxConfig.defaults().withMaxInboundStreams(256);
 * StreamMuxer muxer = Yamux.create(config);
 * }</pre>
 *
 * @param initialStreamWindow receive window granted to the remote on every new stream, in bytes.
 *     Default 256 KiB, the spec's initial window; a larger value is advertised with the stream's
 *     SYN/ACK window update (spec "Flow Control"). Must be at least 256 KiB: the remote may send
 *     that much before it hears from us.
 * @param maxStreamWindow largest receive window a stream may grow to. When above {@code
 *     initialStreamWindow}, a stream whose window is used up within four round trips doubles it
 *     (the go-yamux auto-tuning), up to this size. Default 256 KiB, the same as the initial window:
 *     no growth, so the memory a peer can pin is at most one window per stream.
 * @param maxInboundStreams streams the remote may have open with us at once; a SYN beyond it is
 *     answered with RST. Default 1024.
 * @param maxOutboundStreams streams we may have open (or waiting to open) at once; {@code
 *     openStream} fails beyond it. Default 1024.
 * @param maxUnackedOutboundStreams streams we opened that the remote has not ACKed yet; further
 *     opens wait for ACKs. Default 256 (the libp2p yamux ACK backlog).
 * @param maxFramePayload largest Data body we send; writes are cut into frames of at most this size
 *     so streams interleave. Default 64 KiB, as js-libp2p's yamux: a frame then mostly spans two
 *     Noise messages, which costs nothing since a secure channel seals what is written up to a flush
 *     together, while each frame costs a header, a write and a promise on this side and a slice and
 *     a delivery on the other (at 16 KiB a warm stream used 8 % more CPU per byte).
 * @param maxUnreadBytes bytes held per stream while no handler is set; a stream exceeding it is
 *     reset. Default 256 KiB (the window already bounds it unless the window is larger).
 * @param maxOutstandingPings pings awaiting an answer before {@code ping()} fails fast. Default 16.
 * @param keepAliveInterval interval between keep-alive pings; an unanswered keep-alive by the next
 *     tick closes the connection. {@link Duration#ZERO} (the default) turns keep-alive off.
 */
public record YamuxConfig(
    int initialStreamWindow,
    int maxStreamWindow,
    int maxInboundStreams,
    int maxOutboundStreams,
    int maxUnackedOutboundStreams,
    int maxFramePayload,
    int maxUnreadBytes,
    int maxOutstandingPings,
    Duration keepAliveInterval) {

  /** The spec's initial per-stream window, assumed by both sides before any window update. */
  public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

  /** Upper limit for any window: keeps one stream from pinning much memory. */
  public static final int MAX_STREAM_WINDOW = 16 * 1024 * 1024;

  /** {@return the defaults documented on each component} */
  public static YamuxConfig defaults() {
    return new YamuxConfig(
        SPEC_INITIAL_WINDOW,
        SPEC_INITIAL_WINDOW,
        1024,
        1024,
        256,
        64 * 1024,
        SPEC_INITIAL_WINDOW,
        16,
        Duration.ZERO);
  }

  /**
   * Throws {@link IllegalArgumentException} naming the first nonsensical field.
   *
   * @return this config
   */
  public YamuxConfig validate() {
    require(
        initialStreamWindow >= SPEC_INITIAL_WINDOW && initialStreamWindow <= MAX_STREAM_WINDOW,
        "initialStreamWindow must be in [256 KiB, 16 MiB], got " + initialStreamWindow);
    require(
        maxStreamWindow >= initialStreamWindow && maxStreamWindow <= MAX_STREAM_WINDOW,
        "maxStreamWindow must be in [initialStreamWindow, 16 MiB], got " + maxStreamWindow);
    require(maxInboundStreams > 0, "maxInboundStreams must be > 0, got " + maxInboundStreams);
    require(maxOutboundStreams > 0, "maxOutboundStreams must be > 0, got " + maxOutboundStreams);
    require(
        maxUnackedOutboundStreams > 0,
        "maxUnackedOutboundStreams must be > 0, got " + maxUnackedOutboundStreams);
    require(
        maxFramePayload > 0 && maxFramePayload <= SPEC_INITIAL_WINDOW,
        "maxFramePayload must be in [1, 256 KiB], got " + maxFramePayload);
    require(maxUnreadBytes > 0, "maxUnreadBytes must be > 0, got " + maxUnreadBytes);
    require(maxOutstandingPings > 0, "maxOutstandingPings must be > 0, got " + maxOutstandingPings);
    require(
        keepAliveInterval != null && !keepAliveInterval.isNegative(),
        "keepAliveInterval must be >= 0, got " + keepAliveInterval);
    return this;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("YamuxConfig: " + message);
    }
  }

  /**
   * {@return a copy with {@code initialStreamWindow} replaced; maxStreamWindow is raised to it if lower}
   *
   * @param v the new value
   */
  public YamuxConfig withInitialStreamWindow(int v) {
    return new YamuxConfig(
        v,
        Math.max(v, maxStreamWindow),
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxStreamWindow} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxStreamWindow(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        v,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxInboundStreams} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxInboundStreams(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        v,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxOutboundStreams} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxOutboundStreams(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        v,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxUnackedOutboundStreams} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxUnackedOutboundStreams(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        maxOutboundStreams,
        v,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxFramePayload} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxFramePayload(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        v,
        maxUnreadBytes,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxUnreadBytes} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxUnreadBytes(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        v,
        maxOutstandingPings,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code maxOutstandingPings} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withMaxOutstandingPings(int v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        v,
        keepAliveInterval);
  }

  /**
   * {@return a copy with {@code keepAliveInterval} replaced}
   *
   * @param v the new value
   */
  public YamuxConfig withKeepAliveInterval(Duration v) {
    return new YamuxConfig(
        initialStreamWindow,
        maxStreamWindow,
        maxInboundStreams,
        maxOutboundStreams,
        maxUnackedOutboundStreams,
        maxFramePayload,
        maxUnreadBytes,
        maxOutstandingPings,
        v);
  }
}
