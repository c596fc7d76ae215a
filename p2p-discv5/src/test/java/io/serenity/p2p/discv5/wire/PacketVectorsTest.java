package io.serenity.p2p.discv5.wire;

import static io.serenity.p2p.discv5.WireVectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import io.serenity.p2p.discv5.crypto.SessionKeys;
import io.serenity.p2p.discv5.message.MessageCodec;
import io.serenity.p2p.discv5.message.Ping;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * discv5-wire-test-vectors.md, "Packet Encodings": each packet decoded as node B, then encoded by
 * us with the masking IV, nonce, id-nonce and ephemeral key pinned, and compared byte for byte.
 */
class PacketVectorsTest {

  private static final RequestId REQ = RequestId.fromHex(PING_REQ_ID);

  // ------------------------------------------------------------ decoding as node B

  @Test
  void decodesThePingMessagePacket() {
    Packet p = PacketCodec.decode(PING_PACKET, NODE_B_ID);
    assertThat(p.flag()).isEqualTo(Flag.MESSAGE);
    assertThat(p.nonce()).isEqualTo(NONCE);
    assertThat(p.maskingIv()).isEqualTo(MASKING_IV);
    assertThat(((MessageAuthdata) p.header().authdata()).srcId()).isEqualTo(NODE_A_ID);
    byte[] plaintext = p.open(PING_READ_KEY);
    assertThat(plaintext).isEqualTo(hex("01c6840000000102"));
    assertThat(MessageCodec.decode(plaintext)).isEqualTo(new Ping(REQ, 2));
  }

  @Test
  void decodesTheWhoareyouPacketAndItsChallengeData() {
    Packet p = PacketCodec.decode(WHOAREYOU_PACKET, NODE_B_ID);
    assertThat(p.flag()).isEqualTo(Flag.WHOAREYOU);
    assertThat(p.nonce()).isEqualTo(REQUEST_NONCE);
    assertThat(p.header().authdata()).isEqualTo(new WhoareyouAuthdata(ID_NONCE, 0));
    assertThat(p.message()).isEmpty();
    assertThat(p.challengeData()).isEqualTo(WHOAREYOU_CHALLENGE_DATA_SEQ0);
  }

  @Test
  void decodesTheHandshakePacketWithoutRecord() {
    Packet p = PacketCodec.decode(HANDSHAKE_PACKET, NODE_B_ID);
    assertThat(p.flag()).isEqualTo(Flag.HANDSHAKE);
    assertThat(p.nonce()).isEqualTo(NONCE);
    HandshakeAuthdata auth = (HandshakeAuthdata) p.header().authdata();
    assertThat(auth.srcId()).isEqualTo(NODE_A_ID);
    assertThat(auth.ephemeralPublicKey()).isEqualTo(EPHEMERAL_PUBKEY);
    assertThat(auth.record()).isEmpty();
    assertThat(auth.enr()).isEmpty();
    // B knows A's record (the challenge carried seq 1), so A's key comes from there
    SessionKeys keys = Handshake.accept(p, WHOAREYOU_CHALLENGE_DATA_SEQ1, Secp256k1.publicKey(NODE_A_KEY),
        NODE_B_KEY, NODE_B_ID);
    assertThat(keys.initiatorKey()).isEqualTo(HANDSHAKE_READ_KEY);
    assertThat(MessageCodec.decode(p.open(keys.initiatorKey()))).isEqualTo(new Ping(REQ, 1));
  }

  @Test
  void decodesTheHandshakePacketWithRecord() {
    Packet p = PacketCodec.decode(HANDSHAKE_ENR_PACKET, NODE_B_ID);
    assertThat(p.flag()).isEqualTo(Flag.HANDSHAKE);
    HandshakeAuthdata auth = (HandshakeAuthdata) p.header().authdata();
    assertThat(auth.srcId()).isEqualTo(NODE_A_ID);
    assertThat(auth.ephemeralPublicKey()).isEqualTo(EPHEMERAL_PUBKEY);
    Enr enr = auth.enr().orElseThrow();
    assertThat(enr.nodeId()).isEqualTo(NODE_A_ID);
    assertThat(enr.seq()).isEqualTo(1);
    SessionKeys keys = Handshake.accept(p, WHOAREYOU_CHALLENGE_DATA_SEQ0, enr.publicKey(), NODE_B_KEY, NODE_B_ID);
    assertThat(keys.initiatorKey()).isEqualTo(HANDSHAKE_ENR_READ_KEY);
    assertThat(MessageCodec.decode(p.open(keys.initiatorKey()))).isEqualTo(new Ping(REQ, 1));
  }

  // ------------------------------------------------------------ encoding with pinned randomness

  @Test
  void encodesThePingMessagePacket() {
    PacketWriter writer = new PacketWriter(NODE_A_ID, pinned(NONCE));
    Packet p = writer.message(PING_READ_KEY, MessageCodec.encode(new Ping(REQ, 2)));
    assertThat(PacketCodec.encode(p, NODE_B_ID)).isEqualTo(PING_PACKET);
  }

  @Test
  void encodesTheWhoareyouPacket() {
    PacketWriter writer = new PacketWriter(NODE_B_ID, pinned(NONCE));
    Packet p = writer.whoareyou(REQUEST_NONCE, 0);
    assertThat(p.challengeData()).isEqualTo(WHOAREYOU_CHALLENGE_DATA_SEQ0);
    // the vector masks with node B's id: it is written to be decoded by node B
    assertThat(PacketCodec.encode(p, NODE_B_ID)).isEqualTo(WHOAREYOU_PACKET);
  }

  @Test
  void encodesTheHandshakePacketWithoutRecord() {
    PacketWriter writer = new PacketWriter(NODE_A_ID, pinned(NONCE));
    Handshake.Sent sent = writer.handshake(WHOAREYOU_CHALLENGE_DATA_SEQ1, NODE_A_KEY, NODE_B_ID,
        Secp256k1.publicKey(NODE_B_KEY), new byte[0], MessageCodec.encode(new Ping(REQ, 1)));
    assertThat(sent.keys().initiatorKey()).isEqualTo(HANDSHAKE_READ_KEY);
    assertThat(PacketCodec.encode(sent.packet(), NODE_B_ID)).isEqualTo(HANDSHAKE_PACKET);
  }

  @Test
  void encodesTheHandshakePacketWithRecord() throws Exception {
    // node A's record, signed here: seq 1, ip 127.0.0.1 (RFC 6979 makes it equal to the one in the vector)
    byte[] record = Enr.builder().seq(1).ip(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
        .sign(PrivateKey.fromRaw(KeyType.SECP256K1, NODE_A_KEY)).toRlp();
    assertThat(record).isEqualTo(
        ((HandshakeAuthdata) PacketCodec.decode(HANDSHAKE_ENR_PACKET, NODE_B_ID).header().authdata()).record());
    PacketWriter writer = new PacketWriter(NODE_A_ID, pinned(NONCE));
    Handshake.Sent sent = writer.handshake(WHOAREYOU_CHALLENGE_DATA_SEQ0, NODE_A_KEY, NODE_B_ID,
        Secp256k1.publicKey(NODE_B_KEY), record, MessageCodec.encode(new Ping(REQ, 1)));
    assertThat(sent.keys().initiatorKey()).isEqualTo(HANDSHAKE_ENR_READ_KEY);
    assertThat(PacketCodec.encode(sent.packet(), NODE_B_ID)).isEqualTo(HANDSHAKE_ENR_PACKET);
  }
}
