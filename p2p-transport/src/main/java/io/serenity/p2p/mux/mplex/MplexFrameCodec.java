package io.serenity.p2p.mux.mplex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * mplex framing (spec "Message format"): {@code uvarint(id << 3 | flag) uvarint(length) data}.
 *
 * <p>As a pipeline handler it turns plaintext bytes into {@link MplexFrame}s. Decoding keeps no
 * state between calls: an incomplete frame is left in Netty's cumulation and re-read whole when
 * more bytes arrive. The length is checked against the limit before any buffer is allocated for
 * the data, so a peer cannot make us reserve more than {@code maxMessageSize} per frame. Encoding
 * is a static function the session calls, so each frame maps to one channel write and one promise.
 */
final class MplexFrameCodec extends ByteToMessageDecoder {

  /** Longest uvarint allowed by the multiformats unsigned-varint spec (63 bits). */
  static final int MAX_VARINT_BYTES = 9;

  /** Payloads up to this size are copied next to the header rather than wrapped in a composite. */
  private static final int COPY_THRESHOLD = 512;

  private final int maxMessageSize;

  /** Set after a violation: the rest of the input cannot be framed, so it is discarded. */
  private boolean failed;

  MplexFrameCodec(int maxMessageSize) {
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be >= 1, was " + maxMessageSize);
    }
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      // One frame per call: ByteToMessageDecoder loops, passing each frame on before the next.
      MplexFrame frame = decodeFrame(in, maxMessageSize, ctx.alloc());
      if (frame != null) {
        out.add(frame);
      }
    } catch (MplexException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  /**
   * Decodes one frame from the front of {@code in}. Returns null, with {@code in}'s reader index
   * unchanged, when the frame is not complete yet. The data of a {@link MplexFrame.Message} is
   * copied into a buffer from {@code alloc} that the returned frame owns.
   *
   * @throws MplexException on a varint longer than 9 bytes or not minimally encoded, a length above
   *     {@code maxMessageSize}, or the undefined flag 7
   */
  static MplexFrame decodeFrame(ByteBuf in, int maxMessageSize, ByteBufAllocator alloc) {
    int start = in.readerIndex();
    long header = readUvarint(in, "header");
    if (header < 0) {
      in.readerIndex(start);
      return null;
    }
    int flag = (int) (header & 7);
    long streamId = header >>> 3;
    if (flag == 7) {
      throw new MplexException("mplex: undefined flag 7 on stream " + streamId);
    }
    long length = readUvarint(in, "length");
    if (length < 0) {
      in.readerIndex(start);
      return null;
    }
    if (length > maxMessageSize) {
      throw new MplexException("mplex: message length " + length + " on stream " + streamId
          + " exceeds the limit of " + maxMessageSize + " bytes");
    }
    int len = (int) length;
    if (in.readableBytes() < len) {
      in.readerIndex(start);
      return null;
    }
    switch (flag) {
      case MplexFrame.FLAG_NEW_STREAM:
        return new MplexFrame.NewStream(
            streamId, in.readCharSequence(len, StandardCharsets.UTF_8).toString());
      case MplexFrame.FLAG_MESSAGE_RECEIVER:
      case MplexFrame.FLAG_MESSAGE_INITIATOR: {
        ByteBuf data = alloc.buffer(len, len);
        in.readBytes(data, len);
        return new MplexFrame.Message(
            streamId, flag == MplexFrame.FLAG_MESSAGE_INITIATOR, data);
      }
      case MplexFrame.FLAG_CLOSE_RECEIVER:
      case MplexFrame.FLAG_CLOSE_INITIATOR:
        // The spec says the body is empty; like go-mplex we skip whatever is there.
        in.skipBytes(len);
        return new MplexFrame.Close(streamId, flag == MplexFrame.FLAG_CLOSE_INITIATOR);
      default:
        in.skipBytes(len);
        return new MplexFrame.Reset(streamId, flag == MplexFrame.FLAG_RESET_INITIATOR);
    }
  }

  /**
   * Encodes {@code frame} into a new buffer (a composite for large messages, so the payload is not
   * copied). Takes ownership of a {@link MplexFrame.Message}'s data, also when it throws.
   *
   * @throws IllegalArgumentException when the stream id exceeds 2^60 - 1 or the payload exceeds
   *     {@code maxMessageSize}: a bug on our side, not the remote's
   */
  static ByteBuf encode(MplexFrame frame, int maxMessageSize, ByteBufAllocator alloc) {
    ByteBuf payload = frame instanceof MplexFrame.Message m ? m.data() : null;
    try {
      if (frame.streamId() < 0 || frame.streamId() > MplexFrame.MAX_STREAM_ID) {
        throw new IllegalArgumentException("mplex: stream id out of range: " + frame.streamId());
      }
      byte[] name = null;
      int length;
      if (frame instanceof MplexFrame.NewStream newStream) {
        name = newStream.name().getBytes(StandardCharsets.UTF_8);
        length = name.length;
      } else if (payload != null) {
        length = payload.readableBytes();
      } else {
        length = 0;
      }
      if (length > maxMessageSize) {
        throw new IllegalArgumentException(
            "mplex: payload of " + length + " bytes exceeds the limit of " + maxMessageSize);
      }
      long header = frame.streamId() << 3 | frame.flag();
      int headerLength = uvarintLength(header) + uvarintLength(length);
      boolean copy = payload == null || length <= COPY_THRESHOLD;
      ByteBuf head = alloc.buffer(headerLength + (copy ? length : 0));
      writeUvarint(head, header);
      writeUvarint(head, length);
      if (name != null) {
        head.writeBytes(name);
      }
      if (payload == null) {
        return head;
      }
      if (copy) {
        head.writeBytes(payload, payload.readerIndex(), length);
        return head;
      }
      CompositeByteBuf composite = alloc.compositeBuffer(2);
      composite.addComponents(true, head, payload);
      payload = null; // the composite owns it now
      return composite;
    } finally {
      if (payload != null) {
        payload.release();
      }
    }
  }

  /**
   * Reads an unsigned LEB128 varint (multiformats unsigned-varint: at most 9 bytes, minimal).
   * Returns -1 when {@code in} ends before the varint does.
   */
  static long readUvarint(ByteBuf in, String what) {
    long value = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; i++) {
      if (!in.isReadable()) {
        return -1;
      }
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new MplexException("mplex: " + what + " varint is not minimally encoded");
        }
        return value;
      }
    }
    throw new MplexException("mplex: " + what + " varint is longer than 9 bytes");
  }

  static void writeUvarint(ByteBuf out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.writeByte((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  static int uvarintLength(long value) {
    int n = 1;
    while ((value & ~0x7fL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }
}
