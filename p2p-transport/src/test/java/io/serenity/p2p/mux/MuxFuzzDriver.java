package io.serenity.p2p.mux;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.hex;
import static io.serenity.p2p.fuzz.FuzzSupport.pieces;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.ArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Drives a muxer session with a remote's bytes for the yamux and mplex fuzz targets. The session runs on
 * an {@link EmbeddedChannel} behind its frame decoder; inbound streams get, by id, an echoing handler, a
 * discarding handler or none at all (their data is held up to the muxer's bound). Input: byte 0 holds
 * options (bit 0 the session's role, bit 1 whether the acceptor is installed only halfway through, bit 2
 * whether we open a stream and write to it first), byte 1 seeds the read boundaries, the rest is the
 * remote's bytes.
 *
 * <p>Fails when the session threw anything but its own protocol exception type (which it may only
 * answer by closing the connection), when an exception reached the end of the pipeline, when the run
 * allocated more than a fixed multiple of its input, or when the session keeps more of the buffers it
 * was given than twice the bytes it accounts for holding (plus {@link #PIN_SLACK}): a few bytes held
 * must not pin a whole read.
 */
public final class MuxFuzzDriver {

  /** What a muxer's test gives the driver: the decoder and session installed on a channel. */
  public record Installed(
      ChannelHandler decoder, ChannelInboundHandler session, MuxedConnection connection, LongSupplier heldBytes) {}

  /** Input memory a session may keep beyond twice what it accounts for: the frame being cut. */
  static final long PIN_SLACK = 1024;

  private MuxFuzzDriver() {}

  public static void run(
      byte[] data, Function<Boolean, Function<Channel, Installed>> muxer, Class<? extends Throwable> allowed)
      throws Exception {
    int options = u8(data, 0);
    boolean initiator = (options & 1) != 0;
    boolean lateAcceptor = (options & 2) != 0;
    boolean openFirst = (options & 4) != 0;
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(new UnpooledByteBufAllocator(false));
    Installed installed = muxer.apply(initiator).apply(ch);
    FuzzGuard guard = new FuzzGuard(installed.session(), allowed);
    MuxedConnection conn = installed.connection();
    try {
      ch.pipeline().addLast("decoder", installed.decoder()).addLast("session", guard);
      if (!lateAcceptor) {
        conn.setInboundStreamAcceptor(MuxFuzzDriver::accept);
      }
      if (openFirst) {
        conn.openStream().thenAccept(s -> {
          s.setHandler(new Discard());
          s.write(Unpooled.wrappedBuffer(new byte[1000]));
          s.closeWrite();
        });
      }
      ch.runPendingTasks();
      List<byte[]> pieces = pieces(data, 2, u8(data, 1));
      List<ByteBuf> given = new ArrayList<>();
      allocationAtMost(64L * data.length + (64 << 10), () -> "session on " + data.length + " bytes", () -> {
        for (int i = 0; i < pieces.size() && ch.isOpen(); i++) {
          if (lateAcceptor && i == pieces.size() / 2) {
            conn.setInboundStreamAcceptor(MuxFuzzDriver::accept);
          }
          ByteBuf in = Unpooled.wrappedBuffer(pieces.get(i));
          given.add(in);
          try {
            ch.writeInbound(in);
          } catch (RuntimeException e) {
            // EmbeddedChannel tears the pipeline down inside close(): when a frame closed the session,
            // the decoder's error on the rest of that read reaches the tail instead of the (removed)
            // session. On a socket the session would still see it and ignore it. Only that case passes.
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (ch.isOpen() || !allowed.isInstance(c)) {
              throw e;
            }
            break;
          }
          ch.runPendingTasks();
          drainOutbound(ch);
        }
        checkPinned(given, installed.heldBytes().getAsLong(), data);
        conn.close();
        ch.runPendingTasks();
      });
      if (guard.unexpected() != null) {
        throw new AssertionError("the session threw " + guard.unexpected() + " on input " + hex(data),
            guard.unexpected());
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** Input buffers still referenced, except the last (it may be the decoder's cumulation). */
  private static void checkPinned(List<ByteBuf> given, long held, byte[] data) {
    long pinned = 0;
    for (int i = 0; i < given.size() - 1; i++) {
      if (given.get(i).refCnt() > 0) {
        pinned += given.get(i).capacity();
      }
    }
    if (pinned > 2 * held + PIN_SLACK) {
      throw new AssertionError("the session pins " + pinned + " bytes of input buffers while it accounts for "
          + held + " held bytes, on input " + hex(data));
    }
  }

  private static void drainOutbound(EmbeddedChannel ch) {
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      io.netty.util.ReferenceCountUtil.release(o);
    }
  }

  private static void accept(MuxedStream s) {
    switch ((int) (s.id() % 3)) {
      case 0 -> s.setHandler(new Echo());
      case 1 -> s.setHandler(new Discard());
      default -> { } // no handler: the muxer holds its data up to its bound, then resets it
    }
  }

  /** Writes back what it gets and closes its side when the remote does. */
  private static final class Echo implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      // a copy: a handler that kept the slice it was given would pin the read, which is its own doing
      stream.write(data.copy());
      data.release();
    }

    @Override
    public void onRemoteClose(MuxedStream stream) {
      stream.closeWrite();
    }
  }

  private static final class Discard implements MuxedStreamHandler {
    @Override
    public void onData(MuxedStream stream, ByteBuf data) {
      data.release();
    }
  }
}
