package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one multistream-select negotiation on a channel during connection upgrade (raw TCP, or the
 * plaintext side of a secure channel), then removes itself.
 *
 * <p>On success {@link #selected()} completes on the event loop <em>before</em> this handler leaves
 * the pipeline; install the next handler after this one (for example with {@code addLast}) from a
 * callback attached to that future, and do not remove this handler yourself. Bytes that followed
 * the negotiation in the same read are then passed down with {@code fireChannelRead}, so the next
 * handler receives them first. On failure the future completes with a {@link MultistreamException}
 * and the channel is closed.
 *
 * <p>Create with {@link MultistreamSelect#dialerHandler} or {@link
 * MultistreamSelect#listenerHandler}.
 */
public final class MultistreamHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(MultistreamHandler.class);

  private final Negotiation negotiation;
  private final CompletableFuture<String> selected = new CompletableFuture<>();
  private ByteBuf cumulation;
  private boolean started;
  private boolean done;

  MultistreamHandler(Negotiation negotiation) {
    this.negotiation = negotiation;
  }

  /**
   * Completes with the agreed protocol id, or exceptionally when the negotiation failed.
   *
   * @return the agreed protocol id, later
   */
  public CompletableFuture<String> selected() {
    return selected;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  private void start(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    send(ctx, negotiation.start());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!(msg instanceof ByteBuf data)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new MultistreamException("unexpected message type " + msg.getClass().getName()));
      return;
    }
    if (cumulation == null) {
      cumulation = ctx.alloc().heapBuffer(Math.max(64, data.readableBytes()));
    }
    try {
      cumulation.writeBytes(data);
    } finally {
      data.release();
    }
    Negotiation.Step step;
    try {
      step = negotiation.receive(cumulation);
    } catch (MultistreamException e) {
      fail(ctx, e);
      return;
    }
    if (!step.send().isEmpty()) {
      send(ctx, step.send());
      if (done) {
        // the write failed at once (channel closing): fail() already cleaned up
        return;
      }
    }
    if (!step.done()) {
      cumulation.discardReadBytes();
      return;
    }
    done = true;
    ByteBuf leftover = cumulation;
    cumulation = null;
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} multistream selected {}", ctx.channel(), step.selected());
    }
    selected.complete(step.selected());
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
    if (leftover.isReadable()) {
      ctx.fireChannelRead(leftover);
    } else {
      leftover.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!done) {
      fail(ctx, new MultistreamException("connection closed during multistream negotiation"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    fail(ctx, new MultistreamException("multistream negotiation failed: " + cause, cause));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
    if (!done) {
      done = true;
      selected.completeExceptionally(
          new MultistreamException("multistream handler removed before negotiation ended"));
    }
  }

  private void send(ChannelHandlerContext ctx, List<MultistreamMessage> messages) {
    ctx.writeAndFlush(MultistreamCodec.encode(messages))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() && !done) {
                    fail(ctx, new MultistreamException("multistream write failed", f.cause()));
                  }
                });
  }

  private void fail(ChannelHandlerContext ctx, MultistreamException e) {
    if (done) {
      return;
    }
    done = true;
    releaseCumulation();
    LOG.debug("{} multistream negotiation failed: {}", ctx.channel(), e.getMessage());
    selected.completeExceptionally(e);
    ctx.close();
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
