package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.pieces;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Fuzz target of the snappy frame decoder of req/resp ({@link SnappyFrames.Decoder}). Input: bytes 0-2
 * give the declared uncompressed length (up to 128 KiB, so several chunks), byte 3 seeds the read
 * boundaries, the rest is the framed stream. Invariant: {@link ReqRespException} or exactly the declared
 * length, consuming no byte past the chunk that completes it; never more than {@code
 * max_compressed_len(length)} bytes read and no allocation beyond a small multiple of the declared length
 * and of that bound, whatever a chunk header claims.
 */
class SnappyFramesFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void frames(byte[] data) throws Exception {
    int length = ((u8(data, 2) & 1) << 16) | (u8(data, 0) << 8) | u8(data, 1);
    long bound = 4L * (length + SnappyFrames.maxCompressedLen(length));
    List<byte[]> pieces = pieces(data, 4, u8(data, 3));
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(length, "fuzz");
    long[] consumed = new long[1];
    boolean[] done = new boolean[1];
    try {
      allocationAtMost(bound, () -> "frames declaring " + length + " bytes", () -> {
        for (byte[] piece : pieces) {
          ByteBuffer in = ByteBuffer.wrap(piece);
          done[0] = decoder.feed(in);
          consumed[0] += in.position();
          if (done[0]) {
            break;
          }
          assertThat(in.hasRemaining()).as("an unfinished decoder takes every byte").isFalse();
        }
      });
    } catch (RuntimeException e) {
      expectOnly(e, data, ReqRespException.class);
      return;
    }
    assertThat(consumed[0]).isLessThanOrEqualTo(SnappyFrames.maxCompressedLen(length));
    if (done[0]) {
      byte[] out = decoder.result();
      assertThat(out).hasSize(length);
      SnappyFrames.Decoder again = new SnappyFrames.Decoder(length, "again");
      assertThat(again.feed(ByteBuffer.wrap(SnappyFrames.encode(out)))).isTrue();
      assertThat(again.result()).isEqualTo(out);
    }
  }
}
