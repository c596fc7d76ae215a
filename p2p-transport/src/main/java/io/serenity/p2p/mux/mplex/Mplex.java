package io.serenity.p2p.mux.mplex;

import io.netty.channel.Channel;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.StreamMuxer;

/**
 * The mplex stream multiplexer, {@value #PROTOCOL_ID} (libp2p specs {@code mplex/README.md}).
 * Deprecated by libp2p in favour of yamux, but still required by the Ethereum consensus networking
 * spec, and the only muxer some clients offer.
 *
 * <pre>{@code
 * StreamMuxer mplex = new Mplex();                 // MplexConfig.defaults()
 * MuxedConnection conn = mplex.install(channel, true);
 * conn.openStream().thenAccept(stream -> stream.write(Unpooled.wrappedBuffer(bytes)));
 * }</pre>
 */
public final class Mplex implements StreamMuxer {

  /** The multistream-select protocol id. */
  public static final String PROTOCOL_ID = "/mplex/6.7.0";

  private final MplexConfig config;

  /** An mplex muxer with {@link MplexConfig#defaults()}. */
  public Mplex() {
    this(MplexConfig.defaults());
  }

  /**
   * An mplex muxer with {@code config}, which must pass {@link MplexConfig#validate()}.
   *
   * @param config the session limits
   */
  public Mplex(MplexConfig config) {
    this.config = config.validate();
  }

  /** {@return how many times a stream's reader fell behind and held its connection's reads, in this process} */
  public static long readHolds() {
    return MplexSession.READ_HOLDS.get();
  }

  /** {@return streams reset for holding their connection's reads past {@link MplexConfig#readHoldTimeout()}} */
  public static long readHoldResets() {
    return MplexSession.READ_HOLD_RESETS.get();
  }

  /** {@return the session limits} */
  public MplexConfig config() {
    return config;
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public MuxedConnection install(Channel channel, boolean initiator) {
    MplexSession session = new MplexSession(channel, initiator, config);
    channel.pipeline()
        .addLast("mplex-frame-codec", new MplexFrameCodec(config.maxMessageSize()))
        .addLast("mplex-session", session);
    return session;
  }
}
