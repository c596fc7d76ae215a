package io.serenity.p2p.quic;

import static io.serenity.p2p.fuzz.FuzzSupport.hex;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Fuzz target of {@link RetryTokens#validateToken}, what a listener runs on the token of every
 * Initial packet that carries one. Byte 0 picks the sender: 0 is the address the seeds' tokens were
 * issued to, anything else that address with another port (bytes 1 and 2); the rest is the token.
 *
 * <p>Invariant: the answer is -1 or {@link RetryTokens#ODCID_OFFSET}, nothing is thrown, and a token
 * is accepted only when it is exactly what {@link RetryTokens#writeToken} issues for its time,
 * connection id and the sender: the fuzzer does not hold the key, so it cannot forge one.
 */
class QuicTokenFuzzTest {

  static final byte[] KEY = new byte[32];
  static final long NOW = 1_900_000_000_000L;
  static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 4433);

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  /** The seeds reach the acceptance branch: the valid ones are accepted, so the invariant is exercised. */
  @org.junit.jupiter.api.Test
  void theValidSeedsAreAcceptedAndTheOthersRefused() throws Exception {
    RetryTokens tokens = new RetryTokens(KEY, 0, 10_000, () -> NOW);
    for (String seed : new String[] {"valid-token", "valid-token-20-byte-cid", "empty-cid"}) {
      byte[] data = seed(seed);
      assertThat(tokens.validateToken(Unpooled.wrappedBuffer(rest(data, 1)), CLIENT)).as(seed)
          .isEqualTo(RetryTokens.ODCID_OFFSET);
    }
    assertThat(tokens.validateToken(Unpooled.wrappedBuffer(rest(seed("expired"), 1)), CLIENT)).isEqualTo(-1);
    assertThat(tokens.validateToken(Unpooled.wrappedBuffer(rest(seed("other-port"), 3)),
        new InetSocketAddress(CLIENT.getAddress(), 0x1152))).isEqualTo(-1);
  }

  private static byte[] seed(String name) throws java.io.IOException {
    try (var in = QuicTokenFuzzTest.class.getResourceAsStream("QuicTokenFuzzTestInputs/validate/" + name)) {
      return in.readAllBytes();
    }
  }

  @FuzzTest(maxDuration = "10s")
  void validate(byte[] data) {
    InetSocketAddress from = u8(data, 0) == 0
        ? CLIENT
        : new InetSocketAddress(CLIENT.getAddress(), (u8(data, 1) << 8) | u8(data, 2));
    byte[] token = rest(data, u8(data, 0) == 0 ? 1 : 3);
    RetryTokens tokens = new RetryTokens(KEY, 0, 10_000, () -> NOW);
    int offset;
    try {
      offset = tokens.validateToken(Unpooled.wrappedBuffer(token), from);
    } catch (RuntimeException e) {
      throw new AssertionError("validateToken threw on input " + hex(data), e);
    }
    if (offset == -1) {
      return;
    }
    assertThat(offset).isEqualTo(RetryTokens.ODCID_OFFSET);
    // accepted: it must be the token we would issue now-ish for that connection id and sender
    long issued = Unpooled.wrappedBuffer(token).getLong(0);
    byte[] cid = Arrays.copyOfRange(token, RetryTokens.ODCID_OFFSET, token.length);
    RetryTokens issuer = new RetryTokens(KEY, 0, 10_000, () -> issued);
    ByteBuf minted = Unpooled.buffer(issuer.maxTokenLength());
    assertThat(issuer.writeToken(minted, Unpooled.wrappedBuffer(cid), from)).isTrue();
    assertThat(ByteBufUtil.getBytes(minted)).as("accepted a token we never issued").isEqualTo(token);
  }
}
