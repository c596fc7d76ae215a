package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.mux.yamux.Yamux;
import io.serenity.p2p.mux.yamux.YamuxConfig;
import org.junit.jupiter.api.Test;

class MuxersTest {

  private static YamuxConfig yamux(HostConfig config) {
    return ((Yamux) Muxers.create(HostConfig.YAMUX, config)).config();
  }

  @Test
  void yamuxWindowsAutoTuneUpToWhatAStreamMayHold() {
    HostConfig defaults = HostConfig.defaults();
    YamuxConfig c = yamux(defaults);
    assertThat(c.initialStreamWindow()).isEqualTo(YamuxConfig.SPEC_INITIAL_WINDOW);
    // the default read buffer, 4 MiB, is what a grown window may reach: more than the initial window,
    // so the session measures a round trip and streams that use their window quickly double it
    assertThat(c.maxStreamWindow()).isEqualTo(defaults.maxStreamReadBuffer()).isEqualTo(4 << 20);
    assertThat(c.maxStreamWindow()).isGreaterThan(c.initialStreamWindow());
  }

  @Test
  void aSmallReadBufferKeepsTheSpecWindowAndALargeOneIsCappedAt16MiB() {
    assertThat(yamux(HostConfig.builder().maxStreamReadBuffer(64 * 1024).build()).maxStreamWindow())
        .isEqualTo(YamuxConfig.SPEC_INITIAL_WINDOW);
    assertThat(yamux(HostConfig.builder().maxStreamReadBuffer(64 << 20)
            .resources(ResourceLimits.defaults().withPeer(1024, 1024, 64L << 20)).build()).maxStreamWindow())
        .isEqualTo(YamuxConfig.MAX_STREAM_WINDOW);
  }

  @Test
  void theHostsStreamLimitAndKeepAliveStillReachYamux() {
    HostConfig config = HostConfig.builder().maxStreamsPerConnection(77).build();
    YamuxConfig c = yamux(config);
    assertThat(c.maxInboundStreams()).isEqualTo(77);
    assertThat(c.maxOutboundStreams()).isEqualTo(77);
    assertThat(c.keepAliveInterval()).hasSeconds(30);
  }
}
