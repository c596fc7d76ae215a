package io.serenity.p2p.noise;

import io.netty.buffer.ByteBuf;

/**
 * Stateless libp2p Noise framing (libp2p noise spec, "Wire Format"): a 2-byte big-endian length,
 * then a Noise message of at most 65535 bytes.
 */
final class NoiseFrameCodec {

  static final int LENGTH_PREFIX = 2;

  private NoiseFrameCodec() {}

  /**
   * Returns the length of the Noise message starting at {@code in}'s reader index when the whole
   * frame is readable, else -1. Does not move the reader index.
   *
   * @throws NoiseException when the announced length exceeds {@code maxLength} or is below {@code
   *     minLength}
   */
  static int completeFrameLength(ByteBuf in, int minLength, int maxLength) {
    if (in.readableBytes() < LENGTH_PREFIX) {
      return -1;
    }
    int length = in.getUnsignedShort(in.readerIndex());
    if (length > maxLength) {
      throw new NoiseException("Noise frame of " + length + " bytes exceeds limit of " + maxLength);
    }
    if (length < minLength) {
      throw new NoiseException("Noise frame of " + length + " bytes is shorter than " + minLength);
    }
    return in.readableBytes() >= LENGTH_PREFIX + length ? length : -1;
  }

  /** Frames a handshake message into a new buffer from {@code in}'s allocator. */
  static ByteBuf frame(io.netty.buffer.ByteBufAllocator alloc, byte[] message) {
    if (message.length > HandshakeState.MAX_MESSAGE_LENGTH) {
      throw new NoiseException("Noise message of " + message.length + " bytes exceeds 65535");
    }
    ByteBuf out = alloc.buffer(LENGTH_PREFIX + message.length);
    out.writeShort(message.length);
    out.writeBytes(message);
    return out;
  }
}
