package io.serenity.p2p.noise;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.pieces;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Fuzz target of the Noise XX handshake as {@link NoiseHandshakeHandler} runs it on a channel. Input:
 * byte 0 picks the mode, byte 1 seeds the read boundaries.
 *
 * <ul>
 *   <li>Modes 0 and 1 (our side responds, or initiates): the rest is the remote's raw bytes, framing
 *       included. Without the keys no input can complete the handshake, so a success here would be an
 *       authentication bypass.
 *   <li>Modes 2 and 3 (our side responds, or initiates, to an honest remote with a fixed static key):
 *       bytes 2-3 give a length P, the next P bytes are the handshake payload the remote sends encrypted
 *       (its identity key, signature and muxer list, decoded by {@link HandshakePayload#verify}), and
 *       what follows arrives after that message as the first transport bytes.
 * </ul>
 *
 * Invariant: nothing reaches the pipeline's end as an exception; the handshake either fails with
 * {@link NoiseException} and closes the channel, or authenticates the identity that signed the remote's
 * static key, or waits; allocation stays proportional to the input.
 */
class NoiseHandshakeFuzzTest {

  static final PrivateKey LOCAL_IDENTITY = PrivateKey.fromSeed(KeyType.ED25519, 11);
  static final PrivateKey REMOTE_IDENTITY = PrivateKey.fromSeed(KeyType.SECP256K1, 12);
  static final DhKeyPair REMOTE_STATIC = DhKeyPair.fromPrivate(fixedBytes(32, 3));
  static final DhKeyPair LOCAL_STATIC = DhKeyPair.fromPrivate(fixedBytes(32, 5));
  static final List<String> MUXERS = List.of("/yamux/1.0.0", "/mplex/6.7.0");
  /** Room the XX message 2 needs around its payload: e, encrypted s and two tags. */
  static final int MAX_PAYLOAD = HandshakeState.MAX_MESSAGE_LENGTH - 32 - 48 - 16;

  private static final class Sink extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The payload an honest remote sends: what the seed corpus starts from. */
  static byte[] honestPayload() {
    return HandshakePayload.create(REMOTE_IDENTITY, REMOTE_STATIC.publicKey(), MUXERS);
  }

  @FuzzTest(maxDuration = "10s")
  void handshake(byte[] data) throws Exception {
    int mode = u8(data, 0) % 4;
    boolean weInitiate = mode == 1 || mode == 3;
    PeerId expected = weInitiate ? PeerId.fromPublicKey(REMOTE_IDENTITY.publicKey()) : null;
    NoiseHandshakeHandler handler = new NoiseHandshakeHandler(
        LOCAL_IDENTITY, weInitiate, expected, MUXERS, NoiseConfig.defaults(), seeded(1), LOCAL_STATIC);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(new UnpooledByteBufAllocator(false));
    handler.session().thenAccept(s -> ch.pipeline().addLast(new Sink()));
    try {
      allocationAtMost(32L * data.length, () -> "handshake on " + data.length + " bytes", () -> {
        ch.pipeline().addLast("noise", handler);
        byte[] remote = mode < 2 ? Arrays.copyOfRange(data, Math.min(2, data.length), data.length)
            : honestRemote(data, ch, !weInitiate);
        for (byte[] piece : pieces(remote, 0, u8(data, 1))) {
          if (!ch.isOpen()) {
            break;
          }
          ch.writeInbound(Unpooled.wrappedBuffer(piece));
          ch.runPendingTasks();
        }
      });
      check(handler, ch, mode, data);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static void check(NoiseHandshakeHandler handler, EmbeddedChannel ch, int mode, byte[] data) {
    if (!handler.session().isDone()) {
      assertThat(ch.isOpen()).isTrue();
      return;
    }
    SecureSession session;
    try {
      session = handler.session().join();
    } catch (CompletionException e) {
      expectOnly(e.getCause(), data, NoiseException.class);
      assertThat(ch.isOpen()).as("a failed handshake closes the channel").isFalse();
      return;
    }
    assertThat(mode).as("a handshake completed without the remote's keys").isGreaterThanOrEqualTo(2);
    assertThat(session.remotePeer()).isEqualTo(PeerId.fromPublicKey(session.remoteKey()));
    if (mode == 3) {
      assertThat(session.remotePeer()).isEqualTo(PeerId.fromPublicKey(REMOTE_IDENTITY.publicKey()));
    }
    assertThat(ch.pipeline().get(NoiseHandshakeHandler.class)).isNull();
  }

  /**
   * Plays the honest remote up to its message carrying the fuzzed payload; returns that message, framed,
   * followed by the input's trailing bytes.
   */
  private static byte[] honestRemote(byte[] data, EmbeddedChannel ch, boolean remoteInitiates) {
    int p = Math.min(((u8(data, 2) << 8) | u8(data, 3)), MAX_PAYLOAD);
    int payloadEnd = Math.min(data.length, 4 + p);
    byte[] payload = data.length > 4 ? Arrays.copyOfRange(data, 4, payloadEnd) : new byte[0];
    byte[] trailing = Arrays.copyOfRange(data, payloadEnd, Math.max(payloadEnd, data.length));
    HandshakeState remote = new HandshakeState(remoteInitiates, new byte[0], REMOTE_STATIC, null, seeded(2));
    if (remoteInitiates) {
      ch.writeInbound(frame(remote.writeMessage(new byte[0])));
      ch.runPendingTasks();
    }
    byte[] ours = readFrame(ch);
    if (ours == null) {
      return new byte[0]; // our side already failed (it cannot here); nothing more to send
    }
    remote.readMessage(ours);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] message = remote.writeMessage(payload);
    out.write(message.length >>> 8);
    out.write(message.length);
    out.writeBytes(message);
    out.writeBytes(trailing);
    return out.toByteArray();
  }

  private static ByteBuf frame(byte[] message) {
    ByteBuf b = Unpooled.buffer(2 + message.length);
    b.writeShort(message.length);
    b.writeBytes(message);
    return b;
  }

  /** The Noise message in the next outbound frame, or null. */
  private static byte[] readFrame(EmbeddedChannel ch) {
    ByteBuf b = ch.readOutbound();
    if (b == null) {
      return null;
    }
    try {
      int len = b.readUnsignedShort();
      return ByteBufUtil.getBytes(b, b.readerIndex(), len);
    } finally {
      b.release();
    }
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] fixedBytes(int n, int salt) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + salt);
    }
    return b;
  }
}
