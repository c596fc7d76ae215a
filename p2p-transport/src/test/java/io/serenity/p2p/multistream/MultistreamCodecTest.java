package io.serenity.p2p.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class MultistreamCodecTest {

  private static final int MAX = MultistreamConfig.DEFAULT_MAX_MESSAGE_LENGTH;

  private static String hex(MultistreamMessage m) {
    ByteBuf b = MultistreamSelect.encode(m);
    try {
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  @Test
  void encodesTheSpecExamplesByteForByte() {
    assertThat(hex(MultistreamMessage.NA)).isEqualTo("036e610a");
    assertThat(hex(MultistreamMessage.LS)).isEqualTo("036c730a");
    assertThat(hex(MultistreamMessage.HEADER))
        .isEqualTo("132f6d756c746973747265616d2f312e302e300a");
    assertThat(hex(new MultistreamMessage.Protocol("/noise"))).isEqualTo("072f6e6f6973650a");
    assertThat(hex(new MultistreamMessage.Protocol("/yamux/1.0.0")))
        .isEqualTo("0d2f79616d75782f312e302e300a");
  }

  @Test
  void decodesEachMessageKindAndReturnsNullUntilComplete() {
    ByteBuf all =
        MultistreamCodec.encode(
            List.of(
                MultistreamMessage.HEADER,
                MultistreamMessage.NA,
                MultistreamMessage.LS,
                new MultistreamMessage.Protocol("/mplex/6.7.0")));
    try {
      byte[] bytes = ByteBufUtil.getBytes(all);
      for (int split = 0; split <= bytes.length; split++) {
        ByteBuf in = Unpooled.buffer();
        try {
          in.writeBytes(bytes, 0, split);
          java.util.ArrayList<MultistreamMessage> got = new java.util.ArrayList<>();
          MultistreamMessage m;
          while ((m = MultistreamCodec.decode(in, MAX)) != null) {
            got.add(m);
          }
          in.writeBytes(bytes, split, bytes.length - split);
          while ((m = MultistreamCodec.decode(in, MAX)) != null) {
            got.add(m);
          }
          assertThat(got)
              .containsExactly(
                  MultistreamMessage.HEADER,
                  MultistreamMessage.NA,
                  MultistreamMessage.LS,
                  new MultistreamMessage.Protocol("/mplex/6.7.0"));
          assertThat(in.isReadable()).isFalse();
        } finally {
          in.release();
        }
      }
    } finally {
      all.release();
    }
  }

  @Test
  void rejectsMessageWithoutTrailingNewline() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {3, 'n', 'a', 'x'});
    try {
      assertThatThrownBy(() -> MultistreamCodec.decode(in, MAX))
          .isInstanceOf(MultistreamException.class)
          .hasMessageContaining("newline");
    } finally {
      in.release();
    }
  }

  @Test
  void rejectsOverlongLengthBeforeTheBodyArrives() {
    // 1025 = 0x81 0x08: announced length one byte over the default limit.
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x08});
    try {
      assertThatThrownBy(() -> MultistreamCodec.decode(in, MAX))
          .isInstanceOf(MultistreamException.class)
          .hasMessageContaining("exceeds limit");
    } finally {
      in.release();
    }
    ByteBuf huge = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    try {
      assertThatThrownBy(() -> MultistreamCodec.decode(huge, MAX))
          .isInstanceOf(MultistreamException.class);
    } finally {
      huge.release();
    }
  }

  @Test
  void acceptsMessageOfExactlyTheLimit() {
    String id = "/" + "a".repeat(MAX - 2);
    ByteBuf in = MultistreamSelect.encode(new MultistreamMessage.Protocol(id));
    try {
      assertThat(MultistreamCodec.decode(in, MAX)).isEqualTo(new MultistreamMessage.Protocol(id));
    } finally {
      in.release();
    }
  }

  @Test
  void rejectsNonMinimalVarintAndZeroLength() {
    ByteBuf nonMinimal = Unpooled.wrappedBuffer(new byte[] {(byte) 0x83, 0x00, 'n', 'a', '\n'});
    ByteBuf zero = Unpooled.wrappedBuffer(new byte[] {0});
    try {
      assertThatThrownBy(() -> MultistreamCodec.decode(nonMinimal, MAX))
          .isInstanceOf(MultistreamException.class)
          .hasMessageContaining("non-minimal");
      assertThatThrownBy(() -> MultistreamCodec.decode(zero, MAX))
          .isInstanceOf(MultistreamException.class);
    } finally {
      nonMinimal.release();
      zero.release();
    }
  }

  @Test
  void rejectsMalformedUtf8() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {4, '/', (byte) 0xc3, (byte) 0x28, '\n'});
    try {
      assertThatThrownBy(() -> MultistreamCodec.decode(in, MAX))
          .isInstanceOf(MultistreamException.class)
          .hasMessageContaining("UTF-8");
    } finally {
      in.release();
    }
  }

  @Test
  void protocolListRoundTripsInTheReadmeFormat() {
    ByteBuf in =
        MultistreamSelect.encode(new MultistreamMessage.ProtocolList(List.of("/a/1", "/bb/2")));
    try {
      // outer len 0x0e; "/a/1\n" (05) and "/bb/2\n" (06) embedded; final '\n' (ls example in
      // detail).
      assertThat(ByteBufUtil.hexDump(in)).isEqualTo("0e052f612f310a062f62622f320a0a");
      byte[] body = MultistreamCodec.decodeBody(in, MAX);
      assertThat(MultistreamCodec.decodeList(body, MAX).protocols())
          .containsExactly("/a/1", "/bb/2");
    } finally {
      in.release();
    }
  }

  @Test
  void configValidateRejectsNonsense() {
    assertThatThrownBy(() -> new MultistreamConfig(10, 16).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageLength");
    assertThatThrownBy(() -> new MultistreamConfig(1024, 0).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxProposals");
    assertThat(MultistreamConfig.defaults().validate()).isEqualTo(new MultistreamConfig(1024, 16));
  }
}
