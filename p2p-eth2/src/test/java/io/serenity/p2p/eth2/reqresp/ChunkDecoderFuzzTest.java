package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.pieces;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.eth2.types.Ping;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target of ssz_snappy requests and response chunks ({@link ChunkDecoder}, then the method's SSZ
 * codec on each chunk, as {@code ReqResp} does). Input: byte 0 picks the method and whether a request or
 * the response is decoded, byte 1 seeds the read boundaries, the rest is the stream. The methods are the
 * four standard ones and a chunked one with fork-digest context bytes and up to 4 chunks of up to 4 KiB.
 * Invariant: {@link ReqRespException} from the decoder and {@link SszException} from the codec, nothing
 * else; never more chunks than allowed, each within the method's bounds (error messages within 256
 * bytes); allocation within a small multiple of the method's bounds.
 */
class ChunkDecoderFuzzTest {

  /** A by-range style method: context bytes, several chunks, variable size bounds. */
  static final Method<Ping, byte[]> BLOCKS = Method.chunked("fuzz_blocks", 2, Ping.CODEC,
          Ssz.vector("Bytes4096", 4096, b -> b, b -> b), 4)
      .withResponseBounds(1, 4096)
      .withForkDigestContext();

  static final List<Method<?, ?>> METHODS =
      List.of(Eth2Methods.STATUS, Eth2Methods.GOODBYE, Eth2Methods.PING, Eth2Methods.METADATA, BLOCKS);

  @FuzzTest(maxDuration = "10s")
  void chunks(byte[] data) throws Exception {
    Method<?, ?> m = METHODS.get((u8(data, 0) & 0x7f) % METHODS.size());
    boolean response = (u8(data, 0) & 0x80) != 0 || m.requestCodec() == null;
    int maxLength = response ? m.maxResponseSize() : m.maxRequestSize();
    int maxChunks = response ? m.maxResponseChunks() : 1;
    ChunkDecoder decoder = response
        ? new ChunkDecoder(true, m.forkDigestContext() ? 4 : 0, m.minResponseSize(), maxLength, maxChunks, "fuzz")
        : new ChunkDecoder(false, 0, m.minRequestSize(), maxLength, 1, "fuzz");
    SszCodec<?> codec = response ? m.responseCodec() : m.requestCodec();
    int largest = Math.max(maxLength, ChunkDecoder.MAX_ERROR_MESSAGE);
    long bound = 4L * maxChunks * (largest + SnappyFrames.maxCompressedLen(largest)) + 16L * data.length;
    List<Chunk> got = new ArrayList<>();
    try {
      allocationAtMost(bound, () -> m.name() + (response ? " response" : " request"), () -> {
        for (byte[] piece : pieces(data, 2, u8(data, 1))) {
          decoder.feed(ByteBuffer.wrap(piece), got::add);
        }
        decoder.end();
      });
    } catch (RuntimeException e) {
      expectOnly(e, data, ReqRespException.class);
    }
    assertThat(got).hasSizeLessThanOrEqualTo(maxChunks);
    for (Chunk c : got) {
      if (c.code() != ResultCode.SUCCESS) {
        assertThat(c.payload().length).isLessThanOrEqualTo(ChunkDecoder.MAX_ERROR_MESSAGE);
        ChunkCodec.errorText(c.payload());
        continue;
      }
      assertThat(c.payload().length).isLessThanOrEqualTo(maxLength);
      try {
        codec.decode(c.payload());
      } catch (RuntimeException e) {
        expectOnly(e, data, SszException.class);
      }
    }
  }
}
