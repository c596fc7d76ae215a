package io.serenity.p2p.mux.yamux;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.mux.MuxFuzzDriver;

/**
 * Fuzz target of a yamux session fed a remote's bytes: {@link YamuxFrameDecoder} in front of a {@link
 * YamuxSession}, driven by {@link MuxFuzzDriver} (input layout and invariants there). The limits are
 * small so that a short run reaches them: 4 inbound streams, 32 KiB unread per stream without a handler.
 * The only exception the session may meet is {@link YamuxException}, answered with GoAway and a close.
 */
class YamuxFuzzTest {

  static final YamuxConfig CONFIG =
      YamuxConfig.defaults().withMaxInboundStreams(4).withMaxUnreadBytes(32 << 10).withMaxFramePayload(4096);

  @FuzzTest(maxDuration = "10s")
  void session(byte[] data) throws Exception {
    MuxFuzzDriver.run(data, initiator -> ch -> {
      YamuxSession session = new YamuxSession(ch, initiator, CONFIG, System::nanoTime);
      return new MuxFuzzDriver.Installed(
          new YamuxFrameDecoder(CONFIG.maxStreamWindow()), session, session, session::bufferedBytes);
    }, YamuxException.class);
  }
}
