package io.serenity.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.serenity.p2p.core.Varint;
import org.junit.jupiter.api.Test;

class ReadBufferTest {

  private static void append(ReadBuffer b, byte[] bytes, int from, int to) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes, from, to - from);
    try {
      b.append(in);
    } finally {
      in.release();
    }
  }

  @Test
  void lengthPrefixedMessageSplitAtEveryOffset() {
    byte[] body = new byte[300];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    byte[] prefix = Varint.encode(body.length);
    byte[] wire = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, wire, 0, prefix.length);
    System.arraycopy(body, 0, wire, prefix.length, body.length);
    int[] len = new int[1];
    for (int split = 0; split <= wire.length; split++) {
      ReadBuffer b = new ReadBuffer();
      append(b, wire, 0, split);
      long v = b.peekUvarint(len);
      if (split < prefix.length) {
        assertThat(v).isEqualTo(ReadBuffer.INCOMPLETE);
      }
      append(b, wire, split, wire.length);
      assertThat(b.peekUvarint(len)).isEqualTo(body.length);
      assertThat(len[0]).isEqualTo(prefix.length);
      b.skip(len[0]);
      assertThat(b.take(body.length)).isEqualTo(body);
      assertThat(b.readable()).isZero();
    }
  }

  @Test
  void nonMinimalAndOverlongVarintsAreRejected() {
    ReadBuffer b = new ReadBuffer();
    append(b, new byte[] {(byte) 0x81, 0x00}, 0, 2);
    assertThatThrownBy(() -> b.peekUvarint(new int[1])).hasMessageContaining("non-minimal");
    ReadBuffer c = new ReadBuffer();
    byte[] overlong = new byte[10];
    java.util.Arrays.fill(overlong, (byte) 0x80);
    append(c, overlong, 0, overlong.length);
    assertThatThrownBy(() -> c.peekUvarint(new int[1])).hasMessageContaining("longer than 9");
  }

  @Test
  void growsAndCompacts() {
    ReadBuffer b = new ReadBuffer();
    byte[] chunk = new byte[1000];
    for (int i = 0; i < 100; i++) {
      chunk[0] = (byte) i;
      append(b, chunk, 0, chunk.length);
      assertThat(b.take(1000)[0]).isEqualTo((byte) i);
    }
    assertThat(b.readable()).isZero();
  }

  @Test
  void decodeHandsOverTheBytesInPlaceAndConsumesThemEvenWhenTheDecoderThrows() {
    ReadBuffer b = new ReadBuffer();
    byte[] wire = {1, 2, 3, 4, 5, 6};
    append(b, wire, 0, wire.length);
    int first = b.decode(2, buf -> {
      assertThat(buf.remaining()).isEqualTo(2);
      return (buf.get(buf.position()) << 8) | buf.get(buf.position() + 1);
    });
    assertThat(first).isEqualTo(0x0102);
    assertThatThrownBy(() -> b.decode(3, buf -> {
      throw new IllegalArgumentException("bad");
    })).hasMessage("bad");
    assertThat(b.readable()).isEqualTo(1);
    assertThat(b.takeAll()).containsExactly(6);
  }
}
