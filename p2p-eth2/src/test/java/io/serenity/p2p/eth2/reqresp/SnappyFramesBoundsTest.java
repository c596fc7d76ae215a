package io.serenity.p2p.eth2.reqresp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.fuzz.FuzzSupport;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A chunk header of the snappy framing claims up to 16 MiB of body. The decoder must refuse a chunk that
 * would take it past {@code max_compressed_len} of the declared length as soon as the header is read,
 * before it allocates room for the body (found by {@code SnappyFramesFuzzTest}; its input is in the
 * target's corpus as {@code skippable-chunk-claims-16MiB}).
 */
class SnappyFramesBoundsTest {

  private static byte[] stream(String chunkHeaderHex) {
    byte[] id = SnappyFrames.STREAM_ID_CHUNK;
    byte[] header = HexFormat.of().parseHex(chunkHeaderHex);
    byte[] out = new byte[id.length + header.length];
    System.arraycopy(id, 0, out, 0, id.length);
    System.arraycopy(header, 0, out, id.length, header.length);
    return out;
  }

  @Test
  void aSkippableChunkBeyondTheBudgetIsRefusedAtItsHeaderWithoutAllocatingItsBody() {
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(1, "test");
    ByteBuffer in = ByteBuffer.wrap(stream("feffffff")); // padding chunk claiming 16 MiB - 1
    long before = FuzzSupport.allocatedBytes();
    assertThatThrownBy(() -> decoder.feed(in))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    assertThat(FuzzSupport.allocatedBytes() - before).isLessThan(1 << 20);
  }

  @Test
  void aCompressedChunkBeyondTheBudgetIsRefusedAtItsHeader() {
    // declared length 1: max_compressed_len(1) = 33 bytes in all, and this chunk alone claims 298
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(1, "test");
    assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(stream("002a0100"))))
        .isInstanceOfSatisfying(ReqRespException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
  }

  @Test
  void aChunkWithinTheBudgetIsStillAwaited() {
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(1, "test");
    // padding of 4 bytes fits in 33 - 10 - 4: the decoder waits for its body
    assertThat(decoder.feed(ByteBuffer.wrap(stream("fe040000")))).isFalse();
  }

  @Test
  void aDeclaredLengthCostsNothingUntilItsBytesArrive() {
    // a peer declares the largest block (10 MiB) and then sends only the stream identifier
    SnappyFrames.Decoder warm = new SnappyFrames.Decoder(10 << 20, "warm-up"); // loads the classes
    warm.feed(ByteBuffer.wrap(SnappyFrames.STREAM_ID_CHUNK));
    long before = FuzzSupport.allocatedBytes();
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(10 << 20, "test");
    assertThat(decoder.feed(ByteBuffer.wrap(SnappyFrames.STREAM_ID_CHUNK))).isFalse();
    assertThat(FuzzSupport.allocatedBytes() - before).isLessThan(256 * 1024);
  }

  @Test
  void theOutputGrowsToExactlyTheDeclaredLength() {
    byte[] data = new byte[(3 << 20) + 12345];
    new java.util.Random(7).nextBytes(data);
    for (int i = 0; i < data.length; i += 3) {
      data[i] = 0; // partly compressible: both chunk kinds occur
    }
    SnappyFrames.Decoder decoder = new SnappyFrames.Decoder(data.length, "test");
    ByteBuffer in = ByteBuffer.wrap(SnappyFrames.encode(data));
    boolean done = false;
    while (in.hasRemaining() && !done) {
      ByteBuffer slice = in.slice(in.position(), Math.min(1000, in.remaining()));
      done = decoder.feed(slice);
      in.position(in.position() + slice.position());
    }
    assertThat(done).isTrue();
    assertThat(decoder.result()).isEqualTo(data);
  }
}
