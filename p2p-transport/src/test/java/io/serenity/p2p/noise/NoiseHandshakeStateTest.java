package io.serenity.p2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.multistream.LeakCheck;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class NoiseHandshakeStateTest {

  /**
   * The cacophony vector for Noise_XX_25519_ChaChaPoly_SHA256 (mcginty/snow
   * tests/vectors/cacophony.txt): three handshake messages then three transport messages,
   * alternating sender, prologue "John Galt".
   */
  @Test
  void reproducesTheCacophonyXxVector() {
    byte[] prologue = Hex.decode("4a6f686e2047616c74");
    HandshakeState init =
        new HandshakeState(
            true,
            prologue,
            DhKeyPair.fromPrivate(
                Hex.decode("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1")),
            DhKeyPair.fromPrivate(
                Hex.decode("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a")),
            null);
    HandshakeState resp =
        new HandshakeState(
            false,
            prologue,
            DhKeyPair.fromPrivate(
                Hex.decode("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893")),
            DhKeyPair.fromPrivate(
                Hex.decode("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b")),
            null);
    String[][] messages = {
      {
        "4c756477696720766f6e204d69736573",
        "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"
      },
      {
        "4d757272617920526f746862617264",
        "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad"
      },
      {
        "462e20412e20486179656b",
        "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"
      },
      {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
      {
        "4a65616e2d426170746973746520536179",
        "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"
      },
      {
        "457567656e2042f6686d20766f6e2042617765726b",
        "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"
      },
    };
    for (int i = 0; i < 3; i++) {
      HandshakeState sender = i % 2 == 0 ? init : resp;
      HandshakeState receiver = i % 2 == 0 ? resp : init;
      byte[] wire = sender.writeMessage(Hex.decode(messages[i][0]));
      assertThat(Hex.encode(wire)).as("handshake message %d", i).isEqualTo(messages[i][1]);
      assertThat(Hex.encode(receiver.readMessage(wire))).isEqualTo(messages[i][0]);
    }
    assertThat(init.isComplete()).isTrue();
    assertThat(resp.isComplete()).isTrue();
    assertThat(Hex.encode(init.handshakeHash()))
        .isEqualTo("c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e");
    assertThat(init.remoteStatic()).isEqualTo(resp.localStaticPublic());
    assertThat(resp.remoteStatic()).isEqualTo(init.localStaticPublic());
    CipherState[] ic = init.split();
    CipherState[] rc = resp.split();
    for (int i = 3; i < 6; i++) {
      // after the handshake the responder speaks first (messages keep alternating)
      CipherState send = i % 2 == 0 ? ic[0] : rc[0];
      CipherState recv = i % 2 == 0 ? rc[1] : ic[1];
      byte[] ct = send.encryptWithAd(new byte[0], Hex.decode(messages[i][0]));
      assertThat(Hex.encode(ct)).as("transport message %d", i).isEqualTo(messages[i][1]);
      assertThat(Hex.encode(recv.decryptWithAd(new byte[0], ct))).isEqualTo(messages[i][0]);
    }
  }

  /**
   * The libp2p transcript in WIRE-REFERENCE.md A.3 (fixed X25519 keys, empty prologue, payloads
   * given as protobuf bytes): checks our core with the empty prologue libp2p uses.
   */
  @Test
  void reproducesTheLibp2pTranscriptWithEmptyPrologue() {
    HandshakeState init =
        new HandshakeState(
            true,
            new byte[0],
            DhKeyPair.fromPrivate(
                Hex.decode("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")),
            DhKeyPair.fromPrivate(
                Hex.decode("4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60")),
            null);
    HandshakeState resp =
        new HandshakeState(
            false,
            new byte[0],
            DhKeyPair.fromPrivate(
                Hex.decode("2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40")),
            DhKeyPair.fromPrivate(
                Hex.decode("6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80")),
            null);
    assertThat(Hex.encode(init.localStaticPublic()))
        .isEqualTo("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");
    byte[] respPayload = Hex.decode(LibP2pTranscript.RESPONDER_PAYLOAD);
    byte[] initPayload = Hex.decode(LibP2pTranscript.INITIATOR_PAYLOAD);
    byte[] m1 = init.writeMessage(new byte[0]);
    assertThat(Hex.encode(m1)).isEqualTo(LibP2pTranscript.MSG1);
    resp.readMessage(m1);
    byte[] m2 = resp.writeMessage(respPayload);
    assertThat(Hex.encode(m2)).isEqualTo(LibP2pTranscript.MSG2);
    assertThat(init.readMessage(m2)).isEqualTo(respPayload);
    byte[] m3 = init.writeMessage(initPayload);
    assertThat(Hex.encode(m3)).isEqualTo(LibP2pTranscript.MSG3);
    assertThat(resp.readMessage(m3)).isEqualTo(initPayload);
    assertThat(Hex.encode(resp.handshakeHash())).isEqualTo(LibP2pTranscript.HANDSHAKE_HASH);
    byte[] hello =
        init.split()[0].encryptWithAd(new byte[0], "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(Hex.encode(hello)).isEqualTo(LibP2pTranscript.HELLO_FRAME.substring(4));
  }

  @Test
  void tamperedHandshakeMessageFailsDecryption() {
    SecureRandom random = new SecureRandom();
    HandshakeState init =
        new HandshakeState(true, new byte[0], DhKeyPair.generate(random), null, random);
    HandshakeState resp =
        new HandshakeState(false, new byte[0], DhKeyPair.generate(random), null, random);
    resp.readMessage(init.writeMessage(new byte[0]));
    byte[] m2 = resp.writeMessage(new byte[] {1, 2, 3});
    m2[40] ^= 1;
    assertThatThrownBy(() -> init.readMessage(m2))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("authentication tag");
  }

  @Test
  void truncatedMessagesAreRejected() {
    SecureRandom random = new SecureRandom();
    HandshakeState resp =
        new HandshakeState(false, new byte[0], DhKeyPair.generate(random), null, random);
    assertThatThrownBy(() -> resp.readMessage(new byte[31]))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void lowOrderEphemeralIsRejected() {
    SecureRandom random = new SecureRandom();
    HandshakeState init =
        new HandshakeState(true, new byte[0], DhKeyPair.generate(random), null, random);
    init.writeMessage(new byte[0]);
    byte[] m2 = new byte[32 + 48 + 16]; // all-zero ephemeral: a low-order point
    assertThatThrownBy(() -> init.readMessage(m2))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("low-order");
  }

  @Test
  void nonceExhaustionIsRefused() {
    CipherState c = new CipherState();
    c.initializeKey(new byte[32]);
    c.setNonce(-2L); // 2^64 - 2: the last usable nonce
    c.encryptWithAd(new byte[0], new byte[1]);
    assertThatThrownBy(() -> c.encryptWithAd(new byte[0], new byte[1]))
        .isInstanceOf(NoiseException.class)
        .hasMessageContaining("nonce exhausted");
  }
}
