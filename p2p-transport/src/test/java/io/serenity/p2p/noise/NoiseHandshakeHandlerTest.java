package io.serenity.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.multistream.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(LeakCheck.class)
class NoiseHandshakeHandlerTest {

  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  /** Two EmbeddedChannels joined by {@link #pump()}, which moves all pending bytes each round. */
  static final class Link {
    final EmbeddedChannel a;
    final EmbeddedChannel b;

    Link(NoiseHandshakeHandler initiator, NoiseHandshakeHandler responder) {
      b = new EmbeddedChannel(responder);
      a = new EmbeddedChannel(initiator);
    }

    void pump() {
      for (int i = 0; i < 100; i++) {
        boolean moved = move(a, b) | move(b, a);
        if (!moved) {
          return;
        }
      }
      throw new AssertionError("link did not settle");
    }

    /** Moves everything {@code from} wrote to {@code to} as one inbound buffer. */
    static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
      byte[] bytes = drainOutbound(from);
      if (bytes.length == 0) {
        return false;
      }
      if (to.isOpen()) {
        to.writeInbound(Unpooled.wrappedBuffer(bytes));
      }
      return true;
    }

    void finish() {
      releaseAll(a);
      releaseAll(b);
    }
  }

  static byte[] drainOutbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  static byte[] drainInbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
      ByteBuf b = (ByteBuf) o;
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  static void releaseAll(EmbeddedChannel ch) {
    ch.finishAndReleaseAll();
  }

  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static PrivateKey key(KeyType type, long seed) {
    return PrivateKey.fromSeed(type, seed);
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"SECP256K1", "ED25519"})
  void handshakeAuthenticatesBothSidesAndCarriesData(KeyType type) {
    PrivateKey ik = key(type, 1);
    PrivateKey rk = key(type, 2);
    PeerId rPeer = PeerId.fromPublicKey(rk.publicKey());
    NoiseHandshakeHandler init = Noise.initiator(ik, rPeer, List.of(YAMUX));
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of(YAMUX));
    Link link = new Link(init, resp);
    link.pump();

    SecureSession is = init.session().join();
    SecureSession rs = resp.session().join();
    assertThat(is.remotePeer()).isEqualTo(rPeer);
    assertThat(is.localPeer()).isEqualTo(PeerId.fromPublicKey(ik.publicKey()));
    assertThat(rs.remotePeer()).isEqualTo(is.localPeer());
    assertThat(rs.remoteKey()).isEqualTo(ik.publicKey());
    assertThat(is.earlyMuxer()).contains(YAMUX);
    assertThat(rs.earlyMuxer()).contains(YAMUX);
    assertThat(link.a.pipeline().get(NoiseHandshakeHandler.class)).isNull();
    assertThat(link.a.pipeline().get(NoiseTransportHandler.class)).isNotNull();

    link.a.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
    link.b.writeAndFlush(Unpooled.copiedBuffer("pong", StandardCharsets.UTF_8));
    link.pump();
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("ping");
    assertThat(new String(drainInbound(link.a), StandardCharsets.UTF_8)).isEqualTo("pong");
    link.finish();
  }

  @Test
  void handshakeMessagesSplitAtEveryByteOffsetStillComplete() {
    PrivateKey ik = key(KeyType.ED25519, 1);
    PrivateKey rk = key(KeyType.ED25519, 2);
    int msg2Length = -1;
    for (int split = 0; msg2Length < 0 || split <= msg2Length; split++) {
      NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of(YAMUX));
      NoiseHandshakeHandler resp = Noise.responder(rk, List.of(YAMUX));
      Link link = new Link(init, resp);
      Link.move(link.a, link.b); // msg1
      byte[] msg2 = drainOutbound(link.b);
      msg2Length = msg2.length;
      link.a.writeInbound(Unpooled.wrappedBuffer(msg2, 0, split));
      assertThat(init.session().isDone()).isEqualTo(split == msg2.length);
      link.a.writeInbound(Unpooled.wrappedBuffer(msg2, split, msg2.length - split));
      link.pump();
      assertThat(init.session()).isCompleted();
      assertThat(resp.session().join().remotePeer())
          .isEqualTo(PeerId.fromPublicKey(ik.publicKey()));
      link.finish();
    }
  }

  @Test
  void dialerRejectsAnUnexpectedPeerNamingBothIds() {
    PrivateKey rk = key(KeyType.SECP256K1, 2);
    PeerId wanted = PeerId.fromPublicKey(key(KeyType.SECP256K1, 3).publicKey());
    PeerId actual = PeerId.fromPublicKey(rk.publicKey());
    NoiseHandshakeHandler init = Noise.initiator(key(KeyType.SECP256K1, 1), wanted, List.of());
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of());
    Link link = new Link(init, resp);
    link.pump();
    assertThat(failure(init.session()))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining(wanted.toString())
        .hasMessageContaining(actual.toString());
    assertThat(link.a.isOpen()).isFalse();
    // the dialer closed without sending msg3: the listener never completes successfully
    link.b.close();
    assertThat(resp.session()).isCompletedExceptionally();
    link.finish();
  }

  @Test
  void tamperedIdentitySignatureIsRejected() {
    SecureRandom random = new SecureRandom();
    NoiseHandshakeHandler init = Noise.initiator(key(KeyType.ED25519, 1), null, List.of());
    EmbeddedChannel a = new EmbeddedChannel(init);
    byte[] msg1 = drainOutbound(a);
    // A responder whose payload signs its static key, with one signature byte flipped.
    PrivateKey rk = key(KeyType.ED25519, 2);
    HandshakeState resp =
        new HandshakeState(false, new byte[0], DhKeyPair.generate(random), null, random);
    resp.readMessage(java.util.Arrays.copyOfRange(msg1, 2, msg1.length));
    byte[] payload = HandshakePayload.create(rk, resp.localStaticPublic(), List.of());
    payload[payload.length - 1] ^= 1; // identity_sig is the last field
    byte[] msg2 = resp.writeMessage(payload);
    ByteBuf framed = NoiseFrameCodec.frame(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, msg2);
    a.writeInbound(framed);
    assertThat(failure(init.session()))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("invalid signature");
    assertThat(a.isOpen()).isFalse();
    releaseAll(a);
  }

  @Test
  void signatureOverAnotherStaticKeyIsRejected() {
    SecureRandom random = new SecureRandom();
    NoiseHandshakeHandler init = Noise.initiator(key(KeyType.SECP256K1, 1), null, List.of());
    EmbeddedChannel a = new EmbeddedChannel(init);
    byte[] msg1 = drainOutbound(a);
    PrivateKey rk = key(KeyType.SECP256K1, 2);
    HandshakeState resp =
        new HandshakeState(false, new byte[0], DhKeyPair.generate(random), null, random);
    resp.readMessage(java.util.Arrays.copyOfRange(msg1, 2, msg1.length));
    // A valid signature, but over a different static key than the one in the handshake.
    byte[] payload = HandshakePayload.create(rk, DhKeyPair.generate(random).publicKey(), List.of());
    a.writeInbound(
        NoiseFrameCodec.frame(
            io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, resp.writeMessage(payload)));
    assertThat(failure(init.session())).hasMessageContaining("invalid signature");
    releaseAll(a);
  }

  @Test
  void largeWritesAreSplitIntoMaxFramesAndReassembled() {
    Link link = handshaken(List.of(), List.of());
    byte[] big = new byte[200_000];
    new Random(7).nextBytes(big);
    link.a.writeAndFlush(Unpooled.wrappedBuffer(big));
    byte[] wire = drainOutbound(link.a);
    // 200000 = 3 * 65519 + 3443: four frames, three of them full
    assertThat(frameLengths(wire)).containsExactly(65535, 65535, 65535, 3443 + 16);
    // deliver in odd-sized pieces
    Random r = new Random(8);
    int off = 0;
    while (off < wire.length) {
      int n = Math.min(wire.length - off, 1 + r.nextInt(40_000));
      link.b.writeInbound(Unpooled.wrappedBuffer(wire, off, n));
      off += n;
    }
    assertThat(drainInbound(link.b)).isEqualTo(big);
    link.finish();
  }

  @Test
  void transportFramesSplitAtEveryOffsetDecode() {
    Link link = handshaken(List.of(), List.of());
    link.a.writeAndFlush(Unpooled.copiedBuffer("abc", StandardCharsets.UTF_8));
    link.a.writeAndFlush(Unpooled.copiedBuffer("defgh", StandardCharsets.UTF_8));
    byte[] wire = drainOutbound(link.a);
    // Each split needs fresh cipher states; re-handshake per offset would be slow, so feed
    // byte-by-byte instead, which crosses every offset of both frames.
    for (byte b : wire) {
      link.b.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("abcdefgh");
    link.finish();
  }

  /** The length of each transport message in {@code wire}. */
  private static List<Integer> frameLengths(byte[] wire) {
    ByteBuf w = Unpooled.wrappedBuffer(wire);
    List<Integer> frames = new ArrayList<>();
    while (w.isReadable()) {
      int len = w.readUnsignedShort();
      frames.add(len);
      w.skipBytes(len);
    }
    return frames;
  }

  @Test
  void writesUpToAFlushLeaveSealedTogetherInOneMessage() {
    Link link = handshaken(List.of(), List.of());
    ByteBuf direct = Unpooled.directBuffer().writeBytes("abc".getBytes(StandardCharsets.UTF_8));
    ByteBuf heap = Unpooled.copiedBuffer("defgh", StandardCharsets.UTF_8);
    ByteBuf composite = Unpooled.wrappedBuffer(
        Unpooled.copiedBuffer("ij", StandardCharsets.UTF_8),
        Unpooled.directBuffer().writeBytes("klm".getBytes(StandardCharsets.UTF_8)));
    List<io.netty.channel.ChannelFuture> writes = List.of(
        link.a.write(direct), link.a.write(Unpooled.EMPTY_BUFFER), link.a.write(heap), link.a.write(composite));
    // nothing leaves, and nothing is done, before the flush
    assertThat(drainOutbound(link.a)).isEmpty();
    assertThat(writes).noneMatch(io.netty.channel.ChannelFuture::isDone);
    link.a.flush();
    byte[] wire = drainOutbound(link.a);
    assertThat(frameLengths(wire)).containsExactly(3 + 5 + 5 + 16);
    assertThat(writes).allMatch(io.netty.channel.ChannelFuture::isSuccess);
    assertThat(List.of(direct, heap, composite)).allMatch(b -> b.refCnt() == 0);
    link.b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("abcdefghijklm");
    link.finish();
  }

  @Test
  void manySmallWritesFillWholeMessagesAndArriveInOrder() {
    Link link = handshaken(List.of(), List.of());
    byte[] all = new byte[2_000 * 100];
    new Random(9).nextBytes(all);
    List<io.netty.channel.ChannelFuture> writes = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      writes.add(link.a.write(Unpooled.copiedBuffer(all, i * 100, 100)));
    }
    link.a.flush();
    byte[] wire = drainOutbound(link.a);
    // sealed whenever a full message's worth is held: 200,000 bytes in four messages, not 2,000
    List<Integer> frames = frameLengths(wire);
    assertThat(frames).hasSize(4).allMatch(len -> len <= 65535);
    assertThat(frames.stream().mapToInt(len -> len - 16).sum()).isEqualTo(all.length);
    assertThat(writes).allMatch(io.netty.channel.ChannelFuture::isSuccess);
    link.b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertThat(drainInbound(link.b)).isEqualTo(all);
    link.finish();
  }

  @Test
  void heldReadsOpenOneFrameAtATimeAndNothingIsLost() {
    Link link = handshaken(List.of(), List.of());
    for (String part : List.of("one", "two", "three", "four")) {
      link.a.writeAndFlush(Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)); // a message each
    }
    byte[] wire = drainOutbound(link.a);
    assertThat(frameLengths(wire)).hasSize(4);
    link.b.config().setAutoRead(false); // as mplex does for a reader that fell behind
    link.b.writeInbound(Unpooled.wrappedBuffer(wire));
    // one socket read's worth of frames arrived; with reads held only the first is handed on
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("one");
    link.b.read(); // a read asked for: the next frame, from what is already here
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("two");
    link.b.config().setAutoRead(true); // reads resume: the rest, in order
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("threefour");
    link.finish();
  }

  @Test
  void framesHeldWhenTheConnectionEndsAreHandedOnBeforeTheEnd() {
    Link link = handshaken(List.of(), List.of());
    for (String part : List.of("a", "b", "c")) {
      link.a.writeAndFlush(Unpooled.copiedBuffer(part, StandardCharsets.UTF_8));
    }
    link.b.config().setAutoRead(false);
    link.b.writeInbound(Unpooled.wrappedBuffer(drainOutbound(link.a)));
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("a");
    link.b.pipeline().fireChannelInactive();
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("bc");
    link.finish();
  }

  @Test
  void closingFailsAndReleasesWritesNotYetFlushed() {
    Link link = handshaken(List.of(), List.of());
    ByteBuf data = Unpooled.copiedBuffer("held", StandardCharsets.UTF_8);
    io.netty.channel.ChannelFuture write = link.a.write(data);
    link.a.close();
    assertThat(write.cause()).isInstanceOf(java.nio.channels.ClosedChannelException.class);
    assertThat(data.refCnt()).isZero();
    assertThat(drainOutbound(link.a)).isEmpty();
    link.finish();
  }

  @Test
  void emptyWritesSendNoFrame() {
    Link link = handshaken(List.of(), List.of());
    assertThat(link.a.writeAndFlush(Unpooled.EMPTY_BUFFER).isSuccess()).isTrue();
    assertThat(drainOutbound(link.a)).isEmpty();
    link.finish();
  }

  @Test
  void garbageFrameClosesTheConnection() {
    Link link = handshaken(List.of(), List.of());
    byte[] garbage = new byte[2 + 40];
    garbage[1] = 40;
    link.b.writeInbound(Unpooled.wrappedBuffer(garbage));
    assertThat(link.b.isOpen()).isFalse();
    assertThat(drainInbound(link.b)).isEmpty();
    link.finish();
  }

  @Test
  void frameShorterThanTheTagClosesTheConnection() {
    Link link = handshaken(List.of(), List.of());
    link.b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 5, 1, 2, 3, 4, 5}));
    assertThat(link.b.isOpen()).isFalse();
    link.finish();
  }

  @Test
  void frameOverTheConfiguredMaximumIsRejected() {
    PrivateKey ik = key(KeyType.ED25519, 1);
    PrivateKey rk = key(KeyType.ED25519, 2);
    SecureRandom random = new SecureRandom();
    NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of());
    NoiseHandshakeHandler resp =
        new NoiseHandshakeHandler(rk, false, null, List.of(), new NoiseConfig(1024), random);
    Link link = new Link(init, resp);
    link.pump();
    assertThat(resp.session()).isCompleted();
    link.a.writeAndFlush(Unpooled.wrappedBuffer(new byte[2000])); // one 2016-byte frame
    link.pump();
    assertThat(link.b.isOpen()).isFalse();
    assertThat(drainInbound(link.b)).isEmpty();
    link.finish();
  }

  @Test
  void dataSentTogetherWithTheLastHandshakeMessageReachesTheNextHandler() {
    PrivateKey ik = key(KeyType.SECP256K1, 1);
    PrivateKey rk = key(KeyType.SECP256K1, 2);
    NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of());
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of());
    Link link = new Link(init, resp);
    // As soon as the dialer is secured it writes; pump() then delivers msg3 and this frame in
    // one inbound buffer, so the responder must pass the leftover through its transport handler.
    init.session()
        .thenRun(
            () -> link.a.writeAndFlush(Unpooled.copiedBuffer("early", StandardCharsets.UTF_8)));
    link.pump();
    assertThat(resp.session()).isCompleted();
    assertThat(new String(drainInbound(link.b), StandardCharsets.UTF_8)).isEqualTo("early");
    link.finish();
  }

  @Test
  void writesBeforeTheHandshakeCompletesAreRefused() {
    NoiseHandshakeHandler init = Noise.initiator(key(KeyType.ED25519, 1), null, List.of());
    EmbeddedChannel a = new EmbeddedChannel(init);
    drainOutbound(a);
    ByteBuf data = Unpooled.copiedBuffer("secret", StandardCharsets.UTF_8);
    assertThat(a.writeAndFlush(data).cause()).isInstanceOf(NoiseException.class);
    assertThat(data.refCnt()).isZero();
    assertThat(drainOutbound(a)).isEmpty();
    releaseAll(a);
  }

  @Test
  void nonceExhaustionClosesTheConnection() {
    Link link = handshaken(List.of(), List.of());
    link.a.pipeline().get(NoiseTransportHandler.class).senderState().setNonce(-1L);
    ByteBuf data = Unpooled.copiedBuffer("x", StandardCharsets.UTF_8);
    assertThat(link.a.writeAndFlush(data).cause()).hasMessageContaining("nonce exhausted");
    assertThat(link.a.isOpen()).isFalse();
    link.finish();
  }

  @Test
  void earlyMuxerFollowsTheInitiatorsPreference() {
    Link link = handshaken(List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX));
    assertThat(link.a.pipeline().get(NoiseTransportHandler.class)).isNotNull();
    link.finish();
    assertThat(NoiseHandshakeHandler.selectMuxer(List.of(MPLEX, YAMUX), List.of(YAMUX, MPLEX)))
        .contains(MPLEX);
    assertThat(NoiseHandshakeHandler.selectMuxer(List.of(YAMUX), List.of(MPLEX, YAMUX)))
        .contains(YAMUX);
    assertThat(NoiseHandshakeHandler.selectMuxer(List.of(), List.of(YAMUX))).isEmpty();
    assertThat(NoiseHandshakeHandler.selectMuxer(List.of(YAMUX), List.of())).isEmpty();
  }

  @Test
  void bothSidesAgreeOnTheEarlyMuxer() {
    PrivateKey ik = key(KeyType.ED25519, 1);
    PrivateKey rk = key(KeyType.ED25519, 2);
    NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of(MPLEX, YAMUX));
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of(YAMUX, MPLEX));
    Link link = new Link(init, resp);
    link.pump();
    assertThat(init.session().join().earlyMuxer()).contains(MPLEX);
    assertThat(resp.session().join().earlyMuxer()).contains(MPLEX);
    link.finish();
  }

  @Test
  void missingMuxerListOnEitherSideMeansNoEarlyMuxer() {
    PrivateKey ik = key(KeyType.ED25519, 1);
    PrivateKey rk = key(KeyType.ED25519, 2);
    NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of(YAMUX));
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of());
    Link link = new Link(init, resp);
    link.pump();
    assertThat(init.session().join().earlyMuxer()).isEqualTo(Optional.empty());
    assertThat(resp.session().join().earlyMuxer()).isEqualTo(Optional.empty());
    link.finish();
  }

  @Test
  void disjointMuxerListsFailTheHandshake() {
    PrivateKey ik = key(KeyType.ED25519, 1);
    PrivateKey rk = key(KeyType.ED25519, 2);
    NoiseHandshakeHandler init = Noise.initiator(ik, null, List.of(MPLEX));
    NoiseHandshakeHandler resp = Noise.responder(rk, List.of(YAMUX));
    Link link = new Link(init, resp);
    link.pump();
    assertThat(failure(init.session())).hasMessageContaining("no common stream muxer");
    assertThat(link.a.isOpen()).isFalse();
    link.b.close();
    assertThat(resp.session()).isCompletedExceptionally();
    link.finish();
  }

  @Test
  void garbageDuringTheHandshakeFailsIt() {
    NoiseHandshakeHandler resp = Noise.responder(key(KeyType.ED25519, 2), List.of());
    EmbeddedChannel b = new EmbeddedChannel(resp);
    b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    assertThat(failure(resp.session()))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("too short");
    assertThat(b.isOpen()).isFalse();
    releaseAll(b);
  }

  @Test
  void libp2pTranscriptIsReproducedByTheHandlers() {
    // WIRE-REFERENCE.md A.3: ed25519 identities from seeds 0x11.. and 0x22.., fixed keys.
    PrivateKey ik = PrivateKey.fromRaw(KeyType.ED25519, filled((byte) 0x11));
    PrivateKey rk = PrivateKey.fromRaw(KeyType.ED25519, filled((byte) 0x22));
    assertThat(PeerId.fromPublicKey(ik.publicKey()).toBase58())
        .isEqualTo("12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz");
    assertThat(
            HandshakePayload.create(
                rk,
                Hex.decode("5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b"),
                List.of(YAMUX)))
        .isEqualTo(Hex.decode(LibP2pTranscript.RESPONDER_PAYLOAD));
    assertThat(
            HandshakePayload.create(
                ik,
                Hex.decode("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c"),
                List.of(YAMUX)))
        .isEqualTo(Hex.decode(LibP2pTranscript.INITIATOR_PAYLOAD));
  }

  private static byte[] filled(byte b) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, b);
    return out;
  }

  private static Link handshaken(List<String> initMuxers, List<String> respMuxers) {
    NoiseHandshakeHandler init = Noise.initiator(key(KeyType.ED25519, 1), null, initMuxers);
    NoiseHandshakeHandler resp = Noise.responder(key(KeyType.ED25519, 2), respMuxers);
    Link link = new Link(init, resp);
    link.pump();
    init.session().join();
    resp.session().join();
    return link;
  }
}
