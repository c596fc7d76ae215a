package io.serenity.p2p.mux.yamux;

import io.netty.channel.Channel;
import io.serenity.p2p.mux.StreamMuxer;
import java.util.function.LongSupplier;

/**
 * The yamux stream muxer ({@value #PROTOCOL_ID}, hashicorp yamux spec as used by libp2p).
 *
 * <pre>{@code
 * StreamMuxer yamux = Yamux.create();
 * YamuxSession session = yamux.install(securedChannel, isDialer);
 * session.setInboundStreamAcceptor(stream -> stream.setHandler(myHandler));
 * MuxedStream out = session.openStream().join();
 * }</pre>
 */
public final class Yamux implements StreamMuxer {
  /** The yamux protocol id. */
  public static final String PROTOCOL_ID = "/yamux/1.0.0";

  private final YamuxConfig config;
  private final LongSupplier nanoClock;

  private Yamux(YamuxConfig config, LongSupplier nanoClock) {
    this.config = config.validate();
    this.nanoClock = nanoClock;
  }

  /**
   * Yamux with {@link YamuxConfig#defaults()}.
   *
   * @return the muxer
   */
  public static Yamux create() {
    return create(YamuxConfig.defaults());
  }

  /**
   * Yamux with {@code config}; throws if it does not validate.
   *
   * @param config the session settings
   * @return the muxer
   */
  public static Yamux create(YamuxConfig config) {
    return new Yamux(config, System::nanoTime);
  }

  /** For tests: ping round-trip times are measured with {@code nanoClock}. */
  static Yamux create(YamuxConfig config, LongSupplier nanoClock) {
    return new Yamux(config, nanoClock);
  }

  /** {@return the session settings} */
  public YamuxConfig config() {
    return config;
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public YamuxSession install(Channel channel, boolean initiator) {
    YamuxSession session = new YamuxSession(channel, initiator, config, nanoClock);
    channel
        .pipeline()
        .addLast("yamux-decoder", new YamuxFrameDecoder(config.maxStreamWindow()))
        .addLast("yamux-session", session);
    return session;
  }
}
