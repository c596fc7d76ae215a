package io.serenity.p2p.mux.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Pipeline stage turning plaintext bytes into {@link YamuxFrame}s via {@link YamuxFrameCodec}.
 * After a bad frame it discards all further input: the session is closing anyway.
 */
final class YamuxFrameDecoder extends ByteToMessageDecoder {
  private final long maxDataLength;
  private boolean failed;

  YamuxFrameDecoder(long maxDataLength) {
    this.maxDataLength = maxDataLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      YamuxFrame frame;
      while ((frame = YamuxFrameCodec.decode(in, maxDataLength)) != null) {
        out.add(frame);
      }
    } catch (YamuxException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }
}
