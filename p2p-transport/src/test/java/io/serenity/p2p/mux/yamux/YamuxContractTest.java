package io.serenity.p2p.mux.yamux;

import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.StreamMuxerContractTest;

/** Yamux against the shared muxer contract. */
class YamuxContractTest extends StreamMuxerContractTest {
  private final Yamux yamux = Yamux.create();

  @Override
  protected StreamMuxer muxer() {
    return yamux;
  }

  @Override
  protected long bufferedBytes(MuxedConnection connection) {
    return ((YamuxSession) connection).maxBufferedBytes();
  }

  /** One 256 KiB window in flight plus one queued 64 KiB write, with slack. */
  @Override
  protected long inFlightBound() {
    return 2L * YamuxConfig.SPEC_INITIAL_WINDOW;
  }
}
