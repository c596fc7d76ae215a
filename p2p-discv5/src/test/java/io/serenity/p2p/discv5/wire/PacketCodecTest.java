package io.serenity.p2p.discv5.wire;

import static io.serenity.p2p.discv5.WireVectors.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.AesCtr;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.crypto.Secp256k1;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketCodecTest {

  private static final byte[] KEY = new byte[16];

  @Test
  void everyKindOfPacketRoundTrips() {
    PacketWriter writer = new PacketWriter(NODE_A_ID, RandomSource.secure());
    Packet message = writer.message(KEY, new byte[] {1, (byte) 0xc0});
    Packet random = writer.randomMessage();
    Packet whoareyou = writer.whoareyou(message.nonce(), -1L);
    Packet handshake = writer.handshake(whoareyou.challengeData(), NODE_A_KEY, NODE_B_ID,
        Secp256k1.publicKey(NODE_B_KEY), new byte[0], new byte[] {1, (byte) 0xc0}).packet();
    Packet withRecord = writer.handshake(whoareyou.challengeData(), NODE_A_KEY, NODE_B_ID,
        Secp256k1.publicKey(NODE_B_KEY), new byte[300], new byte[] {1, (byte) 0xc0}).packet();
    for (Packet p : List.of(message, random, whoareyou, handshake, withRecord)) {
      assertThat(PacketCodec.decode(PacketCodec.encode(p, NODE_B_ID), NODE_B_ID)).isEqualTo(p);
    }
    assertThat(((WhoareyouAuthdata) whoareyou.header().authdata()).enrSeq()).isEqualTo(-1L);
    assertThat(PacketCodec.decode(PacketCodec.encode(message, NODE_B_ID), NODE_B_ID).open(KEY))
        .containsExactly(1, 0xc0);
  }

  @Test
  void datagramsOutside63To1280BytesAreRefused() {
    assertThatThrownBy(() -> PacketCodec.decode(Arrays.copyOf(WHOAREYOU_PACKET, 62), NODE_B_ID))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("outside 63..1280");
    assertThatThrownBy(() -> PacketCodec.decode(new byte[1281], NODE_B_ID))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("outside 63..1280");
    assertThatThrownBy(() -> PacketCodec.decode(null, NODE_B_ID)).isInstanceOf(Discv5Exception.class);
    // the smallest possible packet, a WHOAREYOU, is exactly 63 bytes; the largest 1280
    assertThat(WHOAREYOU_PACKET).hasSize(63);
    Packet largest = new Packet(MASKING_IV, new Header(NONCE, new MessageAuthdata(NODE_A_ID)), new byte[1280 - 71]);
    assertThat(PacketCodec.decode(PacketCodec.encode(largest, NODE_B_ID), NODE_B_ID)).isEqualTo(largest);
  }

  @Test
  void packetsOver1280BytesAreNotEncoded() {
    Packet big = new Packet(MASKING_IV, new Header(NONCE, new MessageAuthdata(NODE_A_ID)), new byte[1280 - 70]);
    assertThatThrownBy(() -> PacketCodec.encode(big, NODE_B_ID))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("exceeds 1280");
  }

  @Test
  void aPacketForAnotherNodeDoesNotUnmask() {
    assertThatThrownBy(() -> PacketCodec.decode(PING_PACKET, NODE_A_ID))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("protocol id");
  }

  @Test
  void wrongVersionAndUnknownFlagAreRefused() {
    byte[] v2 = header(2, 0, 32, NODE_A_ID);
    assertThatThrownBy(() -> decode(v2, new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("version 2");
    byte[] flag3 = header(1, 3, 32, NODE_A_ID);
    assertThatThrownBy(() -> decode(flag3, new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("flag 3");
  }

  @Test
  void authdataSizeMustFitTheFlagAndTheDatagram() {
    assertThatThrownBy(() -> decode(header(1, 0, 31, new byte[31]), new byte[17]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("must be 32 bytes");
    assertThatThrownBy(() -> decode(header(1, 1, 25, new byte[25]), new byte[0]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("must be 24 bytes");
    assertThatThrownBy(() -> decode(header(1, 0, 0xffff, NODE_A_ID), new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("runs past the end");
  }

  @Test
  void whoareyouCarriesNoMessageAndOthersCarryAtLeastATag() {
    byte[] whoareyou = header(1, 1, 24, new byte[24]);
    assertThat(decode(whoareyou, new byte[0]).flag()).isEqualTo(Flag.WHOAREYOU);
    assertThatThrownBy(() -> decode(whoareyou, new byte[1]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("after the header");
    byte[] message = header(1, 0, 32, NODE_A_ID);
    assertThat(decode(message, new byte[16]).flag()).isEqualTo(Flag.MESSAGE);
    assertThatThrownBy(() -> decode(message, new byte[15]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("shorter than the GCM tag");
  }

  @Test
  void handshakeAuthdataIsCheckedForTheV4Sizes() {
    byte[] head = Arrays.copyOf(NODE_A_ID, 34);
    assertThatThrownBy(() -> decode(header(1, 2, 33, Arrays.copyOf(head, 33)), new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("shorter than its 34-byte head");
    byte[] sig65 = Arrays.copyOf(head, 131);
    sig65[32] = 65;
    sig65[33] = 33;
    assertThatThrownBy(() -> decode(header(1, 2, 131, sig65), new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("not the v4 scheme");
    byte[] shortKeys = Arrays.copyOf(head, 130);
    shortKeys[32] = 64;
    shortKeys[33] = 33;
    assertThatThrownBy(() -> decode(header(1, 2, 130, shortKeys), new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("shorter than 131");
    byte[] bigRecord = Arrays.copyOf(head, 131 + 301);
    bigRecord[32] = 64;
    bigRecord[33] = 33;
    assertThatThrownBy(() -> decode(header(1, 2, bigRecord.length, bigRecord), new byte[16]))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("exceeds 300");
  }

  @Test
  void aMalformedRecordInAHandshakeIsADiscv5Exception() {
    byte[] auth = Arrays.copyOf(NODE_A_ID, 131 + 3);
    auth[32] = 64;
    auth[33] = 33;
    auth[131] = (byte) 0xc2;
    Packet p = decode(header(1, 2, auth.length, auth), new byte[16]);
    assertThatThrownBy(() -> ((HandshakeAuthdata) p.header().authdata()).enr())
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("handshake record");
  }

  /**
   * A hostile datagram gets a {@link Discv5Exception} and nothing else: random bytes, every
   * truncation of the vectors, and every single-bit flip of them (then decrypted, and any record
   * decoded, too).
   */
  @Test
  void malformedDatagramsOnlyEverThrowDiscv5Exception() {
    Random rnd = new Random(5);
    int decoded = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] d = new byte[rnd.nextInt(1400)];
      rnd.nextBytes(d);
      decoded += survive(d, rnd);
    }
    for (byte[] vector : List.of(PING_PACKET, WHOAREYOU_PACKET, HANDSHAKE_PACKET, HANDSHAKE_ENR_PACKET)) {
      for (int len = 0; len <= vector.length + 1; len++) {
        decoded += survive(Arrays.copyOf(vector, len), rnd);
      }
      for (int bit = 0; bit < vector.length * 8; bit++) {
        byte[] d = vector.clone();
        d[bit / 8] ^= (byte) (1 << (bit % 8));
        decoded += survive(d, rnd);
      }
    }
    assertThat(decoded).as("flips in the message part still decode (and then fail to authenticate)")
        .isPositive();
  }

  /**
   * Every flag byte and every authdata-size up to the datagram limit, written into each vector.
   * CTR masking is a XOR, so XOR-ing the masked byte with (old ^ new) sets the unmasked field.
   */
  @Test
  void everyFlagAndAuthdataSizeOnlyEverThrowsDiscv5Exception() {
    Random rnd = new Random(9);
    for (byte[] vector : List.of(PING_PACKET, WHOAREYOU_PACKET, HANDSHAKE_PACKET, HANDSHAKE_ENR_PACKET)) {
      byte[] clear = AesCtr.apply(Arrays.copyOf(NODE_B_ID, 16), MASKING_IV, vector, 16, 23);
      for (int flag = 0; flag < 256; flag++) {
        byte[] d = vector.clone();
        d[16 + 8] ^= (byte) (clear[8] ^ flag);
        survive(d, rnd);
      }
      for (int size = 0; size <= PacketCodec.MAX_SIZE; size++) {
        byte[] d = vector.clone();
        d[16 + 21] ^= (byte) (clear[21] ^ (size >>> 8));
        d[16 + 22] ^= (byte) (clear[22] ^ size);
        survive(d, rnd);
      }
    }
  }

  private static int survive(byte[] datagram, Random rnd) {
    Packet p;
    try {
      p = PacketCodec.decode(datagram, NODE_B_ID);
    } catch (Discv5Exception expected) {
      return 0;
    } catch (RuntimeException e) {
      throw new AssertionError("decode threw " + e + " for " + java.util.HexFormat.of().formatHex(datagram), e);
    }
    try {
      if (p.flag() != Flag.WHOAREYOU) {
        byte[] key = new byte[16];
        rnd.nextBytes(key);
        p.open(key);
      }
      if (p.header().authdata() instanceof HandshakeAuthdata auth) {
        auth.enr();
        Handshake.accept(p, WHOAREYOU_CHALLENGE_DATA_SEQ0, Secp256k1.publicKey(NODE_A_KEY), NODE_B_KEY, NODE_B_ID);
      }
    } catch (Discv5Exception expected) {
      // fine
    } catch (RuntimeException e) {
      fail("a decoded packet threw " + e + " for " + java.util.HexFormat.of().formatHex(datagram), e);
    }
    return 1;
  }

  /** An unmasked header: "discv5", version, flag, the vectors' nonce, authdata-size, authdata. */
  private static byte[] header(int version, int flag, int authdataSize, byte[] authdata) {
    return ByteBuffer.allocate(23 + authdata.length)
        .put(Header.PROTOCOL_ID).putShort((short) version).put((byte) flag).put(NONCE)
        .putShort((short) authdataSize).put(authdata).array();
  }

  /** Masks a hand-made header for node B and decodes the datagram. */
  private static Packet decode(byte[] header, byte[] message) {
    byte[] masked = AesCtr.apply(Arrays.copyOf(NODE_B_ID, 16), MASKING_IV, header, 0, header.length);
    byte[] datagram = ByteBuffer.allocate(16 + masked.length + message.length)
        .put(MASKING_IV).put(masked).put(message).array();
    return PacketCodec.decode(datagram, NODE_B_ID);
  }
}
