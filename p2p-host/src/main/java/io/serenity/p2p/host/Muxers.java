package io.serenity.p2p.host;

import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.mplex.Mplex;
import io.serenity.p2p.mux.mplex.MplexConfig;

/** Builds the configured muxers, passing the host's stream limit on. */
final class Muxers {

  private Muxers() {}

  static StreamMuxer create(String protocolId, HostConfig config) {
    int max = config.maxStreamsPerConnection();
    if (protocolId.equals(HostConfig.MPLEX)) {
      // the host enforces the total; the muxer enforces each direction as a backstop
      return new Mplex(MplexConfig.defaults().withMaxInboundStreams(max).withMaxOutboundStreams(max));
    }
    throw new IllegalArgumentException("muxer " + protocolId + " not available yet");
  }
}
