package io.serenity.p2p.mux.yamux;

import static io.serenity.p2p.fuzz.FuzzSupport.with;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Seeds of {@link YamuxFuzzTest}: frames a remote sends, encoded with our codec. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  static final int SYN = YamuxFlag.SYN.bit();
  static final int ACK = YamuxFlag.ACK.bit();
  static final int FIN = YamuxFlag.FIN.bit();
  static final int RST = YamuxFlag.RST.bit();

  static byte[] frames(YamuxFrame... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (YamuxFrame f : frames) {
      ByteBuf b = YamuxFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
      try {
        out.writeBytes(ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }

  static YamuxFrame data(long id, int flags, String s) {
    return new YamuxFrame.Data(id, flags, Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  /** A cut seed whose first piece of {@code body} is at least {@code min} bytes and not the only one. */
  static int cutsWithLargeFirstPiece(byte[] body, int min) {
    byte[] input = with(0, 0, body);
    for (int seed = 1; seed < 256; seed++) {
      java.util.List<byte[]> pieces = io.serenity.p2p.fuzz.FuzzSupport.pieces(input, 2, seed);
      if (pieces.size() > 1 && pieces.get(0).length >= min) {
        return seed;
      }
    }
    throw new IllegalStateException("no cut seed gives a first piece of " + min + " bytes");
  }

  public static void write() {
    Class<?> t = YamuxFuzzTest.class;
    // we listen: the remote opens odd ids; 3 echoes, 1 discards, 5 has no handler
    writeSeed(t, "session", "streams-data-fin", with(0, 0, frames(
        new YamuxFrame.WindowUpdate(1, SYN, 0), data(1, 0, "hello"),
        new YamuxFrame.WindowUpdate(3, SYN, 0), data(3, FIN, "echo me"),
        data(5, SYN, "held"), new YamuxFrame.WindowUpdate(1, FIN, 0))));
    writeSeed(t, "session", "ping-goaway", with(0, 3, frames(
        new YamuxFrame.Ping(SYN, 7), new YamuxFrame.Ping(ACK, 0), new YamuxFrame.GoAway(0))));
    writeSeed(t, "session", "late-acceptor-and-reset", with(2, 9, frames(
        new YamuxFrame.WindowUpdate(1, SYN, 1 << 20), data(1, 0, "x".repeat(300)),
        new YamuxFrame.WindowUpdate(3, SYN, 0), new YamuxFrame.WindowUpdate(3, RST, 0))));
    // we dial (id 1 is ours): the remote acks it, grants window, then opens even ids
    writeSeed(t, "session", "we-open-remote-acks", with(5, 0, frames(
        new YamuxFrame.WindowUpdate(1, ACK, 65536), data(1, FIN, "reply"),
        new YamuxFrame.WindowUpdate(6, SYN, 0), data(6, 0, "even"),
        new YamuxFrame.GoAway(1))));
    // one read carries a byte for a stream without a handler (5) and a large frame for another (1)
    byte[] mixed = frames(new YamuxFrame.WindowUpdate(5, SYN, 0), data(5, 0, "x"), data(1, SYN, "y".repeat(2000)),
        new YamuxFrame.Ping(SYN, 1), new YamuxFrame.Ping(SYN, 2), new YamuxFrame.Ping(SYN, 3));
    writeSeed(t, "session", "small-hold-in-large-read", with(0, cutsWithLargeFirstPiece(mixed, 1100), mixed));
    writeSeed(t, "session", "own-parity-syn", with(1, 0, frames(new YamuxFrame.WindowUpdate(1, SYN, 0))));
    writeSeed(t, "session", "bad-version", with(0, 0, new byte[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}));
    writeSeed(t, "session", "over-window", with(0, 0, new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0, 0}));
  }
}
