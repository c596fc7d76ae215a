package io.serenity.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.core.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secured channel after a Noise handshake: encrypts outbound {@code ByteBuf}s into
 * length-prefixed transport messages and decrypts inbound ones (libp2p noise spec, "Wire Format"
 * and "Encryption and I/O"). Decrypted data is a byte stream; frame boundaries mean nothing above.
 *
 * <p>A decryption failure, an oversize frame or nonce exhaustion closes the connection.
 */
final class NoiseTransportHandler extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(NoiseTransportHandler.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final io.serenity.p2p.core.internal.RateLimitedLog RLOG = io.serenity.p2p.core.internal.RateLimitedLog.perMinute(LOG, 5);
  private static final int FRAME_OVERHEAD = NoiseFrameCodec.LENGTH_PREFIX + CipherState.TAG_LENGTH;

  private final CipherState sender;
  private final CipherState receiver;
  private final NoiseConfig config;
  private final PeerId remote;
  private ChannelHandlerContext ctx;
  private ByteBuf cumulation;
  private boolean reading;
  private boolean failed;
  private byte[] scratch;

  NoiseTransportHandler(
      CipherState sender, CipherState receiver, NoiseConfig config, PeerId remote) {
    this.sender = sender;
    this.receiver = receiver;
    this.config = config;
    this.remote = remote;
  }

  /** A reusable array for frames held in direct buffers (the JDK cipher is slow on those). */
  private byte[] scratch() {
    if (scratch == null) {
      scratch = new byte[HandshakeState.MAX_MESSAGE_LENGTH];
    }
    return scratch;
  }

  /** For tests: the sending cipher state (to drive its nonce near exhaustion). */
  CipherState senderState() {
    return sender;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Takes bytes that arrived with the last handshake message; ownership passes here. */
  void acceptLeftover(ByteBuf leftover) {
    if (leftover == null) {
      return;
    }
    if (!leftover.isReadable() || ctx == null || ctx.isRemoved() || failed) {
      leftover.release();
      return;
    }
    channelRead(ctx, leftover);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf data)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new NoiseException("unexpected inbound message type " + msg.getClass().getName()));
      return;
    }
    cumulation = cumulate(ctx, data);
    reading = true;
    try {
      while (!failed) {
        int length =
            NoiseFrameCodec.completeFrameLength(
                cumulation, CipherState.TAG_LENGTH, config.maxFrameLength());
        if (length < 0) {
          break;
        }
        int plainLength = length - CipherState.TAG_LENGTH;
        ByteBuf plain = ctx.alloc().heapBuffer(plainLength);
        try {
          int frameStart = cumulation.readerIndex() + NoiseFrameCodec.LENGTH_PREFIX;
          byte[] src;
          int srcOff;
          if (cumulation.hasArray()) {
            src = cumulation.array();
            srcOff = cumulation.arrayOffset() + frameStart;
          } else {
            src = scratch();
            srcOff = 0;
            cumulation.getBytes(frameStart, src, 0, length);
          }
          receiver.decryptWithAd(null, src, srcOff, length, plain.array(), plain.arrayOffset());
        } catch (RuntimeException e) {
          plain.release();
          throw e;
        }
        plain.writerIndex(plainLength);
        cumulation.skipBytes(NoiseFrameCodec.LENGTH_PREFIX + length);
        if (plainLength == 0) {
          plain.release();
        } else {
          ctx.fireChannelRead(plain);
        }
      }
    } catch (NoiseException e) {
      fail(ctx, e);
    } finally {
      reading = false;
    }
    if (failed || !cumulation.isReadable()) {
      releaseCumulation();
    } else {
      cumulation.discardSomeReadBytes();
    }
  }

  /**
   * Appends {@code data} (released here) to what is waiting for a complete frame, always in heap
   * memory, so that frames are opened straight from the array: a socket read lands in a direct buffer
   * and a frame (up to 65,537 bytes) mostly spans two reads, so gathering into a direct buffer and then
   * copying each frame out to an array for the cipher copied most bytes twice; this copies each once.
   */
  private ByteBuf cumulate(ChannelHandlerContext ctx, ByteBuf data) {
    ByteBuf cum = cumulation;
    if (cum == null || !cum.isReadable()) {
      if (cum != null) {
        cum.release();
      }
      if (data.hasArray()) {
        return data; // already an array: frames open in place
      }
      ByteBuf heap = ctx.alloc().heapBuffer(Math.max(data.readableBytes(), config.maxFrameLength() + NoiseFrameCodec.LENGTH_PREFIX));
      heap.writeBytes(data);
      data.release();
      return heap;
    }
    try {
      if (cum.hasArray() && cum.refCnt() == 1 && !cum.isReadOnly()
          && cum.maxFastWritableBytes() >= data.readableBytes()) {
        cum.writeBytes(data);
        return cum;
      }
      int need = cum.readableBytes() + data.readableBytes();
      ByteBuf heap = ctx.alloc().heapBuffer(Math.max(need, config.maxFrameLength() + NoiseFrameCodec.LENGTH_PREFIX));
      heap.writeBytes(cum).writeBytes(data);
      cum.release();
      return heap;
    } finally {
      data.release();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(new NoiseException("only ByteBuf can be written to a Noise channel"));
      return;
    }
    ByteBuf out = null;
    try {
      if (failed) {
        promise.setFailure(new NoiseException("Noise channel failed"));
        return;
      }
      int readable = in.readableBytes();
      if (readable == 0) {
        // An empty frame would only cost a nonce; keep the write for its promise and flush.
        ctx.write(Unpooled.EMPTY_BUFFER, promise);
        return;
      }
      int maxPlain = config.maxPlaintextPerFrame();
      int frames = Math.max(1, (readable + maxPlain - 1) / maxPlain);
      // One buffer and one write for all frames, so the caller's promise covers the whole write.
      out = ctx.alloc().heapBuffer(readable + frames * FRAME_OVERHEAD);
      byte[] dst = out.array();
      do {
        int chunk = Math.min(maxPlain, in.readableBytes());
        int frameLength = chunk + CipherState.TAG_LENGTH;
        out.writeShort(frameLength);
        int dstOff = out.arrayOffset() + out.writerIndex();
        if (in.hasArray()) {
          sender.encryptWithAd(null, in.array(), in.arrayOffset() + in.readerIndex(), chunk, dst, dstOff);
        } else {
          // e.g. a muxer's header and payload in a composite buffer: encrypted part by part, no copy
          sender.encryptWithAd(null, in.nioBuffers(in.readerIndex(), chunk), dst, dstOff, scratch());
        }
        out.writerIndex(out.writerIndex() + frameLength);
        in.skipBytes(chunk);
      } while (in.isReadable());
      ByteBuf toWrite = out;
      out = null;
      ctx.write(toWrite, promise);
    } catch (NoiseException e) {
      promise.tryFailure(e);
      fail(ctx, e);
    } finally {
      in.release();
      if (out != null) {
        out.release();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!reading) {
      releaseCumulation();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!reading) {
      releaseCumulation();
    }
  }

  private void fail(ChannelHandlerContext ctx, NoiseException e) {
    if (failed) {
      return;
    }
    failed = true;
    RLOG.warn(
        "{} noise transport with {} failed, closing: {}", ctx.channel(), remote, e.getMessage());
    ctx.close();
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
