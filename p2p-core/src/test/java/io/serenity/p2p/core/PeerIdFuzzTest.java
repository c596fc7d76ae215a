package io.serenity.p2p.core;

import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.crypto.PublicKey;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target of the key and peer id decoders a peer reaches (the identity key in the Noise handshake and
 * in identify, pubsub's {@code from} and {@code key}): by the first byte modulo 3, {@link
 * PublicKey#unmarshal}, {@link PeerId#fromBytes} or {@link PeerId#parse} of the rest. Invariant: {@link
 * FormatException} or a value that round-trips; verifying a signature with a decoded key only answers
 * true or false.
 */
class PeerIdFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void keyAndPeerIdDecode(byte[] data) {
    byte[] body = rest(data, 1);
    try {
      switch (u8(data, 0) % 3) {
        case 0 -> {
          PublicKey k = PublicKey.unmarshal(body);
          assertThat(k.marshal()).isEqualTo(body);
          assertThat(PublicKey.fromRaw(k.type(), k.raw())).isEqualTo(k);
          PeerId id = PeerId.fromPublicKey(k);
          assertThat(id.matches(k)).isTrue();
          // a signature of every length up to the body's: only true or false, never an exception
          k.verify(body, body);
          k.verify(new byte[0], new byte[64]);
        }
        case 1 -> {
          PeerId id = PeerId.fromBytes(body);
          assertThat(id.toBytes()).isEqualTo(body);
          assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
          assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
          id.extractPublicKey().ifPresent(k -> assertThat(id.matches(k)).isTrue());
        }
        default -> {
          PeerId id = PeerId.parse(new String(body, StandardCharsets.UTF_8));
          assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
          assertThat(PeerId.parse(id.toBase58())).isEqualTo(id);
        }
      }
    } catch (RuntimeException e) {
      expectOnly(e, data, FormatException.class);
    }
  }
}
