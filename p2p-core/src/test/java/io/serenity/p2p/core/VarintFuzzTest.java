package io.serenity.p2p.core;

import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzz target of {@link Varint#decode(ByteBuffer, long)}, the length prefix of multiaddrs, multihashes and
 * every length-prefixed libp2p message. Input: one byte choosing the maximum, then the bytes to decode.
 * Invariant: a value within the maximum whose minimal encoding is exactly the bytes consumed (at most 9),
 * or {@link FormatException} with the position unchanged; nothing else.
 */
class VarintFuzzTest {

  private static final long[] MAXIMA = {
    Long.MAX_VALUE, 0, 1, 127, 128, 1023, 65_535, 1 << 20, Integer.MAX_VALUE, 1L << 56
  };

  @FuzzTest(maxDuration = "10s")
  void varintDecode(byte[] data) {
    long max = MAXIMA[u8(data, 0) % MAXIMA.length];
    ByteBuffer buf = ByteBuffer.wrap(data);
    buf.position(Math.min(1, data.length));
    int start = buf.position();
    long v;
    try {
      v = Varint.decode(buf, max);
    } catch (FormatException e) {
      assertThat(buf.position()).isEqualTo(start);
      return;
    } catch (RuntimeException e) {
      expectOnly(e, data, FormatException.class);
      return;
    }
    int used = buf.position() - start;
    assertThat(used).isBetween(1, Varint.MAX_BYTES);
    assertThat(v).isBetween(0L, max);
    assertThat(Varint.encode(v)).isEqualTo(Arrays.copyOfRange(data, start, start + used));
  }
}
