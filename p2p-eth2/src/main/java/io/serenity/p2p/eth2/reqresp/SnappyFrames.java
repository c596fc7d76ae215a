package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.gossip.SnappyException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The snappy framing format (google/snappy {@code framing_format.txt}) used by ssz_snappy req/resp:
 * a stream identifier chunk, then compressed (0x00) or uncompressed (0x01) chunks of at most 64 KiB
 * of data, each with the masked CRC-32C of its uncompressed data. Blocks go through the gossip
 * layer's bounded {@link SnappyBlock}; the framing is ours so that the decoder can be incremental and bounded (it never
 * holds more than one chunk and never produces more than the declared length).
 */
final class SnappyFrames {

  /** Uncompressed bytes per chunk (framing_format.txt section 4.2). */
  static final int MAX_CHUNK_DATA = 65536;

  static final int COMPRESSED = 0x00;
  static final int UNCOMPRESSED = 0x01;
  static final int PADDING = 0xfe;
  static final int STREAM_ID = 0xff;
  static final byte[] STREAM_ID_CHUNK = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};

  private SnappyFrames() {}

  /** {@code max_compressed_len(n)} (phase0 p2p-interface.md): the most bytes a reader may read. */
  static long maxCompressedLen(long n) {
    return SnappyBlock.maxCompressedLength(n);
  }

  /** The framed compression of {@code data}. */
  static byte[] encode(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 6 + 32);
    out.writeBytes(STREAM_ID_CHUNK);
    for (int off = 0; off < data.length; off += MAX_CHUNK_DATA) {
      int len = Math.min(MAX_CHUNK_DATA, data.length - off);
      int crc = maskedCrc(data, off, len);
      byte[] buf = SnappyBlock.compress(Arrays.copyOfRange(data, off, off + len));
      int clen = buf.length;
      // Incompressible data goes out as an uncompressed chunk, as the reference encoder does.
      boolean compressed = clen < len - len / 8;
      int bodyLen = 4 + (compressed ? clen : len);
      out.write(compressed ? COMPRESSED : UNCOMPRESSED);
      out.write(bodyLen);
      out.write(bodyLen >>> 8);
      out.write(bodyLen >>> 16);
      out.write(crc);
      out.write(crc >>> 8);
      out.write(crc >>> 16);
      out.write(crc >>> 24);
      if (compressed) {
        out.write(buf, 0, clen);
      } else {
        out.write(data, off, len);
      }
    }
    return out.toByteArray();
  }

  /** The masked CRC-32C of framing_format.txt section 3. */
  static int maskedCrc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    int crc = (int) c.getValue();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /**
   * Incremental decoder of one framed stream whose uncompressed length is known from the ssz_snappy
   * header. Stops consuming exactly at the end of the chunk that completes the declared length, so
   * the caller can read what follows (the next response chunk, or the trailing-data check).
   */
  static final class Decoder {
    /** Output bytes allocated before any data arrived: one snappy chunk's worth. */
    static final int INITIAL_OUTPUT = 64 * 1024;

    /** The declared uncompressed length. */
    private final int length;
    /**
     * The bytes decompressed so far. It grows with what arrives (up to {@code length}), so a peer
     * that declares 10 MiB and then sends nothing holds a few KiB of ours, not 10 MiB.
     */
    private byte[] out;
    private final long maxCompressed;
    private final String what;
    private int produced;
    private long consumed;
    private boolean sawStreamId;
    private final byte[] header = new byte[4];
    private int headerFill;
    private byte[] body; // the current chunk's body while it fills
    private int bodyFill;

    /**
     * @param length declared uncompressed length (already checked against the method's bounds)
     * @param what names the stream in exception messages (peer and protocol)
     */
    Decoder(int length, String what) {
      this.length = length;
      this.out = new byte[Math.min(length, INITIAL_OUTPUT)];
      this.maxCompressed = maxCompressedLen(length);
      this.what = what;
    }

    /** True when the declared length has been produced. */
    boolean done() {
      return produced == length && sawStreamId;
    }

    /** Grows {@code out} to hold {@code n} more bytes: doubling, never past the declared length. */
    private void ensureRoom(int n) {
      int need = produced + n; // at most length: checked by the caller
      if (need > out.length) {
        out = Arrays.copyOf(out, (int) Math.min(length, Math.max(need, 2L * out.length)));
      }
    }

    /** The decompressed bytes, once {@link #done()}. */
    byte[] result() {
      return out;
    }

    /**
     * Consumes bytes of {@code in} up to the end of the stream (or of {@code in}); returns true when
     * the declared length is complete.
     */
    boolean feed(ByteBuffer in) {
      while (in.hasRemaining() && !(produced == length && sawStreamId)) {
        if (body == null) {
          while (headerFill < 4 && in.hasRemaining()) {
            header[headerFill++] = in.get();
            count(1);
          }
          if (headerFill < 4) {
            return false;
          }
          int type = header[0] & 0xff;
          int len = (header[1] & 0xff) | (header[2] & 0xff) << 8 | (header[3] & 0xff) << 16;
          checkChunk(type, len);
          body = new byte[len];
          bodyFill = 0;
        }
        int n = Math.min(in.remaining(), body.length - bodyFill);
        in.get(body, bodyFill, n);
        bodyFill += n;
        count(n);
        if (bodyFill < body.length) {
          return false;
        }
        chunk(header[0] & 0xff, body);
        body = null;
        headerFill = 0;
      }
      return produced == length && sawStreamId;
    }

    private void count(int n) {
      consumed += n;
      if (consumed > maxCompressed) {
        throw malformed(Kind.TOO_LARGE, "more than max_compressed_len(" + length + ") = " + maxCompressed + " bytes");
      }
    }

    private void checkChunk(int type, int len) {
      if (!sawStreamId && type != STREAM_ID) {
        throw malformed(Kind.MALFORMED, "snappy frames do not start with the stream identifier (chunk type " + type + ")");
      }
      if (type == STREAM_ID && len != 6) {
        throw malformed(Kind.MALFORMED, "stream identifier of length " + len);
      }
      if ((type == COMPRESSED || type == UNCOMPRESSED) && (len < 4 || len > 4 + maxCompressedLen(MAX_CHUNK_DATA))) {
        throw malformed(Kind.MALFORMED, "snappy chunk of bad length " + len);
      }
      if (type >= 0x02 && type <= 0x7f) {
        throw malformed(Kind.MALFORMED, "reserved unskippable snappy chunk type " + type);
      }
      // The body is allocated next: a chunk that would pass the max_compressed_len budget is refused
      // now, not after its body was allocated (a header may claim up to 16 MiB whatever the declared
      // length).
      if (consumed + len > maxCompressed) {
        throw malformed(Kind.TOO_LARGE, "a chunk of " + len + " bytes would pass max_compressed_len("
            + length + ") = " + maxCompressed + " bytes");
      }
    }

    private void chunk(int type, byte[] b) {
      switch (type) {
        case STREAM_ID -> {
          if (b[0] != 's' || b[1] != 'N' || b[2] != 'a' || b[3] != 'P' || b[4] != 'p' || b[5] != 'Y') {
            throw malformed(Kind.MALFORMED, "bad snappy stream identifier");
          }
          sawStreamId = true;
        }
        case COMPRESSED -> {
          int crc = le32(b);
          byte[] block = Arrays.copyOfRange(b, 4, b.length);
          byte[] data;
          try {
            long declared = SnappyBlock.declaredLength(block);
            if (declared > MAX_CHUNK_DATA || declared > length - produced) {
              throw malformed(Kind.TOO_LARGE,
                  "snappy chunk of " + declared + " bytes exceeds the declared length " + length);
            }
            data = SnappyBlock.decompress(block, (int) declared);
          } catch (SnappyException e) {
            throw malformed(Kind.MALFORMED, e.getMessage());
          }
          ensureRoom(data.length);
          System.arraycopy(data, 0, out, produced, data.length);
          checkCrc(crc, produced, data.length);
          produced += data.length;
        }
        case UNCOMPRESSED -> {
          int crc = le32(b);
          int len = b.length - 4;
          if (len > MAX_CHUNK_DATA || len > length - produced) {
            throw malformed(Kind.TOO_LARGE, "snappy chunk of " + len + " bytes exceeds the declared length " + length);
          }
          ensureRoom(len);
          System.arraycopy(b, 4, out, produced, len);
          checkCrc(crc, produced, len);
          produced += len;
        }
        default -> {
          // padding or reserved skippable chunk: ignored (framing_format.txt 4.3, 4.5)
        }
      }
    }

    private void checkCrc(int expected, int off, int len) {
      if (maskedCrc(out, off, len) != expected) {
        throw malformed(Kind.MALFORMED, "snappy chunk CRC-32C mismatch");
      }
    }

    private static int le32(byte[] b) {
      return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private ReqRespException malformed(Kind kind, String msg) {
      return new ReqRespException(kind, what + ": " + msg);
    }
  }
}
