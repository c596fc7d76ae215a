package io.serenity.p2p.protocol.identify;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.core.PeerId;

/**
 * Fuzz target of an identify message body as a peer sends it ({@link IdentifyCodec#decode}, then the
 * peer id of the key in it, as {@code Identify} checks it against the connection). Invariant: {@link
 * IdentifyException} or an {@link IdentifyInfo} within the list limits that encodes and decodes back to
 * itself; allocation stays proportional to the message.
 */
class IdentifyFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void identify(byte[] data) throws Exception {
    IdentifyInfo[] decoded = new IdentifyInfo[1];
    try {
      allocationAtMost(64L * data.length, () -> "decoding " + data.length + " bytes",
          () -> decoded[0] = IdentifyCodec.decode(data));
    } catch (RuntimeException e) {
      expectOnly(e, data, IdentifyException.class);
      return;
    }
    IdentifyInfo info = decoded[0];
    assertThat(info.listenAddrs()).hasSizeLessThanOrEqualTo(IdentifyCodec.MAX_ADDRS);
    assertThat(info.protocols()).hasSizeLessThanOrEqualTo(IdentifyCodec.MAX_PROTOCOLS);
    info.publicKey().ifPresent(k -> assertThat(PeerId.fromPublicKey(k).matches(k)).isTrue());
    assertThat(IdentifyCodec.decode(IdentifyCodec.encode(info))).isEqualTo(info);
  }
}
