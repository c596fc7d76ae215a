package io.serenity.p2p.host;

import io.serenity.p2p.mux.StreamMuxer;

/** Builds the configured muxers, passing the host's stream limit on. */
final class Muxers {

  private Muxers() {}

  static StreamMuxer create(String protocolId, HostConfig config) {
    throw new IllegalArgumentException("muxer " + protocolId + " not available yet");
  }
}
