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
   * Writes {@code bytes} below our own yamux session, straight into the secure channel: the remote
   * reads them as yamux frames we did not make through the session. Fails when the connection does
   * not run yamux.
   */
  public static void writeBelowYamux(Connection c, ByteBuf bytes) {
    ChannelHandlerContext ctx = c.channel().pipeline().context("yamux-decoder");
    if (ctx == null) {
      bytes.release();
      throw new IllegalStateException("not a yamux connection: " + c);
    }
    ctx.writeAndFlush(bytes);
  }
}
