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

  @Test
  void aLargeMessageGathersInAPooledArrayThatGoesBackOnceItIsRead() {
    ArrayPool pool = new ArrayPool(1 << 24);
    ReadBuffer b = new ReadBuffer(pool);
    byte[] body = new byte[200_000];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) (i * 31 + round);
      }
      for (int off = 0; off < body.length; off += 7_000) { // arrives in pieces, as from a muxer
        append(b, body, off, Math.min(body.length, off + 7_000));
      }
      // in use: the 256 KiB array; back in the pool: the 128 KiB one it grew from
      assertThat(pool.heldBytes()).isEqualTo(128 * 1024);
      byte[] got = b.decode(body.length, buf -> {
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
      });
      assertThat(got).isEqualTo(body);
      assertThat(pool.heldBytes()).isEqualTo(384 * 1024); // the 256 KiB array given back once read
    }
    // the first message allocated both arrays; the next two grew through the same two again
    assertThat(pool.allocatedCount()).isEqualTo(2);
    assertThat(pool.reusedCount()).isEqualTo(4);
  }

  @Test
  void clearGivesBackAPooledArrayAndBytesLeftInItSurviveGrowth() {
    ArrayPool pool = new ArrayPool(1 << 24);
    ReadBuffer b = new ReadBuffer(pool);
    byte[] chunk = new byte[100_000];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (byte) i;
    }
    append(b, chunk, 0, chunk.length);
    append(b, chunk, 0, chunk.length);
    assertThat(b.take(150_000)).startsWith(java.util.Arrays.copyOf(chunk, 100_000));
    assertThat(b.readable()).isEqualTo(50_000);
    assertThat(pool.heldBytes()).isEqualTo(128 * 1024); // outgrown, given back; 256 KiB in use
    b.clear();
    assertThat(b.readable()).isZero();
    assertThat(pool.heldBytes()).isEqualTo(384 * 1024);
  }

  @Test
  void aClearDuringADecodeWaitsUntilTheDecoderReturns() {
    // a stream reset while a message reader runs clears the buffer: the pooled array under the
    // reader's view must not go back to the pool (another stream could fill it) before it returns
    ArrayPool pool = new ArrayPool(1 << 24);
    ReadBuffer b = new ReadBuffer(pool);
    byte[] body = new byte[200_000];
    java.util.Arrays.fill(body, (byte) 7);
    append(b, body, 0, body.length);
    long heldBefore = pool.heldBytes();
    byte[] got = b.decode(body.length / 2, buf -> {
      b.clear();
      assertThat(pool.heldBytes()).as("the array is still in use").isEqualTo(heldBefore);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    });
    assertThat(got).hasSize(body.length / 2).containsOnly((byte) 7);
    assertThat(b.readable()).as("the clear took effect once the decoder returned").isZero();
    assertThat(pool.heldBytes()).isEqualTo(heldBefore + 256 * 1024);
  }
}
