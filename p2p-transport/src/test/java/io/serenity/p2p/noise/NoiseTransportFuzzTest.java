package io.serenity.p2p.noise;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
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
import io.serenity.p2p.core.PeerId;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fuzz target of Noise transport messages ({@link NoiseTransportHandler} after a handshake, with fixed
 * keys). Input: byte 0 picks the frame limit, byte 1 seeds the read boundaries, then operations, each an
 * opcode byte and a length byte followed by that many bytes: 0 the remote seals the bytes into a
 * transport message (length times 257 when the opcode's top bit is set), 1 the remote sends the bytes
 * raw, 2 we write the bytes.
 *
 * <p>Invariant: what the handler passes up is a prefix of what the remote sealed up to its first raw
 * bytes or oversize frame, and all of it when there was neither; a bad frame closes the channel and no
 * exception reaches the pipeline's end; what we write leaves in frames within the limit that the remote
 * opens to exactly those bytes; allocation stays proportional to the input.
 */
class NoiseTransportFuzzTest {

  static final int[] FRAME_LIMITS = {65535, 17, 18, 100, 1000, 4096};
  static final byte[] K_IN = NoiseHandshakeFuzzTest.fixedBytes(32, 7);
  static final byte[] K_OUT = NoiseHandshakeFuzzTest.fixedBytes(32, 9);
  static final PeerId REMOTE =
      PeerId.fromPublicKey(NoiseHandshakeFuzzTest.REMOTE_IDENTITY.publicKey());

  private static final class Sink extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        bytes.writeBytes(ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    }
  }

  static CipherState keyed(byte[] k) {
    CipherState c = new CipherState();
    c.initializeKey(k);
    return c;
  }

  @FuzzTest(maxDuration = "10s")
  void transport(byte[] data) throws Exception {
    int limit = FRAME_LIMITS[u8(data, 0) % FRAME_LIMITS.length];
    CipherState remoteSender = keyed(K_IN);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream sealed = new ByteArrayOutputStream(); // what must come out, in order
    ByteArrayOutputStream writes = new ByteArrayOutputStream();
    boolean clean = true; // no raw bytes or oversize frame so far
    int p = 2;
    while (p + 1 < data.length) {
      int op = u8(data, p);
      int n = u8(data, p + 1) * ((op & 0x80) != 0 && (op & 3) == 0 ? 257 : 1);
      p += 2;
      byte[] bytes = Arrays.copyOfRange(data, p, Math.min(data.length, p + n));
      p += bytes.length;
      switch (op & 3) {
        case 0 -> {
          byte[] c = remoteSender.encryptWithAd(null, bytes);
          wire.write(c.length >>> 8);
          wire.write(c.length);
          wire.writeBytes(c);
          if (c.length > limit) {
            clean = false;
          }
          if (clean) {
            sealed.writeBytes(bytes);
          }
        }
        case 1 -> {
          wire.writeBytes(bytes);
          clean &= bytes.length == 0;
        }
        default -> writes.writeBytes(bytes);
      }
    }
    NoiseTransportHandler handler =
        new NoiseTransportHandler(keyed(K_OUT), keyed(K_IN), new NoiseConfig(limit).validate(), REMOTE);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(new UnpooledByteBufAllocator(false));
    Sink sink = new Sink();
    ch.pipeline().addLast("noise", handler).addLast(sink);
    boolean allSealed = clean;
    try {
      allocationAtMost(16L * data.length, () -> "transport on " + data.length + " bytes", () -> {
        for (byte[] piece : pieces(wire.toByteArray(), 0, u8(data, 1))) {
          if (!ch.isOpen()) {
            break;
          }
          ch.writeInbound(Unpooled.wrappedBuffer(piece));
        }
      });
      byte[] got = sink.bytes.toByteArray();
      byte[] want = sealed.toByteArray();
      assertThat(got.length).isLessThanOrEqualTo(want.length);
      assertThat(got).isEqualTo(Arrays.copyOf(want, got.length));
      if (allSealed) {
        assertThat(got).isEqualTo(want);
        assertThat(ch.isOpen()).isTrue();
        checkWrites(ch, writes.toByteArray(), limit);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** Writes {@code plain} through the handler and opens what leaves as the remote would. */
  private static void checkWrites(EmbeddedChannel ch, byte[] plain, int limit) {
    ch.writeOutbound(Unpooled.wrappedBuffer(plain));
    CipherState remoteReceiver = keyed(K_OUT);
    ByteArrayOutputStream opened = new ByteArrayOutputStream();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      try {
        while (b.isReadable()) {
          int len = b.readUnsignedShort();
          assertThat(len).isBetween(CipherState.TAG_LENGTH + 1, limit);
          opened.writeBytes(remoteReceiver.decryptWithAd(null, ByteBufUtil.getBytes(b, b.readerIndex(), len)));
          b.skipBytes(len);
        }
      } finally {
        b.release();
      }
    }
    assertThat(opened.toByteArray()).isEqualTo(plain);
  }
}
