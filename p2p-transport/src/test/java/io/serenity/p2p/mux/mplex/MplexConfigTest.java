package io.serenity.p2p.mux.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MplexConfigTest {

  @Test
  void defaultsAreValidAndMatchTheDocumentedValues() {
    MplexConfig config = MplexConfig.defaults().validate();
    assertThat(config.maxMessageSize()).isEqualTo(1 << 20);
    assertThat(config.maxInboundStreams()).isEqualTo(1024);
    assertThat(config.maxOutboundStreams()).isEqualTo(1024);
    assertThat(config.maxBufferedBytesPerStream()).isEqualTo(4 << 20);
    assertThat(config.writeChunkSize()).isEqualTo(1 << 20);
    assertThat(config.readHoldTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(new Mplex().protocolId()).isEqualTo("/mplex/6.7.0").isEqualTo(Mplex.PROTOCOL_ID);
  }

  @Test
  void validateRejectsNonsense() {
    assertThatThrownBy(() -> MplexConfig.defaults().withMaxMessageSize(0).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> MplexConfig.defaults().withMaxInboundStreams(-1).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInboundStreams");
    assertThatThrownBy(() -> MplexConfig.defaults().withMaxOutboundStreams(-1).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutboundStreams");
    assertThatThrownBy(() -> MplexConfig.defaults().withMaxBufferedBytesPerStream(-1).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBufferedBytesPerStream");
    assertThatThrownBy(() -> MplexConfig.defaults().withWriteChunkSize((1 << 20) + 1).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeChunkSize");
    assertThatThrownBy(() -> MplexConfig.defaults().withReadHoldTimeout(java.time.Duration.ZERO).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readHoldTimeout");
    assertThatThrownBy(() -> MplexConfig.defaults().withReadHoldTimeout(null).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readHoldTimeout");
    assertThatThrownBy(() -> new Mplex(MplexConfig.defaults().withWriteChunkSize(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loweringTheMessageSizeAlsoLowersTheChunkSize() {
    assertThat(MplexConfig.defaults().withMaxMessageSize(1000).validate().writeChunkSize())
        .isEqualTo(1000);
  }
}
