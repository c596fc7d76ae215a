package io.serenity.p2p.mux.mplex;

import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.mux.StreamMuxerContractTest;

/** The behaviour every muxer shares, run against mplex. */
class MplexContractTest extends StreamMuxerContractTest {

  private final Mplex mplex = new Mplex();

  @Override
  protected StreamMuxer muxer() {
    return mplex;
  }

  /**
   * No bound. mplex has no flow control (spec "Deprecation Notice"): a write completes once the
   * transport took the bytes, and the contract's Netty local channel takes everything at once, so
   * bytes in flight are limited only by how far the reader's event loop lags. Over TCP the socket
   * buffers bound them; {@code MplexOverTcpTest} proves that.
   */
  @Override
  protected long inFlightBound() {
    return Long.MAX_VALUE;
  }
}
