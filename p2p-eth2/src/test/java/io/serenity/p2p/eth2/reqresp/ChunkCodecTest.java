package io.serenity.p2p.eth2.reqresp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Varint;
import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

class ChunkCodecTest {

  private static final int MAX = Method.MAX_PAYLOAD_SIZE;

  private static byte[] data(int n, boolean compressible) {
    byte[] b = new byte[n];
    if (compressible) {
      for (int i = 0; i < n; i++) {
        b[i] = (byte) (i % 7);
      }
    } else {
      new Random(n).nextBytes(b);
    }
    return b;
  }

  private static ChunkDecoder requestDecoder(int min, int max) {
    return new ChunkDecoder(false, 0, min, max, 1, "test");
  }

  private static ChunkDecoder responseDecoder(int min, int max, int chunks) {
    return new ChunkDecoder(true, 0, min, max, chunks, "test");
  }

  private static List<Chunk> decodeAll(ChunkDecoder d, byte[] wire) {
    List<Chunk> out = new ArrayList<>();
    d.feed(ByteBuffer.wrap(wire), out::add);
    d.end();
    return out;
  }

  @Test
  void requestRoundTripsForSizesAroundTheSnappyChunkBoundary() {
    for (int n : new int[] {0, 1, 84, 65535, 65536, 65537, 200_000}) {
      for (boolean compressible : new boolean[] {true, false}) {
        byte[] ssz = data(n, compressible);
        List<Chunk> got = decodeAll(requestDecoder(0, MAX), ChunkCodec.request(ssz));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).payload()).as("size %d compressible %s", n, compressible).isEqualTo(ssz);
      }
    }
  }

  @Test
  void ourFramesDecodeWithSnappyJavaAndTheirsWithOurs() throws Exception {
    byte[] ssz = data(150_000, true);
    byte[] ours = SnappyFrames.encode(ssz);
    try (SnappyFramedInputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(ours), true)) {
      assertThat(in.readAllBytes()).isEqualTo(ssz);
    }
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    try (SnappyFramedOutputStream out = new SnappyFramedOutputStream(theirs)) {
      out.write(ssz);
    }
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(Varint.encode(ssz.length));
    wire.writeBytes(theirs.toByteArray());
    assertThat(decodeAll(requestDecoder(0, MAX), wire.toByteArray()).get(0).payload()).isEqualTo(ssz);
  }

  @Test
  void responseChunksDecodeWhenSplitAtEveryByteOffset() {
    byte[] a = data(84, false);
    byte[] b = data(3000, true);
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.writeBytes(ChunkCodec.success(new byte[0], a));
    w.writeBytes(ChunkCodec.success(new byte[0], b));
    w.writeBytes(ChunkCodec.error(ResultCode.RESOURCE_UNAVAILABLE, "gone"));
    byte[] wire = w.toByteArray();
    for (int split = 0; split <= wire.length; split++) {
      ChunkDecoder d = responseDecoder(0, MAX, 10);
      List<Chunk> out = new ArrayList<>();
      d.feed(ByteBuffer.wrap(wire, 0, split), out::add);
      d.feed(ByteBuffer.wrap(wire, split, wire.length - split), out::add);
      d.end();
      assertThat(out).as("split %d", split).hasSize(3);
      assertThat(out.get(0).payload()).isEqualTo(a);
      assertThat(out.get(1).payload()).isEqualTo(b);
      assertThat(out.get(2).code()).isEqualTo(ResultCode.RESOURCE_UNAVAILABLE);
      assertThat(ChunkCodec.errorText(out.get(2).payload())).isEqualTo("gone");
    }
  }

  @Test
  void requestDecodesFedOneByteAtATime() {
    byte[] ssz = data(70_000, true);
    byte[] wire = ChunkCodec.request(ssz);
    ChunkDecoder d = requestDecoder(0, MAX);
    List<Chunk> out = new ArrayList<>();
    for (byte x : wire) {
      d.feed(ByteBuffer.wrap(new byte[] {x}), out::add);
    }
    d.end();
    assertThat(out.get(0).payload()).isEqualTo(ssz);
  }

  @Test
  void everyTruncationOfAChunkIsRejectedAtEndOfStream() {
    byte[] wire = ChunkCodec.success(new byte[0], data(500, true));
    for (int cut = 1; cut < wire.length; cut++) {
      ChunkDecoder d = responseDecoder(0, MAX, 1);
      d.feed(ByteBuffer.wrap(wire, 0, cut), c -> {});
      assertThatThrownBy(d::end).as("cut %d", cut)
          .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
    }
  }

  @Test
  void emptyStreamIsATruncatedRequestButAnEmptyResponse() {
    assertThatThrownBy(() -> requestDecoder(0, MAX).end())
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
    assertThat(decodeAll(responseDecoder(0, MAX, 5), new byte[0])).isEmpty();
  }

  @Test
  void declaredLengthOverTheMaximumIsRejectedBeforeAnyPayloadIsRead() {
    // only the header: no snappy bytes follow, so the rejection cannot come from decompression
    byte[] header = Varint.encode(85);
    assertThatThrownBy(() -> requestDecoder(84, 84).feed(ByteBuffer.wrap(header), c -> {}))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    byte[] huge = Varint.encode(MAX + 1L);
    assertThatThrownBy(() -> requestDecoder(0, MAX).feed(ByteBuffer.wrap(huge), c -> {}))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    // a 10-byte varint continuation is refused after its 4th byte already
    byte[] endless = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> requestDecoder(0, MAX).feed(ByteBuffer.wrap(endless), c -> {}))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void declaredLengthUnderTheMinimumIsRejected() {
    assertThatThrownBy(() -> decodeAll(requestDecoder(84, 84), ChunkCodec.request(new byte[83])))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
  }

  @Test
  void responseChunkOverTheMaximumIsRejected() {
    byte[] wire = ChunkCodec.success(new byte[0], new byte[100]);
    assertThatThrownBy(() -> decodeAll(responseDecoder(0, 99, 1), wire))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void errorMessageLongerThan256BytesIsRejectedAndOursIsCut() {
    assertThat(ChunkCodec.errorMessage("x".repeat(1000))).hasSize(256);
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.write(ResultCode.SERVER_ERROR);
    w.writeBytes(Varint.encode(257));
    w.writeBytes(SnappyFrames.encode(new byte[257]));
    assertThatThrownBy(() -> decodeAll(responseDecoder(0, MAX, 1), w.toByteArray()))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void reservedResultCodesAreRejectedAndHighCodesAreErrors() {
    for (int code = 4; code <= 127; code++) {
      byte[] wire = ChunkCodec.success(new byte[0], new byte[8]);
      wire[0] = (byte) code;
      int c = code;
      assertThatThrownBy(() -> decodeAll(responseDecoder(0, MAX, 1), wire)).as("code %d", c)
          .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_RESULT_CODE));
    }
    List<Chunk> got = decodeAll(responseDecoder(8, 8, 1), ChunkCodec.error(139, "rate limited"));
    assertThat(got.get(0).code()).isEqualTo(139);
  }

  @Test
  void nothingMayFollowAnErrorChunkOrTheRequest() {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.writeBytes(ChunkCodec.error(ResultCode.INVALID_REQUEST, "no"));
    w.writeBytes(ChunkCodec.success(new byte[0], new byte[8]));
    assertThatThrownBy(() -> decodeAll(responseDecoder(0, MAX, 5), w.toByteArray()))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRAILING_DATA));
    byte[] req = ChunkCodec.request(new byte[8]);
    byte[] trailing = Arrays.copyOf(req, req.length + 1);
    assertThatThrownBy(() -> decodeAll(requestDecoder(0, MAX), trailing))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRAILING_DATA));
  }

  @Test
  void moreChunksThanTheMethodAllowsAreRejected() {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      w.writeBytes(ChunkCodec.success(new byte[0], new byte[8]));
    }
    assertThatThrownBy(() -> decodeAll(responseDecoder(0, MAX, 2), w.toByteArray()))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRAILING_DATA));
  }

  @Test
  void badCrcMissingStreamIdentifierAndBadSnappyAreMalformed() {
    byte[] ssz = data(1000, true);
    byte[] good = ChunkCodec.request(ssz);
    int frames = Varint.encodedLength(ssz.length);
    byte[] badCrc = good.clone();
    badCrc[frames + 10 + 4] ^= 1; // first CRC byte of the first data chunk
    byte[] noId = new byte[good.length - 10];
    System.arraycopy(good, 0, noId, 0, frames);
    System.arraycopy(good, frames + 10, noId, frames, good.length - frames - 10);
    byte[] badBlock = good.clone();
    for (int i = frames + 18; i < badBlock.length; i++) {
      badBlock[i] = (byte) 0xff;
    }
    for (byte[] wire : List.of(badCrc, noId, badBlock)) {
      assertThatThrownBy(() -> decodeAll(requestDecoder(0, MAX), wire))
          .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isIn(Kind.MALFORMED, Kind.TOO_LARGE));
    }
  }

  @Test
  void paddingBeyondMaxCompressedLenIsRejected() {
    // declared length 10: at most max_compressed_len(10) = 43 compressed bytes may be read
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.writeBytes(Varint.encode(10));
    w.writeBytes(SnappyFrames.STREAM_ID_CHUNK);
    w.write(SnappyFrames.PADDING);
    w.write(100);
    w.write(0);
    w.write(0);
    w.writeBytes(new byte[100]);
    assertThatThrownBy(() -> decodeAll(requestDecoder(0, MAX), w.toByteArray()))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void nonMinimalLengthPrefixIsMalformed() {
    byte[] frames = SnappyFrames.encode(new byte[1]);
    byte[] wire = new byte[2 + frames.length];
    wire[0] = (byte) 0x81;
    wire[1] = 0x00;
    System.arraycopy(frames, 0, wire, 2, frames.length);
    assertThatThrownBy(() -> decodeAll(requestDecoder(0, MAX), wire))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
  }

  @Test
  void contextBytesAreReadForSuccessChunksOnly() {
    byte[] ctx = {1, 2, 3, 4};
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    w.writeBytes(ChunkCodec.success(ctx, new byte[8]));
    w.writeBytes(ChunkCodec.error(ResultCode.SERVER_ERROR, "x"));
    ChunkDecoder d = new ChunkDecoder(true, 4, 8, 8, 5, "test");
    List<Chunk> got = decodeAll(d, w.toByteArray());
    assertThat(got.get(0).context()).isEqualTo(ctx);
    assertThat(got.get(1).code()).isEqualTo(ResultCode.SERVER_ERROR);
  }
}
