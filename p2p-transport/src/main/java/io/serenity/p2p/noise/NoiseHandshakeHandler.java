package io.serenity.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the libp2p Noise XX handshake on a channel, then replaces itself with the transport handler
 * that encrypts outbound and decrypts inbound {@code ByteBuf}s.
 *
 * <p>{@link #session()} completes on the event loop after the transport handler is in place and
 * before any plaintext that arrived with the last handshake message is passed on, so a callback
 * attached to it can add the next handler (multistream-select or the muxer) with {@code addLast}
 * and will see every byte. Writes issued before the handshake completes are refused. On failure the
 * future completes with a {@link NoiseException} and the channel is closed.
 *
 * <pre>{@code
 * NoiseHandshakeHandler noise = new NoiseHandshakeHandler(identity, true, dialledPeer, List.of("/yamux/1.0.0"));
 * channel.pipeline().addLast(noise);
 * noise.session().thenAccept(s -> ...);
 * }</pre>
 */
public final class NoiseHandshakeHandler extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(NoiseHandshakeHandler.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  private final PrivateKey identity;
  private final PeerId localPeer;
  private final boolean initiator;
  private final PeerId expectedRemote;
  private final List<String> ourMuxers;
  private final NoiseConfig config;
  private final HandshakeState handshake;
  private final CompletableFuture<SecureSession> session = new CompletableFuture<>();
  private ByteBuf cumulation;
  private boolean started;
  private boolean done;
  private int received;

  /**
   * A handler for one side of one connection's handshake.
   *
   * @param identity our libp2p identity key, which signs the Noise static key
   * @param initiator true on the dialling side
   * @param expectedRemote the peer we dialled, checked against the authenticated key; null to
   *     accept any peer (listeners, or dials without a /p2p component)
   * @param ourMuxers stream muxers to offer in the handshake, in preference order; empty to leave
   *     muxer negotiation to multistream-select
   */
  public NoiseHandshakeHandler(
      PrivateKey identity, boolean initiator, PeerId expectedRemote, List<String> ourMuxers) {
    this(
        identity, initiator, expectedRemote, ourMuxers, NoiseConfig.defaults(), new SecureRandom());
  }

  /**
   * As the four-argument constructor with explicit config and randomness (for the keys).
   *
   * @param identity our libp2p identity key, which signs the Noise static key
   * @param initiator true on the dialling side
   * @param expectedRemote the peer we dialled, or null to accept any peer
   * @param ourMuxers stream muxers to offer in the handshake, in preference order
   * @param config the limits
   * @param random the source of the ephemeral and static Noise keys
   */
  public NoiseHandshakeHandler(
      PrivateKey identity,
      boolean initiator,
      PeerId expectedRemote,
      List<String> ourMuxers,
      NoiseConfig config,
      SecureRandom random) {
    this(identity, initiator, expectedRemote, ourMuxers, config, random, null);
  }

  /** For tests: a fixed static key; null to generate one per connection. */
  NoiseHandshakeHandler(
      PrivateKey identity,
      boolean initiator,
      PeerId expectedRemote,
      List<String> ourMuxers,
      NoiseConfig config,
      SecureRandom random,
      DhKeyPair fixedStatic) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.localPeer = PeerId.fromPublicKey(identity.publicKey());
    this.initiator = initiator;
    this.expectedRemote = expectedRemote;
    this.ourMuxers = List.copyOf(ourMuxers);
    this.config = config.validate();
    // A fresh static key per connection: allowed by the spec ("Static Key Authentication") and
    // it keeps no long-lived Noise secret in memory.
    DhKeyPair s = fixedStatic != null ? fixedStatic : DhKeyPair.generate(random);
    this.handshake = new HandshakeState(initiator, new byte[0], s, null, random);
  }

  /**
   * Completes with the authenticated session, or exceptionally when the handshake failed.
   *
   * @return the session, later
   */
  public CompletableFuture<SecureSession> session() {
    return session;
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
    if (initiator) {
      // msg1 "-> e": the initiator MUST NOT send extensions (or anything) before secrecy.
      try {
        send(ctx, handshake.writeMessage(new byte[0]));
      } catch (NoiseException e) {
        fail(ctx, e);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf data)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new NoiseException("unexpected message type " + msg.getClass().getName()));
      return;
    }
    cumulation =
        ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(
            ctx.alloc(), cumulation == null ? Unpooled.EMPTY_BUFFER : cumulation, data);
    try {
      while (!done) {
        int length =
            NoiseFrameCodec.completeFrameLength(cumulation, 0, HandshakeState.MAX_MESSAGE_LENGTH);
        if (length < 0) {
          break;
        }
        cumulation.skipBytes(NoiseFrameCodec.LENGTH_PREFIX);
        byte[] message = new byte[length];
        cumulation.readBytes(message);
        onMessage(ctx, message);
      }
    } catch (NoiseException e) {
      fail(ctx, e);
    } catch (RuntimeException e) {
      fail(ctx, new NoiseException("Noise handshake failed: " + e, e));
    }
    if (cumulation != null && !done) {
      cumulation.discardSomeReadBytes();
    }
  }

  private void onMessage(ChannelHandlerContext ctx, byte[] message) {
    received++;
    if (initiator) {
      // msg2 "<- e, ee, s, es" + responder payload
      byte[] payload = handshake.readMessage(message);
      HandshakePayload.Remote remote = authenticate(payload);
      Optional<String> muxer = selectMuxer(ourMuxers, remote.muxers());
      // msg3 "-> s, se" + our payload, carrying our muxer list now that it is encrypted
      send(
          ctx,
          handshake.writeMessage(
              HandshakePayload.create(identity, handshake.localStaticPublic(), ourMuxers)));
      complete(ctx, remote, muxer);
    } else if (received == 1) {
      // msg1 "-> e": its payload is ignored (the initiator must not send data before secrecy)
      handshake.readMessage(message);
      send(
          ctx,
          handshake.writeMessage(
              HandshakePayload.create(identity, handshake.localStaticPublic(), ourMuxers)));
    } else {
      // msg3 "-> s, se" + initiator payload
      byte[] payload = handshake.readMessage(message);
      HandshakePayload.Remote remote = authenticate(payload);
      complete(ctx, remote, selectMuxer(remote.muxers(), ourMuxers));
    }
  }

  private HandshakePayload.Remote authenticate(byte[] payload) {
    HandshakePayload.Remote remote = HandshakePayload.verify(payload, handshake.remoteStatic());
    if (expectedRemote != null && !expectedRemote.equals(remote.peer())) {
      throw new NoiseException(
          "peer id mismatch: expected "
              + expectedRemote
              + ", remote authenticated as "
              + remote.peer());
    }
    return remote;
  }

  /**
   * Inlined muxer negotiation (libp2p connections/inlined-muxer-negotiation.md): the first of the
   * initiator's muxers the responder also lists; nothing when either side listed none; a failed
   * handshake when both listed some but none in common.
   */
  static Optional<String> selectMuxer(List<String> initiatorMuxers, List<String> responderMuxers) {
    if (initiatorMuxers.isEmpty() || responderMuxers.isEmpty()) {
      return Optional.empty();
    }
    for (String m : initiatorMuxers) {
      if (responderMuxers.contains(m)) {
        return Optional.of(m);
      }
    }
    throw new NoiseException(
        "no common stream muxer: initiator offered "
            + initiatorMuxers
            + ", responder offered "
            + responderMuxers);
  }

  private void complete(
      ChannelHandlerContext ctx, HandshakePayload.Remote remote, Optional<String> muxer) {
    done = true;
    CipherState[] ciphers = handshake.split();
    ByteBuf leftover = cumulation;
    cumulation = null;
    NoiseTransportHandler transport =
        new NoiseTransportHandler(ciphers[0], ciphers[1], config, remote.peer());
    try {
      ctx.pipeline().replace(this, ctx.name(), transport);
    } catch (RuntimeException e) {
      if (leftover != null) {
        leftover.release();
      }
      throw new NoiseException("could not install the Noise transport handler: " + e, e);
    }
    SecureSession s = new SecureSession(localPeer, remote.peer(), remote.key(), muxer);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} noise handshake done with {} (early muxer {})", ctx.channel(), remote.peer(), muxer);
    }
    session.complete(s);
    transport.acceptLeftover(leftover);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // Plaintext must never reach the wire: upper layers wait for session().
    ReferenceCountUtil.release(msg);
    promise.setFailure(new NoiseException("write before the Noise handshake completed"));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!done) {
      fail(ctx, new NoiseException("connection closed during the Noise handshake" + peerSuffix()));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    fail(ctx, new NoiseException("Noise handshake failed: " + cause, cause));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
    if (!done) {
      done = true;
      session.completeExceptionally(
          new NoiseException("Noise handler removed before the handshake completed"));
    }
  }

  private void send(ChannelHandlerContext ctx, byte[] message) {
    ctx.writeAndFlush(NoiseFrameCodec.frame(ctx.alloc(), message))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    fail(ctx, new NoiseException("Noise handshake write failed", f.cause()));
                  }
                });
  }

  private void fail(ChannelHandlerContext ctx, NoiseException e) {
    if (session.isDone()) {
      return;
    }
    done = true;
    releaseCumulation();
    RLOG.info("{} noise handshake failed{}: {}", ctx.channel(), peerSuffix(), e.getMessage());
    session.completeExceptionally(e);
    ctx.close();
  }

  private String peerSuffix() {
    return expectedRemote == null ? "" : " (dialled " + expectedRemote + ")";
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
