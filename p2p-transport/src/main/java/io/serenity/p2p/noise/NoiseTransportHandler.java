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
  /** Writes held until the next flush, with their promises. */
  private ByteBuf[] held = new ByteBuf[16];
  private ChannelPromise[] heldPromises = new ChannelPromise[16];
  private int heldCount;
  private int heldBytes;
  /** Complete inbound frames wait in the cumulation because the channel's reads are held. */
  private boolean framesHeld;
  /** Held writes sealed at once beyond this many, whatever their size. */
  private static final int MAX_HELD = 1024;

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
    openFrames(ctx, false);
  }

  /**
   * Opens the complete frames in the cumulation and hands each on. While the channel's reads are held
   * (auto-read off: a muxer without flow control holds them for a reader that fell behind) it stops
   * after the first frame, as a socket read would, and the rest wait here until a read is asked for:
   * one frame of 64 KiB can carry many writes since they are sealed together, and handing all of the
   * frames a socket read completed on at once pushed a held stream past its buffer's bound.
   */
  private void openFrames(ChannelHandlerContext ctx, boolean all) {
    reading = true;
    framesHeld = false;
    boolean opened = false;
    try {
      while (!failed) {
        int length =
            NoiseFrameCodec.completeFrameLength(
                cumulation, CipherState.TAG_LENGTH, config.maxFrameLength());
        if (length < 0) {
          break;
        }
        if (opened && !all && !ctx.channel().config().isAutoRead()) {
          framesHeld = true;
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
        opened = true;
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
    if (cumulation != null) {
      if (failed || !cumulation.isReadable()) {
        releaseCumulation();
        framesHeld = false;
      } else {
        cumulation.discardSomeReadBytes();
      }
    }
  }

  /** A read asked for while frames wait: the next frame is handed on before the socket is read again. */
  @Override
  public void read(ChannelHandlerContext ctx) {
    if (framesHeld && !reading && cumulation != null) {
      openFrames(ctx, false);
      ctx.fireChannelReadComplete();
      if (framesHeld) {
        return; // still reading from what is here: the socket can wait
      }
    }
    ctx.read();
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

  /**
   * Holds {@code msg} until the next flush, when everything held leaves in as few transport messages as
   * fit (each at most {@code maxFrameLength}): a muxer writes a header and a payload per frame and
   * many frames per event-loop turn, and sealing each write alone cost a cipher set-up, 18 bytes of
   * framing and a decryption at the far end per write. What is held is sealed at once when it reaches
   * a full frame's worth or {@value #MAX_HELD} writes, so holding adds at most one frame of plaintext
   * to what the channel's outbound buffer would hold anyway.
   */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(new NoiseException("only ByteBuf can be written to a Noise channel"));
      return;
    }
    if (failed) {
      in.release();
      promise.setFailure(new NoiseException("Noise channel failed"));
      return;
    }
    if (heldCount == held.length) {
      held = java.util.Arrays.copyOf(held, heldCount * 2);
      heldPromises = java.util.Arrays.copyOf(heldPromises, heldCount * 2);
    }
    held[heldCount] = in;
    heldPromises[heldCount] = promise;
    heldCount++;
    heldBytes += in.readableBytes();
    if (heldBytes >= config.maxPlaintextPerFrame()) {
      seal(ctx, false);
    } else if (heldCount >= MAX_HELD) {
      seal(ctx, true);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    seal(ctx, true);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    // as the channel does with writes not flushed when it closes
    dropHeld(new java.nio.channels.ClosedChannelException());
    ctx.close(promise);
  }

  /**
   * Encrypts what is held into one buffer of transport messages and writes it: everything when
   * {@code all} (a flush), else only whole messages' worth, the rest staying held for the next.
   */
  private void seal(ChannelHandlerContext ctx, boolean all) {
    int count = heldCount;
    if (count == 0) {
      return;
    }
    int maxPlain = config.maxPlaintextPerFrame();
    int total = all ? heldBytes : heldBytes / maxPlain * maxPlain;
    if (total == 0 && !all) {
      return;
    }
    ByteBuf out = null;
    ChannelPromise promise = null;
    try {
      if (total > 0) {
        int frames = (total + maxPlain - 1) / maxPlain;
        out = ctx.alloc().heapBuffer(total + frames * FRAME_OVERHEAD);
        byte[] dst = out.array();
        int part = 0;
        int left = total;
        while (left > 0) {
          int chunk = Math.min(maxPlain, left);
          out.writeShort(chunk + CipherState.TAG_LENGTH);
          int o = out.arrayOffset() + out.writerIndex();
          sender.beginEncrypt();
          for (int need = chunk; need > 0; ) {
            ByteBuf in = held[part];
            int n = Math.min(need, in.readableBytes());
            if (n == 0) {
              part++;
              continue;
            }
            if (in.hasArray()) {
              o += sender.encryptPart(in.array(), in.arrayOffset() + in.readerIndex(), n, dst, o);
            } else {
              // a direct or composite buffer: through the scratch array (at most a frame's plaintext)
              byte[] s = scratch();
              in.getBytes(in.readerIndex(), s, 0, n);
              o += sender.encryptPart(s, 0, n, dst, o);
            }
            in.skipBytes(n);
            need -= n;
          }
          o += sender.endEncrypt(dst, o);
          out.writerIndex(o - out.arrayOffset());
          left -= chunk;
        }
      }
      heldBytes -= total; // sealed writes are consumed: releasing them below subtracts nothing more
      // the writes now wholly sealed; a write partly sealed stays held, its promise with the rest
      int done = 0;
      while (done < count && (all || !held[done].isReadable())) {
        done++;
      }
      promise = done == 1 ? heldPromises[0] : combinedPromise(ctx, done);
      // released before the write: a listener the write completes may write again, into held
      releaseHeld(done);
      ByteBuf toWrite = out == null ? Unpooled.EMPTY_BUFFER : out;
      out = null;
      ctx.write(toWrite, promise);
    } catch (RuntimeException e) {
      ChannelPromise[] promises = java.util.Arrays.copyOf(heldPromises, heldCount);
      releaseHeld(heldCount);
      NoiseException failure = e instanceof NoiseException n ? n : new NoiseException("sealing failed", e);
      fail(ctx, failure);
      for (ChannelPromise p : promises) {
        p.tryFailure(failure);
      }
      if (promise != null) {
        promise.tryFailure(failure);
      }
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  /** One promise for {@code count} held writes, completing each of theirs as it completes. */
  private ChannelPromise combinedPromise(ChannelHandlerContext ctx, int count) {
    ChannelPromise[] each = new ChannelPromise[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (!heldPromises[i].isVoid()) {
        each[n++] = heldPromises[i];
      }
    }
    if (n == 0) {
      return ctx.voidPromise();
    }
    int notify = n;
    ChannelPromise all = ctx.newPromise();
    all.addListener(f -> {
      Throwable cause = f.cause();
      for (int i = 0; i < notify; i++) {
        if (cause == null) {
          each[i].trySuccess();
        } else {
          each[i].tryFailure(cause);
        }
      }
    });
    return all;
  }

  /** Releases the first {@code count} held writes (their promises are the caller's) and keeps the rest. */
  private void releaseHeld(int count) {
    int bytes = 0;
    for (int i = 0; i < count; i++) {
      bytes += held[i].readableBytes();
      held[i].release();
    }
    int rest = heldCount - count;
    System.arraycopy(held, count, held, 0, rest);
    System.arraycopy(heldPromises, count, heldPromises, 0, rest);
    java.util.Arrays.fill(held, rest, heldCount, null);
    java.util.Arrays.fill(heldPromises, rest, heldCount, null);
    heldCount = rest;
    heldBytes = rest == 0 ? 0 : heldBytes - bytes;
  }


  /** Releases held writes and fails their promises (on close or removal, as unflushed writes are). */
  private void dropHeld(Throwable cause) {
    int count = heldCount;
    if (count == 0) {
      return;
    }
    ChannelPromise[] promises = java.util.Arrays.copyOf(heldPromises, count);
    releaseHeld(count);
    for (ChannelPromise p : promises) {
      p.tryFailure(cause);
    }
  }


  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropHeld(new java.nio.channels.ClosedChannelException());
    if (framesHeld && !reading && cumulation != null) {
      openFrames(ctx, true); // what arrived before the end is handed on before the end
      ctx.fireChannelReadComplete();
    }
    if (!reading) {
      releaseCumulation();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropHeld(new java.nio.channels.ClosedChannelException());
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
