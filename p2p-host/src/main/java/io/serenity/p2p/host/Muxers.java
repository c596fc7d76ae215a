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
      return Yamux.create(YamuxConfig.defaults().withMaxInboundStreams(max).withMaxOutboundStreams(max)
          .withKeepAliveInterval(java.time.Duration.ofSeconds(30)));
    }
    throw new IllegalArgumentException("unknown muxer " + protocolId);
  }
}
