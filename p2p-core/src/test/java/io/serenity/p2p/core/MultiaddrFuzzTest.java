package io.serenity.p2p.core;

import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target of the multiaddr decoders a peer reaches (identify's listen and observed addresses, mDNS
 * {@code dnsaddr=} strings, pubsub peer exchange): {@link Multiaddr#fromBytes} when the first byte is even,
 * {@link Multiaddr#parse} of the rest as UTF-8 text when it is odd. Invariant: {@link FormatException} or a
 * multiaddr that round-trips through both forms, whose accessors throw nothing else either.
 */
class MultiaddrFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void multiaddrDecode(byte[] data) {
    byte[] body = rest(data, 1);
    Multiaddr m;
    try {
      m = (u8(data, 0) & 1) == 0
          ? Multiaddr.fromBytes(body)
          : Multiaddr.parse(new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      expectOnly(e, data, FormatException.class);
      return;
    }
    if ((u8(data, 0) & 1) == 0) {
      assertThat(m.toBytes()).isEqualTo(body);
    }
    assertThat(m.toBytes().length).isLessThanOrEqualTo(Multiaddr.MAX_BYTES);
    assertThat(Multiaddr.fromBytes(m.toBytes())).isEqualTo(m);
    assertThat(Multiaddr.parse(m.toString())).isEqualTo(m);
    m.peerId().ifPresent(id -> assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id));
    // withoutPeerId drops exactly the final /p2p component (an address may hold two in a row)
    m.peerId().ifPresentOrElse(
        id -> assertThat(m.withoutPeerId().encapsulate(Multiaddr.parse("/p2p/" + id.toBase58()))).isEqualTo(m),
        () -> assertThat(m.withoutPeerId()).isEqualTo(m));
    try {
      m.toTcpSocketAddress();
    } catch (RuntimeException e) {
      expectOnly(e, data, FormatException.class);
    }
  }
}
