package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Incremental decoder of ssz_snappy requests and response chunks (phase0 p2p-interface.md
 * "SSZ-snappy encoding strategy"). Push bytes with {@link #feed}; complete chunks go to the sink.
 * The declared length is checked against the method's bounds before any decompression, and the
 * compressed bytes read are capped at {@code max_compressed_len(n)}. Throws only {@link
 * ReqRespException}.
 *
 * <p>A request decoder accepts exactly one chunk and rejects anything after it; a response decoder
 * accepts up to {@code maxChunks} chunks, and nothing after an error chunk.
 */
final class ChunkDecoder {

  /** ErrorMessage is {@code List[byte, 256]}. */
  static final int MAX_ERROR_MESSAGE = 256;

  private enum State { RESULT, CONTEXT, LENGTH, PAYLOAD, CLOSED }

  private final boolean response;
  private final int contextLength;
  private final int minLength;
  private final int maxLength;
  private final int maxChunks;
  private final String what;

  private State state;
  private int code;
  private byte[] context;
  private int contextFill;
  private long length;
  private int lengthBytes;
  private SnappyFrames.Decoder payload;
  private int chunks;

  /**
   * @param response true for response chunks (result byte first), false for a request
   * @param contextLength context bytes after a success result byte (0, or 4 for fork-digest methods)
   * @param minLength smallest valid SSZ length of a success payload
   * @param maxLength largest valid SSZ length (at most {@code MAX_PAYLOAD_SIZE})
   * @param maxChunks chunks accepted (1 for a request)
   * @param what peer and protocol, for messages
   */
  ChunkDecoder(boolean response, int contextLength, int minLength, int maxLength, int maxChunks, String what) {
    this.response = response;
    this.contextLength = contextLength;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.maxChunks = maxChunks;
    this.what = what;
    this.state = response ? State.RESULT : State.LENGTH;
  }

  /** True between chunks: the stream may end here without truncation. */
  boolean atBoundary() {
    return state == State.RESULT || state == State.CLOSED;
  }

  /** Chunks decoded so far. */
  int chunks() {
    return chunks;
  }

  /** Decodes what {@code in} holds, handing each complete chunk to {@code sink}. */
  void feed(ByteBuffer in, Consumer<Chunk> sink) {
    feed(in, sink, () -> false);
  }

  /**
   * Decodes what {@code in} holds, handing each complete chunk to {@code sink}, and returns early,
   * with the rest of {@code in} unread, when {@code stop} says so after a chunk.
   */
  void feed(ByteBuffer in, Consumer<Chunk> sink, java.util.function.BooleanSupplier stop) {
    while (in.hasRemaining()) {
      switch (state) {
        case CLOSED -> throw fail(Kind.TRAILING_DATA, in.remaining() + " bytes after the last allowed chunk");
        case RESULT -> {
          if (chunks >= maxChunks) {
            throw fail(Kind.TRAILING_DATA, "more than " + maxChunks + " response chunks");
          }
          code = in.get() & 0xff;
          if (!ResultCode.isKnown(code)) {
            throw fail(Kind.BAD_RESULT_CODE, "reserved result code " + code);
          }
          context = new byte[code == ResultCode.SUCCESS ? contextLength : 0];
          contextFill = 0;
          state = context.length > 0 ? State.CONTEXT : State.LENGTH;
          length = 0;
          lengthBytes = 0;
        }
        case CONTEXT -> {
          int n = Math.min(in.remaining(), context.length - contextFill);
          in.get(context, contextFill, n);
          contextFill += n;
          if (contextFill == context.length) {
            state = State.LENGTH;
            length = 0;
            lengthBytes = 0;
          }
        }
        case LENGTH -> {
          int b = in.get() & 0xff;
          if (lengthBytes == 10) {
            throw fail(Kind.MALFORMED, "length prefix longer than 10 bytes");
          }
          length |= (long) (b & 0x7f) << (7 * lengthBytes);
          lengthBytes++;
          if ((b & 0x80) == 0) {
            if (b == 0 && lengthBytes > 1) {
              throw fail(Kind.MALFORMED, "non-minimal length prefix");
            }
            checkLength();
            payload = new SnappyFrames.Decoder((int) length, what);
            state = State.PAYLOAD;
          } else if (lengthBytes >= 4 && (1L << (7 * lengthBytes)) > Math.max(maxLength, MAX_ERROR_MESSAGE)) {
            // a continued varint is already at least 2^(7 * bytes): over any bound we accept
            throw fail(Kind.TOO_LARGE, "declared length over " + Math.max(maxLength, MAX_ERROR_MESSAGE));
          }
        }
        case PAYLOAD -> {
          if (payload.feed(in)) {
            chunks++;
            Chunk c = new Chunk(code, context, payload.result());
            payload = null;
            boolean last = !response || code != ResultCode.SUCCESS || chunks >= maxChunks;
            state = last ? State.CLOSED : State.RESULT;
            sink.accept(c);
            if (stop.getAsBoolean()) {
              return;
            }
          }
        }
      }
    }
  }

  /** The stream ended: fails when it ended inside a chunk. */
  void end() {
    if (!atBoundary()) {
      throw fail(Kind.TRUNCATED, "stream ended inside a chunk (state " + state + ")");
    }
  }

  private void checkLength() {
    boolean error = response && code != ResultCode.SUCCESS;
    long min = error ? 0 : minLength;
    long max = error ? MAX_ERROR_MESSAGE : maxLength;
    if (length > max) {
      throw fail(Kind.TOO_LARGE, "declared length " + length + " over the maximum " + max);
    }
    if (length < min) {
      throw fail(Kind.MALFORMED, "declared length " + length + " under the minimum " + min);
    }
  }

  private ReqRespException fail(Kind kind, String msg) {
    state = State.CLOSED;
    return new ReqRespException(kind, what + ": " + msg);
  }
}
