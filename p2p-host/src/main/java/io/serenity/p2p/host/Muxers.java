package io.serenity.p2p.host;

import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.mplex.Mplex;
import io.serenity.p2p.mux.mplex.MplexConfig;
import io.serenity.p2p.mux.yamux.Yamux;
import io.serenity.p2p.mux.yamux.YamuxConfig;

/** Builds the configured muxers, passing the host's stream limit on. */
final class Muxers {

  private Muxers() {}

  static StreamMuxer create(String protocolId, HostConfig config) {
    int max = config.maxStreamsPerConnection();
    if (protocolId.equals(HostConfig.MPLEX)) {
      // the host enforces the total; the muxer enforces each direction as a backstop
      return new Mplex(MplexConfig.defaults().withMaxInboundStreams(max).withMaxOutboundStreams(max));
    }
    if (protocolId.equals(HostConfig.YAMUX)) {
      // keep-alive: connection liveness is the muxer's business (long-lived streams are never reset
      // for idleness); a ping unanswered for 30 s closes the connection, as go-libp2p's yamux does
      // window auto-tuning up to what a stream may hold anyway: streams grant window as their protocol
      // reads (creditOnConsume with maxStreamReadBuffer) and the resource manager reserves
      // maxStreamReadBuffer per stream, so a grown window pins nothing the limits did not allow for. A
      // fixed 256 KiB window held one warm stream to about half of what it carries with room to grow.
      int window = Math.max(YamuxConfig.SPEC_INITIAL_WINDOW,
          Math.min(YamuxConfig.MAX_STREAM_WINDOW, config.maxStreamReadBuffer()));
      return Yamux.create(YamuxConfig.defaults().withMaxInboundStreams(max).withMaxOutboundStreams(max)
          .withMaxStreamWindow(window)
          .withKeepAliveInterval(java.time.Duration.ofSeconds(30)));
    }
    throw new IllegalArgumentException("unknown muxer " + protocolId);
  }
}
