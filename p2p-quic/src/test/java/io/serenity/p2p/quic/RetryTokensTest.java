package io.serenity.p2p.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryTokensTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 4000);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final byte[] dcid = {1, 2, 3, 4, 5, 6, 7, 8};

  private ByteBuf mint(RetryTokens tokens, InetSocketAddress to) {
    ByteBuf out = Unpooled.buffer(tokens.maxTokenLength());
    assertThat(tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), to)).isTrue();
    return out;
  }

  @Test
  void aTokenIsAcceptedFromItsAddressWithinItsLifetimeAndCarriesTheOriginalConnectionId() {
    RetryTokens tokens = new RetryTokens(0, 10_000, now::get);
    ByteBuf token = mint(tokens, CLIENT);
    now.addAndGet(9_999);
    int offset = tokens.validateToken(token, CLIENT);
    assertThat(offset).isEqualTo(RetryTokens.ODCID_OFFSET);
    byte[] odcid = new byte[token.readableBytes() - offset];
    token.getBytes(offset, odcid);
    assertThat(odcid).isEqualTo(dcid);
    assertThat(tokens.retries()).isEqualTo(1);
    assertThat(tokens.invalidTokens()).isZero();
  }

  @Test
  void aTokenFromAnotherAddressOrPortIsRefused() {
    RetryTokens tokens = new RetryTokens(0, 10_000, now::get);
    ByteBuf token = mint(tokens, CLIENT);
    assertThat(tokens.validateToken(token, new InetSocketAddress("192.0.2.2", 4000))).isEqualTo(-1);
    assertThat(tokens.validateToken(token, new InetSocketAddress("192.0.2.1", 4001))).isEqualTo(-1);
    assertThat(tokens.invalidTokens()).isEqualTo(2);
  }

  @Test
  void anExpiredTokenIsRefused() {
    RetryTokens tokens = new RetryTokens(0, 10_000, now::get);
    ByteBuf token = mint(tokens, CLIENT);
    now.addAndGet(10_001);
    assertThat(tokens.validateToken(token, CLIENT)).isEqualTo(-1);
  }

  @Test
  void aTamperedTokenIsRefused() {
    RetryTokens tokens = new RetryTokens(0, 10_000, now::get);
    for (int i = 0; i < RetryTokens.ODCID_OFFSET + dcid.length; i++) {
      ByteBuf token = mint(tokens, CLIENT);
      token.setByte(i, token.getByte(i) ^ 0x01);
      assertThat(tokens.validateToken(token, CLIENT)).as("byte %d flipped", i).isEqualTo(-1);
    }
  }

  @Test
  void anotherProcessesTokensAndMalformedOnesAreRefused() {
    RetryTokens ours = new RetryTokens(0, 10_000, now::get);
    RetryTokens theirs = new RetryTokens(0, 10_000, now::get);
    assertThat(ours.validateToken(mint(theirs, CLIENT), CLIENT)).isEqualTo(-1);
    assertThat(ours.validateToken(Unpooled.wrappedBuffer(new byte[3]), CLIENT)).isEqualTo(-1);
    assertThat(ours.validateToken(Unpooled.wrappedBuffer(new byte[ours.maxTokenLength() + 1]), CLIENT))
        .isEqualTo(-1);
  }

  @Test
  void retryStartsOnlyAboveTheRateAndStopsInTheNextSecond() {
    RetryTokens tokens = new RetryTokens(3, 10_000, now::get);
    ByteBuf out = Unpooled.buffer(tokens.maxTokenLength());
    for (int i = 0; i < 3; i++) {
      assertThat(tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), CLIENT)).as("attempt %d", i).isFalse();
    }
    assertThat(tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), CLIENT)).isTrue();
    now.addAndGet(1_000);
    out.clear();
    assertThat(tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), CLIENT)).isFalse();
  }
}
