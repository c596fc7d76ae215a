package io.serenity.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Stateless yamux frame encoding and decoding (spec "Framing": 12-byte big-endian header). Holds no
 * session state; the caller supplies the largest body it will accept.
 */
final class YamuxFrameCodec {
  private YamuxFrameCodec() {}

  /**
   * Decodes one frame from {@code in} if it holds a complete one, else returns null and leaves
   * {@code in} untouched. A Data body is a retained slice of {@code in}.
   *
   * @param maxDataLength largest Data body accepted: no stream window is ever larger
   * @throws YamuxException on a bad version, unknown type or oversize body (checked as soon as the
   *     header is complete, so an oversize frame never waits for its body)
   */
  static YamuxFrame decode(ByteBuf in, long maxDataLength) {
    if (in.readableBytes() < YamuxFrame.HEADER_LENGTH) {
      return null;
    }
    int start = in.readerIndex();
    int version = in.getUnsignedByte(start);
    int type = in.getUnsignedByte(start + 1);
    int flags = in.getUnsignedShort(start + 2);
    long streamId = in.getUnsignedInt(start + 4);
    long length = in.getUnsignedInt(start + 8);
    if (version != YamuxFrame.VERSION) {
      throw new YamuxException("yamux: unsupported version " + version);
    }
    switch (type) {
      case YamuxFrame.TYPE_DATA:
        if (length > maxDataLength) {
          throw new YamuxException(
              "yamux: data frame of "
                  + length
                  + " bytes on stream "
                  + streamId
                  + " exceeds the receive window of "
                  + maxDataLength);
        }
        if (in.readableBytes() < YamuxFrame.HEADER_LENGTH + length) {
          return null;
        }
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        return new YamuxFrame.Data(streamId, flags, in.readRetainedSlice((int) length));
      case YamuxFrame.TYPE_WINDOW_UPDATE:
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        return new YamuxFrame.WindowUpdate(streamId, flags, length);
      case YamuxFrame.TYPE_PING:
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        return new YamuxFrame.Ping(flags, length);
      case YamuxFrame.TYPE_GO_AWAY:
        in.skipBytes(YamuxFrame.HEADER_LENGTH);
        return new YamuxFrame.GoAway(length);
      default:
        throw new YamuxException("yamux: unknown frame type " + type);
    }
  }

  /**
   * Encodes {@code frame}; a Data frame's body is passed on (not copied) inside the returned
   * buffer, so the caller gives up ownership of it.
   */
  /** The 12-byte header of {@code frame} alone, in heap memory (the body is written after it). */
  static ByteBuf encodeHeader(ByteBufAllocator alloc, YamuxFrame frame) {
    return writeHeader(alloc.heapBuffer(YamuxFrame.HEADER_LENGTH), frame);
  }

  private static ByteBuf writeHeader(ByteBuf header, YamuxFrame frame) {
    header.writeByte(YamuxFrame.VERSION);
    header.writeByte(frame.type());
    header.writeShort(frame.flags());
    header.writeInt((int) frame.streamId());
    header.writeInt((int) frame.length());
    return header;
  }

  static ByteBuf encode(ByteBufAllocator alloc, YamuxFrame frame) {
    ByteBuf header = writeHeader(alloc.buffer(YamuxFrame.HEADER_LENGTH), frame);
    if (frame instanceof YamuxFrame.Data data && data.data().isReadable()) {
      // Header and body leave as one buffer so a secure channel seals them in one message.
      CompositeByteBuf out = alloc.compositeBuffer(2);
      out.addComponents(true, header, data.data());
      return out;
    }
    if (frame instanceof YamuxFrame.Data data) {
      data.data().release();
    }
    return header;
  }
}
