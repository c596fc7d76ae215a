package io.serenity.p2p.mux.mplex;

import static io.serenity.p2p.fuzz.FuzzSupport.with;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Seeds of {@link MplexFuzzTest}: frames a remote sends, encoded with our codec. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  static byte[] frames(MplexFrame... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (MplexFrame f : frames) {
      ByteBuf b = MplexFrameCodec.encode(f, MplexConfig.DEFAULT_MAX_MESSAGE_SIZE, ByteBufAllocator.DEFAULT);
      try {
        out.writeBytes(ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }

  static MplexFrame msg(long id, boolean fromInitiator, String s) {
    return new MplexFrame.Message(id, fromInitiator, Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
  }

  public static void write() {
    Class<?> t = MplexFuzzTest.class;
    // remote streams 0 (echo), 1 (discard), 2 (no handler)
    writeSeed(t, "session", "streams-data-close", with(0, 0, frames(
        new MplexFrame.NewStream(0, "0"), msg(0, true, "echo me"), new MplexFrame.Close(0, true),
        new MplexFrame.NewStream(1, "1"), msg(1, true, "dropped"), new MplexFrame.Reset(1, true),
        new MplexFrame.NewStream(2, "2"), msg(2, true, "y".repeat(3000)))));
    writeSeed(t, "session", "late-acceptor", with(2, 5, frames(
        new MplexFrame.NewStream(3, "3"), msg(3, true, "early"), new MplexFrame.NewStream(4, "4"))));
    // our stream 0: the remote answers as receiver, closes and resets it
    writeSeed(t, "session", "we-open-remote-answers", with(5, 0, frames(
        msg(0, false, "reply"), new MplexFrame.Close(0, false), new MplexFrame.Reset(0, false))));
    writeSeed(t, "session", "duplicate-new-stream", with(0, 0, frames(
        new MplexFrame.NewStream(9, "a"), new MplexFrame.NewStream(9, "b"))));
    writeSeed(t, "session", "flag-7", with(0, 0, new byte[] {0x0f, 0}));
    writeSeed(t, "session", "over-limit-length", with(0, 0, new byte[] {0x02, (byte) 0x81, 0x40}));
  }
}
