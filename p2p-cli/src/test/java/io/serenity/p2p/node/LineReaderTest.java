package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lines of bytes from --publish-stdin: the ends BufferedReader knows, no decoding, a bound on length. */
class LineReaderTest {

  /** Every line of {@code in}, as text, with "<too long: n>" for a line over the bound. */
  private static List<String> lines(InputStream in, int max) throws IOException {
    LineReader r = new LineReader(in, max);
    List<String> out = new ArrayList<>();
    byte[] l;
    while ((l = r.readLine()) != null) {
      out.add(l == LineReader.TOO_LONG ? "<too long: " + r.lastLength() + ">" : new String(l, StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** Hands out at most {@code n} bytes per read, so lines and their ends straddle reads. */
  private static InputStream chunked(byte[] data, int n) {
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, n));
      }
    };
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void endsLinesAtLfCrLfAndLoneCrAndKeepsALastLineWithoutAnEnd() throws IOException {
    byte[] in = ascii("a\nbb\r\nccc\rdddd\n\n\r\n\reee");
    List<String> want = List.of("a", "bb", "ccc", "dddd", "", "", "", "eee");
    for (int chunk : new int[] {1, 2, 3, 1 << 16}) {
      assertThat(lines(chunked(in, chunk), 100)).as("reads of %d bytes", chunk).isEqualTo(want);
    }
    assertThat(lines(new ByteArrayInputStream(ascii("x\n")), 100)).containsExactly("x");
    assertThat(lines(new ByteArrayInputStream(new byte[0]), 100)).isEmpty();
  }

  @Test
  void bytesThatAreNotUtf8ArePublishedAsTheyCame() throws IOException {
    byte[] in = {(byte) 0xff, (byte) 0xc3, 0x28, 0, (byte) 0x80, '\n', 'z'};
    LineReader r = new LineReader(new ByteArrayInputStream(in), 100);
    assertThat(r.readLine()).containsExactly(0xff, 0xc3, 0x28, 0, 0x80);
    assertThat(r.readLine()).containsExactly('z');
    assertThat(r.readLine()).isNull();
  }

  @Test
  void aLineOverTheBoundIsSkippedToItsEndAndTheNextIsRead() throws IOException {
    String big = "y".repeat(100_000);
    byte[] in = ascii("short\n" + "x".repeat(11) + "\n" + "w".repeat(10) + "\n" + big + "\r\nafter\n" + big);
    for (int chunk : new int[] {1, 7, 1 << 16}) {
      assertThat(lines(chunked(in, chunk), 10)).as("reads of %d bytes", chunk)
          .containsExactly("short", "<too long: 11>", "w".repeat(10), "<too long: 100000>", "after",
              "<too long: 100000>");
    }
  }

  @Test
  void readyWhileBytesAreBufferedOrWaiting() throws IOException {
    LineReader r = new LineReader(new ByteArrayInputStream(ascii("a\nb\n")), 10);
    assertThat(r.ready()).isTrue();
    r.readLine();
    assertThat(r.ready()).isTrue();
    r.readLine();
    assertThat(r.ready()).isFalse();
    assertThat(r.readLine()).isNull();
  }

  @Test
  void findsLineEndsWhereverTheyAreInAWord() {
    Random rnd = new Random(7);
    for (int k = 0; k < 20_000; k++) {
      byte[] b = new byte[1 + rnd.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        int p = rnd.nextInt(10);
        b[i] = p == 0 ? (byte) '\n' : p == 1 ? (byte) '\r' : (byte) rnd.nextInt(256);
      }
      int from = rnd.nextInt(b.length);
      int want = from;
      while (want < b.length && b[want] != '\n' && b[want] != '\r') {
        want++;
      }
      assertThat(LineReader.lineEnd(b, from, b.length)).as(Arrays.toString(b) + " from " + from).isEqualTo(want);
    }
    // bytes that differ from \n and \r by one bit, and the high-bit neighbours, are not ends
    byte[] near = {0x0b, 0x08, 0x0c, 0x0f, 0x09, (byte) 0x8a, (byte) 0x8d, 0x1a, 0x2d, 0x0e, 0x00, (byte) 0xff, 0x0a};
    assertThat(LineReader.lineEnd(near, 0, near.length)).isEqualTo(near.length - 1);
  }
}
