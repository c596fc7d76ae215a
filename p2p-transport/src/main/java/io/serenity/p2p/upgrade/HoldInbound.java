package io.serenity.p2p.upgrade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps inbound messages until {@link #release()}, then passes them on in order and leaves the
 * pipeline. Sits behind a security handler whose plaintext must not move up before the peer is
 * authenticated and the next handler is installed. More than {@code maxBytes} held closes the
 * channel.
 */
final class HoldInbound extends ChannelInboundHandlerAdapter {

  private final int maxBytes;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private long heldBytes;
  private boolean released;

  HoldInbound(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (released) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof ByteBuf b) {
      heldBytes += b.readableBytes();
    }
    held.add(msg);
    if (heldBytes > maxBytes) {
      drop();
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (released) {
      ctx.fireChannelReadComplete();
    }
  }

  /** Passes everything held to the next handler and leaves the pipeline. Event loop only. */
  void release() {
    if (released || ctx == null || ctx.isRemoved()) {
      return;
    }
    released = true;
    ChannelHandlerContext c = ctx;
    c.pipeline().remove(this);
    boolean any = !held.isEmpty();
    Object m;
    while ((m = held.poll()) != null) {
      c.fireChannelRead(m);
    }
    if (any) {
      c.fireChannelReadComplete();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!released) {
      drop();
    }
  }

  /**
   * Until released, a failure below (a handshake error) closes the channel here: the handshake's
   * future reports it, rate-limited, so it need not reach the end of the pipeline and its log.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (released) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    drop();
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    drop();
    ctx.fireChannelInactive();
  }

  private void drop() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
    heldBytes = 0;
  }
}
