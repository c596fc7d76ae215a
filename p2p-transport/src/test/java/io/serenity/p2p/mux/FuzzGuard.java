package io.serenity.p2p.mux;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;

/**
 * Stands in the pipeline for a muxer session and passes every event to it, recording what the
 * session would otherwise swallow: an exception it throws from {@code channelRead}, or one of a type
 * other than {@code allowed} that reaches its {@code exceptionCaught} (the session closes the
 * connection on either, so only the fuzz target can tell a decoder bug from a protocol violation).
 */
public final class FuzzGuard extends ChannelInboundHandlerAdapter {
  private final ChannelInboundHandler session;
  private final Class<? extends Throwable> allowed;
  private Throwable unexpected;

  public FuzzGuard(ChannelInboundHandler session, Class<? extends Throwable> allowed) {
    this.session = session;
    this.allowed = allowed;
  }

  /** The first unexpected exception, or null. */
  public Throwable unexpected() {
    return unexpected;
  }

  private void record(Throwable t) {
    if (unexpected == null) {
      unexpected = t;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    session.handlerAdded(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    session.handlerRemoved(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    session.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    session.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    try {
      session.channelRead(ctx, msg);
    } catch (Exception | Error e) {
      record(e);
      throw e;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (!allowed.isInstance(c)) {
      record(cause);
    }
    session.exceptionCaught(ctx, cause);
  }
}
