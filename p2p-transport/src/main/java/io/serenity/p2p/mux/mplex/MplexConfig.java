package io.serenity.p2p.mux.mplex;

/**
 * Tunables of an mplex session. mplex has no flow control (spec "Implementation notes"), so these
 * limits are what keeps one peer from exhausting our memory.
 *
 * <pre>{@code
 * MplexConfig config = MplexConfig.defaults().withMaxInboundStreams(256);
 * StreamMuxer muxer = new Mplex(config);
 * }</pre>
 *
 * @param maxMessageSize largest data segment of one frame, both directions; default 1 MiB, the cap
 *     go-mplex, js-mplex and rust-libp2p apply. A larger inbound frame closes the connection.
 * @param maxInboundStreams streams the remote may have open at once; a NewStream beyond it is
 *     answered with a reset (js-mplex {@code maxInboundStreams}); default 1024
 * @param maxOutboundStreams streams we may have open at once; {@code openStream} fails beyond it;
 *     default 1024
 * @param maxBufferedBytesPerStream inbound bytes held for a stream that has no handler yet, or whose
 *     reader paused ({@code MuxedStream.setReadPaused}); beyond it the stream is reset, the "reset
 *     the offending stream" option of the spec's implementation notes (js-mplex {@code
 *     maxStreamBufferSize}); default 4 MiB
 * @param writeChunkSize a write larger than this is sent as several messages of at most this many
 *     bytes; default 1 MiB, never above {@code maxMessageSize}
 * @param readHoldTimeout how long one stream whose reader fell behind may hold the connection's
 *     reads (see {@code MuxedStream.creditOnConsume}: mplex has no per-stream flow control, so the
 *     only back-pressure it can give is to stop reading the socket, which stalls every stream of
 *     the connection). A stream still behind after this long is reset; default 10 s
 */
public record MplexConfig(
    int maxMessageSize,
    int maxInboundStreams,
    int maxOutboundStreams,
    int maxBufferedBytesPerStream,
    int writeChunkSize,
    java.time.Duration readHoldTimeout) {

  /** 1 MiB: the spec's "up to 1MiB per message". */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;

  /** Default for both stream limits, as js-mplex. */
  public static final int DEFAULT_MAX_STREAMS = 1024;

  /** 4 MiB, as js-mplex's {@code maxStreamBufferSize}. */
  public static final int DEFAULT_MAX_BUFFERED_BYTES_PER_STREAM = 4 << 20;

  /** 10 s: a reader this far behind is stuck, not slow; go-mplex resets after 5 s. */
  public static final java.time.Duration DEFAULT_READ_HOLD_TIMEOUT = java.time.Duration.ofSeconds(10);

  /** {@return the defaults documented on the record components} */
  public static MplexConfig defaults() {
    return new MplexConfig(
        DEFAULT_MAX_MESSAGE_SIZE,
        DEFAULT_MAX_STREAMS,
        DEFAULT_MAX_STREAMS,
        DEFAULT_MAX_BUFFERED_BYTES_PER_STREAM,
        DEFAULT_MAX_MESSAGE_SIZE,
        DEFAULT_READ_HOLD_TIMEOUT);
  }

  /**
   * Returns this config if it is consistent; throws {@link IllegalArgumentException} otherwise.
   *
   * @return this config
   */
  public MplexConfig validate() {
    require(maxMessageSize >= 1 && maxMessageSize <= 1 << 30,
        "maxMessageSize must be in [1, 2^30], was " + maxMessageSize);
    require(maxInboundStreams >= 0, "maxInboundStreams must be >= 0, was " + maxInboundStreams);
    require(maxOutboundStreams >= 0, "maxOutboundStreams must be >= 0, was " + maxOutboundStreams);
    require(maxBufferedBytesPerStream >= 0,
        "maxBufferedBytesPerStream must be >= 0, was " + maxBufferedBytesPerStream);
    require(writeChunkSize >= 1 && writeChunkSize <= maxMessageSize,
        "writeChunkSize must be in [1, maxMessageSize=" + maxMessageSize + "], was "
            + writeChunkSize);
    require(readHoldTimeout != null && readHoldTimeout.isPositive(),
        "readHoldTimeout must be positive, was " + readHoldTimeout);
    return this;
  }

  /**
   * Also lowers {@code writeChunkSize} when it would exceed the new limit.
   *
   * @param value the new largest message, in bytes
   * @return a copy with {@code maxMessageSize} set to {@code value}
   */
  public MplexConfig withMaxMessageSize(int value) {
    return new MplexConfig(value, maxInboundStreams, maxOutboundStreams,
        maxBufferedBytesPerStream, Math.min(writeChunkSize, value), readHoldTimeout);
  }

  /**
   * {@return a copy with {@link #maxInboundStreams()} set to {@code value}}
   *
   * @param value the new value
   */
  public MplexConfig withMaxInboundStreams(int value) {
    return new MplexConfig(maxMessageSize, value, maxOutboundStreams,
        maxBufferedBytesPerStream, writeChunkSize, readHoldTimeout);
  }

  /**
   * {@return a copy with {@link #maxOutboundStreams()} set to {@code value}}
   *
   * @param value the new value
   */
  public MplexConfig withMaxOutboundStreams(int value) {
    return new MplexConfig(maxMessageSize, maxInboundStreams, value,
        maxBufferedBytesPerStream, writeChunkSize, readHoldTimeout);
  }

  /**
   * {@return a copy with {@link #maxBufferedBytesPerStream()} set to {@code value}}
   *
   * @param value the new value
   */
  public MplexConfig withMaxBufferedBytesPerStream(int value) {
    return new MplexConfig(maxMessageSize, maxInboundStreams, maxOutboundStreams, value,
        writeChunkSize, readHoldTimeout);
  }

  /**
   * {@return a copy with {@link #writeChunkSize()} set to {@code value}}
   *
   * @param value the new value
   */
  public MplexConfig withWriteChunkSize(int value) {
    return new MplexConfig(maxMessageSize, maxInboundStreams, maxOutboundStreams,
        maxBufferedBytesPerStream, value, readHoldTimeout);
  }

  /**
   * {@return a copy with {@link #readHoldTimeout()} set to {@code value}}
   *
   * @param value the new value
   */
  public MplexConfig withReadHoldTimeout(java.time.Duration value) {
    return new MplexConfig(maxMessageSize, maxInboundStreams, maxOutboundStreams,
        maxBufferedBytesPerStream, writeChunkSize, value);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("MplexConfig: " + message);
    }
  }
}
