package io.serenity.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** Test-only reach into a connection, for attackers that misbehave below the stream API. */
public final class HostileAccess {
  private HostileAccess() {}

  /** Stops reading the connection's socket: the remote's writes pile up in its own buffers. */
  public static void stopReading(Connection c) {
    c.channel().config().setAutoRead(false);
  }

  /** The muxer's id of a stream (its yamux or mplex stream id). */
  public static long streamId(Stream s) {
    return s.muxed().id();
  }

  /**
   * Writes {@code bytes} below our own muxer (yamux or mplex), straight into the secure channel: the
   * remote reads them as muxer frames we did not make through our session.
   */
  public static void writeBelowMuxer(Connection c, ByteBuf bytes) {
    ChannelHandlerContext ctx = c.channel().pipeline().context("yamux-decoder");
    if (ctx == null) {
      ctx = c.channel().pipeline().context("mplex-frame-codec");
    }
    if (ctx == null) {
      bytes.release();
      throw new IllegalStateException("neither yamux nor mplex on " + c);
    }
    ctx.writeAndFlush(bytes);
  }

  /** Builds a host config whose only muxer is {@code muxerId} (to make the remote speak it). */
  public static HostConfig onlyMuxer(String muxerId) {
    return HostConfig.builder().muxers(muxerId).build();
  }
}
