package io.serenity.p2p.discv5.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.crypto.SessionKeys;
import io.serenity.p2p.discv5.message.MessageCodec;
import io.serenity.p2p.discv5.message.Ping;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The handshake of discv5-theory.md, steps 1 to 5, between two fresh nodes, with packets as datagrams. */
class HandshakeTest {

  private final RandomSource random = RandomSource.secure();
  private final byte[] keyA = random.ephemeralKey();
  private final byte[] keyB = random.ephemeralKey();
  private final byte[] idA = Secp256k1.nodeId(Secp256k1.publicKey(keyA));
  private final byte[] idB = Secp256k1.nodeId(Secp256k1.publicKey(keyB));
  private final PacketWriter writerA = new PacketWriter(idA, random);
  private final PacketWriter writerB = new PacketWriter(idB, random);

  @Test
  void twoNodesEstablishASessionAndExchangePingPong() throws Exception {
    Enr recordA = Enr.builder().seq(3).ip(InetAddress.getByAddress(new byte[] {10, 0, 0, 1})).udp(9000)
        .sign(PrivateKey.fromRaw(KeyType.SECP256K1, keyA));
    RequestId id = RequestId.random(random);

    // 1: A has no session, sends random content; 2: B cannot decrypt it and challenges
    Packet first = PacketCodec.decode(PacketCodec.encode(writerA.randomMessage(), idB), idB);
    Packet challengeSent = writerB.whoareyou(first.nonce(), 0);
    Packet challenge = PacketCodec.decode(PacketCodec.encode(challengeSent, idA), idA);
    assertThat(challenge.nonce()).isEqualTo(first.nonce());
    assertThat(challenge.challengeData()).isEqualTo(challengeSent.challengeData());

    // 3: A answers with its record (enr-seq 0 in the challenge) and the request
    Handshake.Sent sent = writerA.handshake(challenge.challengeData(), keyA, idB, Secp256k1.publicKey(keyB),
        recordA.toRlp(), MessageCodec.encode(new Ping(id, 3)));
    Packet hs = PacketCodec.decode(PacketCodec.encode(sent.packet(), idB), idB);

    // 4: B verifies against its stored challenge and the record in the packet
    Enr received = ((HandshakeAuthdata) hs.header().authdata()).enr().orElseThrow();
    assertThat(received).isEqualTo(recordA);
    SessionKeys keysB = Handshake.accept(hs, challengeSent.challengeData(), received.publicKey(), keyB, idB);
    assertThat(keysB).isEqualTo(sent.keys());
    assertThat(MessageCodec.decode(hs.open(keysB.initiatorKey()))).isEqualTo(new Ping(id, 3));

    // 5: B answers with the recipient key, A reads it
    Pong pong = new Pong(id, 1, InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 9000);
    Packet reply = writerB.message(keysB.recipientKey(), MessageCodec.encode(pong));
    Packet replyIn = PacketCodec.decode(PacketCodec.encode(reply, idA), idA);
    assertThat(MessageCodec.decode(replyIn.open(sent.keys().recipientKey()))).isEqualTo(pong);
  }

  @Test
  void aHandshakeForAnotherChallengeOrSignerIsRefused() {
    Packet challenge = writerB.whoareyou(random.nonce(), 0);
    Handshake.Sent sent = writerA.handshake(challenge.challengeData(), keyA, idB, Secp256k1.publicKey(keyB),
        new byte[0], MessageCodec.encode(new Ping(RequestId.fromHex("01"), 1)));
    Packet hs = PacketCodec.decode(PacketCodec.encode(sent.packet(), idB), idB);

    Packet otherChallenge = writerB.whoareyou(challenge.nonce(), 0);
    assertThatThrownBy(() -> Handshake.accept(hs, otherChallenge.challengeData(), Secp256k1.publicKey(keyA), keyB, idB))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("id-signature");
    assertThatThrownBy(() -> Handshake.accept(hs, challenge.challengeData(), Secp256k1.publicKey(keyB), keyB, idB))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("src-id");
    assertThatThrownBy(() -> Handshake.accept(challenge, challenge.challengeData(), Secp256k1.publicKey(keyA), keyB,
        idB)).isInstanceOf(Discv5Exception.class).hasMessageContaining("expected a handshake");
    assertThat(Handshake.accept(hs, challenge.challengeData(), Secp256k1.publicKey(keyA), keyB, idB))
        .isEqualTo(sent.keys());
  }

  @Test
  void aWhoareyouHasNoMessageToOpen() {
    Packet challenge = writerB.whoareyou(random.nonce(), 7);
    assertThatThrownBy(() -> challenge.open(new byte[16])).isInstanceOf(Discv5Exception.class);
    assertThatThrownBy(() -> writerA.randomMessage().challengeData()).isInstanceOf(IllegalStateException.class);
  }
}
