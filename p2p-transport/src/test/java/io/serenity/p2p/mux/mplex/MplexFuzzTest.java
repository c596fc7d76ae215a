package io.serenity.p2p.mux.mplex;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.mux.MuxFuzzDriver;

/**
 * Fuzz target of an mplex session fed a remote's bytes: {@link MplexFrameCodec} in front of an {@link
 * MplexSession}, driven by {@link MuxFuzzDriver} (input layout and invariants there). The limits are
 * small so that a short run reaches them: 4 KiB messages, 4 inbound streams, 16 KiB buffered per stream.
 * The only exception the session may meet is {@link MplexException}, answered with a close.
 */
class MplexFuzzTest {

  static final MplexConfig CONFIG =
      MplexConfig.defaults().withMaxMessageSize(4096).withMaxInboundStreams(4).withMaxBufferedBytesPerStream(16 << 10);

  @FuzzTest(maxDuration = "10s")
  void session(byte[] data) throws Exception {
    MuxFuzzDriver.run(data, initiator -> ch -> {
      MplexSession session = new MplexSession(ch, initiator, CONFIG);
      return new MuxFuzzDriver.Installed(new MplexFrameCodec(CONFIG.maxMessageSize()), session, session, () -> 0);
    }, MplexException.class);
  }
}
