package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Seeds of the snappy frames and req/resp chunk fuzz targets, from our own encoders. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  static byte[] pattern(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i / 7) * salt);
    }
    return b;
  }

  /** Frames seed: declared length (17 bits), cut seed, then {@code body}. */
  static byte[] framed(int length, int cuts, byte[] body) {
    return concat(new byte[] {(byte) (length >>> 8), (byte) length, (byte) (length >>> 16), (byte) cuts}, body);
  }

  public static void write() {
    Class<?> f = SnappyFramesFuzzTest.class;
    for (int n : new int[] {0, 1, 100, 70_000}) {
      writeSeed(f, "frames", "encoded-" + n, framed(n, n % 5, SnappyFrames.encode(pattern(n, 3))));
    }
    byte[] random = new byte[300];
    new java.util.Random(1).nextBytes(random);
    writeSeed(f, "frames", "uncompressed-chunk", framed(300, 0, SnappyFrames.encode(random)));
    writeSeed(f, "frames", "padding-then-data", framed(2, 0, concat(concat(SnappyFrames.STREAM_ID_CHUNK,
        HexFormat.of().parseHex("fe0200000000")), SnappyFrames.encode(new byte[] {4, 2}))));
    writeSeed(f, "frames", "skippable-chunk-claims-16MiB", framed(1, 0,
        concat(SnappyFrames.STREAM_ID_CHUNK, HexFormat.of().parseHex("feffffff"))));
    writeSeed(f, "frames", "compressed-chunk-claims-more", framed(1, 0,
        concat(SnappyFrames.STREAM_ID_CHUNK, HexFormat.of().parseHex("00ff2a01"))));

    Class<?> c = ChunkDecoderFuzzTest.class;
    byte[] status = new byte[StatusMessage.CODEC.fixedSize()];
    writeSeed(c, "chunks", "status-request", concat(new byte[] {0, 0}, ChunkCodec.request(status)));
    writeSeed(c, "chunks", "status-response", concat(new byte[] {(byte) 0x80, 3}, ChunkCodec.success(new byte[0], status)));
    writeSeed(c, "chunks", "ping-request", concat(new byte[] {2, 1}, ChunkCodec.request(new byte[Ping.CODEC.fixedSize()])));
    writeSeed(c, "chunks", "metadata-response", concat(new byte[] {3, 0},
        ChunkCodec.success(new byte[0], new byte[MetaData.CODEC.fixedSize()])));
    writeSeed(c, "chunks", "error-response", concat(new byte[] {(byte) 0x81, 0},
        ChunkCodec.error(ResultCode.RESOURCE_UNAVAILABLE, "rate limited")));
    ByteArrayOutputStream blocks = new ByteArrayOutputStream();
    blocks.writeBytes(ChunkCodec.success(new byte[] {1, 2, 3, 4}, pattern(4096, 5)));
    blocks.writeBytes(ChunkCodec.success(new byte[] {1, 2, 3, 4}, pattern(4096, 9)));
    blocks.writeBytes(ChunkCodec.error(ResultCode.SERVER_ERROR, "done"));
    writeSeed(c, "chunks", "blocks-two-then-error", concat(new byte[] {(byte) 0x84, 6}, blocks.toByteArray()));
    writeSeed(c, "chunks", "blocks-short-chunk", concat(new byte[] {(byte) 0x84, 0},
        ChunkCodec.success(new byte[] {1, 2, 3, 4}, pattern(10, 1))));
    writeSeed(c, "chunks", "reserved-result-code", new byte[] {(byte) 0x80, 0, 9});
    writeSeed(c, "chunks", "length-over-max", concat(new byte[] {0, 0}, HexFormat.of().parseHex("ffffffff0f")));
  }
}
