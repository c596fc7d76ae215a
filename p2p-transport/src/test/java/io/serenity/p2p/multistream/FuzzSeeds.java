package io.serenity.p2p.multistream;

import static io.serenity.p2p.fuzz.FuzzSupport.with;
import static io.serenity.p2p.fuzz.FuzzSupport.concat;
import static io.serenity.p2p.fuzz.FuzzSupport.writeSeed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Seeds of {@link MultistreamFuzzTest}: byte 0 the role (0 listener, 1 dialer, 2 ls), byte 1 the cuts. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  static byte[] wire(MultistreamMessage... messages) {
    ByteBuf b = MultistreamCodec.encode(List.of(messages));
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static MultistreamMessage p(String id) {
    return new MultistreamMessage.Protocol(id);
  }

  public static void write() {
    String m = "negotiate";
    Class<?> t = MultistreamFuzzTest.class;
    byte[] app = "app data".getBytes(StandardCharsets.UTF_8);
    writeSeed(t, m, "listener-selects", with(0, 0, wire(MultistreamMessage.HEADER, p("/yamux/1.0.0"))));
    writeSeed(t, m, "listener-ls-na-then-select", with(0, 7,
        concat(wire(MultistreamMessage.HEADER, MultistreamMessage.LS, p("/unknown/1"),
            p("/noise")), app)));
    writeSeed(t, m, "dialer-na-then-echo", with(1, 3, concat(
        wire(MultistreamMessage.HEADER, MultistreamMessage.NA, p("/mplex/6.7.0")), app)));
    writeSeed(t, m, "dialer-echo", with(1, 0, wire(MultistreamMessage.HEADER, p("/yamux/1.0.0"))));
    writeSeed(t, m, "ls-answer", with(2, 0, wire(MultistreamMessage.HEADER,
        new MultistreamMessage.ProtocolList(List.of("/noise", "/yamux/1.0.0")))));
    writeSeed(t, m, "over-limit-length", with(0, 0, HexFormat.of().parseHex("d00f2f")));
    writeSeed(t, m, "non-minimal-length", with(0, 0, HexFormat.of().parseHex("93002f6d756c746973747265616d2f312e302e300a")));
    writeSeed(t, m, "no-newline", with(0, 0, HexFormat.of().parseHex("022f78")));
  }
}
