package io.serenity.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a connection's pipeline (next to the socket): charges every byte written to the
 * socket's outbound buffer to the connection's {@link WriteBudget.Account} until the socket took
 * it. A write that would take the buffer past the connection's bound, or that the node's bound
 * refuses, fails and closes the connection: above this handler the bytes are already framed and
 * encrypted, so no single stream can be dropped here.
 */
final class WriteBoundHandler extends ChannelOutboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBoundHandler.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final WriteBudget.Account account;
  private final long limit;
  private long queued; // event loop only

  WriteBoundHandler(WriteBudget.Account account, long limit) {
    this.account = account;
    this.limit = limit;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
      ctx.write(msg, promise);
      return;
    }
    int n = buf.readableBytes();
    if (queued + n > limit) {
      ReferenceCountUtil.release(msg);
      account.hit(WriteBudget.Scope.CONNECTION);
      RLOG.warn("connection to {} has {} bytes waiting for the peer to read (limit {}); closing it",
          ctx.channel().remoteAddress(), queued, limit);
      promise.tryFailure(new IOException("connection write buffer limit of " + limit + " bytes reached"));
      ctx.channel().close();
      return;
    }
    if (!account.reserve(n)) {
      // the node is over its bound and this connection holds the most: it was closed (counted, logged)
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new IOException("node write buffer limit reached; connection closed"));
      ctx.channel().close();
      return;
    }
    queued += n;
    account.budget().socketQueued(queued);
    ChannelPromise p = promise.unvoid();
    p.addListener(f -> {
      queued -= n;
      account.release(n);
    });
    ctx.write(msg, p);
  }

  /** Bytes in the socket's outbound buffer (for tests). Event loop only. */
  long queued() {
    return queued;
  }
}
