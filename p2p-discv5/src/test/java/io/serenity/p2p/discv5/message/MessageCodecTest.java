package io.serenity.p2p.discv5.message;

import static io.serenity.p2p.discv5.WireVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.enr.Rlp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  private static final RequestId ID = RequestId.fromHex("00000001");

  @Test
  void pingMatchesThePlaintextOfTheVectorPacket() {
    assertThat(MessageCodec.encode(new Ping(ID, 2))).isEqualTo(hex("01c6840000000102"));
  }

  @Test
  void everyMessageRoundTrips() throws Exception {
    Enr a = Enr.builder().seq(1).ip(InetAddress.getByName("10.0.0.1")).udp(9000)
        .sign(PrivateKey.fromSeed(KeyType.SECP256K1, 1));
    Enr b = Enr.builder().seq(99).sign(PrivateKey.fromSeed(KeyType.SECP256K1, 2));
    List<Message> messages = List.of(
        new Ping(ID, 0),
        new Ping(RequestId.fromHex("ffffffffffffffff"), -1L),
        new Ping(new RequestId(new byte[0]), 1),
        new Pong(ID, 5, InetAddress.getByName("192.0.2.7"), 30303),
        new Pong(ID, 5, InetAddress.getByName("2001:db8::1"), 0),
        new Pong(ID, 5, InetAddress.getByName("10.1.1.1"), 65535),
        new FindNode(ID, List.of(0)),
        new FindNode(ID, List.of(256, 255, 1)),
        new FindNode(ID, List.of()),
        new Nodes(ID, 1, List.of()),
        new Nodes(ID, 2, List.of(a, b)),
        new TalkReq(ID, "eth".getBytes(), new byte[] {1, 2, 3}),
        new TalkReq(ID, new byte[0], new byte[0]),
        new TalkResp(ID, new byte[0]),
        new TalkResp(ID, new byte[1000]));
    for (Message m : messages) {
      byte[] encoded = MessageCodec.encode(m);
      assertThat(encoded[0]).isEqualTo((byte) m.type());
      assertThat(MessageCodec.decode(encoded)).as("%s", m).isEqualTo(m);
    }
  }

  @Test
  void distance256TakesTwoBytes() {
    assertThat(MessageCodec.encode(new FindNode(ID, List.of(256)))).isEqualTo(hex("03c98400000001c3820100"));
  }

  @Test
  void requestIdsLongerThan8BytesAreRefused() {
    assertThatThrownBy(() -> new RequestId(new byte[9])).isInstanceOf(IllegalArgumentException.class);
    byte[] ping = message(Ping.TYPE, Rlp.encodeBytes(new byte[9]), Rlp.encodeUnsigned(1));
    assertThatThrownBy(() -> MessageCodec.decode(ping))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("request-id of 9 bytes");
    byte[] listId = message(Ping.TYPE, Rlp.encodeList(List.of()), Rlp.encodeUnsigned(1));
    assertThatThrownBy(() -> MessageCodec.decode(listId)).isInstanceOf(Discv5Exception.class);
  }

  @Test
  void requestIdsKeepTheirLeadingZeros() {
    Message m = MessageCodec.decode(message(Ping.TYPE, Rlp.encodeBytes(hex("0000")), Rlp.encodeUnsigned(1)));
    assertThat(m.requestId().bytes()).containsExactly(0, 0);
  }

  @Test
  void distancesAbove256AreRefused() {
    assertThatThrownBy(() -> new FindNode(ID, List.of(257))).isInstanceOf(IllegalArgumentException.class);
    byte[] f = message(FindNode.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeList(List.of(Rlp.encodeUnsigned(257))));
    assertThatThrownBy(() -> MessageCodec.decode(f))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("distance 257");
    byte[] notList = message(FindNode.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1));
    assertThatThrownBy(() -> MessageCodec.decode(notList))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("must be a list");
    byte[] leadingZero = message(FindNode.TYPE, Rlp.encodeBytes(ID.bytes()),
        Rlp.encodeList(List.of(Rlp.encodeBytes(hex("0001")))));
    assertThatThrownBy(() -> MessageCodec.decode(leadingZero))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("leading zero");
  }

  @Test
  void pongAddressMustBe4Or16BytesAndPort16Bits() {
    byte[] ip5 = message(Pong.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1), Rlp.encodeBytes(new byte[5]),
        Rlp.encodeUnsigned(1));
    assertThatThrownBy(() -> MessageCodec.decode(ip5))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("4 or 16 bytes");
    byte[] port = message(Pong.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1), Rlp.encodeBytes(new byte[4]),
        Rlp.encodeUnsigned(65536));
    assertThatThrownBy(() -> MessageCodec.decode(port))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("65535");
  }

  /** 8-byte integers of 2^63 and more are negative in a Java long; they must still be refused, not wrap. */
  @Test
  void integersOf2To63AndMoreAreRefusedNotMisread() {
    byte[] big = Rlp.encodeBytes(hex("ffffffffffffffff"));
    byte[] nodes = message(Nodes.TYPE, Rlp.encodeBytes(ID.bytes()), big, Rlp.encodeList(List.of()));
    assertThatThrownBy(() -> MessageCodec.decode(nodes))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("NODES total 18446744073709551615");
    byte[] pong = message(Pong.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1), Rlp.encodeBytes(new byte[4]),
        big);
    assertThatThrownBy(() -> MessageCodec.decode(pong))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("65535");
    byte[] find = message(FindNode.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeList(List.of(big)));
    assertThatThrownBy(() -> MessageCodec.decode(find))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("exceeds 256");
    assertThat(MessageCodec.decode(message(Ping.TYPE, Rlp.encodeBytes(ID.bytes()), big)))
        .isEqualTo(new Ping(ID, -1L));
  }

  @Test
  void unknownTypesAndWrongFieldCountsAreRefused() {
    for (int type : new int[] {0, 7, 8, 9, 10, 0xff}) {
      byte[] m = message(type, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1));
      assertThatThrownBy(() -> MessageCodec.decode(m))
          .isInstanceOf(Discv5Exception.class).hasMessageContaining("unknown message type " + type);
    }
    byte[] extra = message(Ping.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1), Rlp.encodeUnsigned(2));
    assertThatThrownBy(() -> MessageCodec.decode(extra))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("PING must have 2 fields, got 3");
    byte[] missing = message(TalkReq.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeBytes(new byte[1]));
    assertThatThrownBy(() -> MessageCodec.decode(missing))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("TALKREQ must have 3 fields, got 2");
  }

  @Test
  void theBodyMustBeExactlyOneCanonicalList() {
    byte[] ping = MessageCodec.encode(new Ping(ID, 2));
    byte[] trailing = Arrays.copyOf(ping, ping.length + 1);
    assertThatThrownBy(() -> MessageCodec.decode(trailing))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("trailing");
    byte[] string = new byte[] {Ping.TYPE, (byte) 0x82, 1, 2};
    assertThatThrownBy(() -> MessageCodec.decode(string))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("not an RLP list");
    assertThatThrownBy(() -> MessageCodec.decode(new byte[] {Ping.TYPE})).isInstanceOf(Discv5Exception.class);
    byte[] seqLeadingZero = message(Ping.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeBytes(hex("0002")));
    assertThatThrownBy(() -> MessageCodec.decode(seqLeadingZero))
        .isInstanceOf(Discv5Exception.class).hasMessageContaining("leading zero");
    assertThatThrownBy(() -> MessageCodec.decode(new byte[1281])).isInstanceOf(Discv5Exception.class);
  }

  @Test
  void aNodesMessageWithAnInvalidRecordIsRefused() throws Exception {
    Enr a = Enr.builder().seq(1).ip(InetAddress.getByName("10.0.0.1")).sign(PrivateKey.fromSeed(KeyType.SECP256K1, 1));
    byte[] bad = a.toRlp();
    bad[bad.length - 1] ^= 1;
    byte[] nodes = message(Nodes.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1),
        Rlp.encodeList(List.of(a.toRlp(), bad)));
    assertThatThrownBy(() -> MessageCodec.decode(nodes)).isInstanceOf(Discv5Exception.class);
    byte[] recordNotList = message(Nodes.TYPE, Rlp.encodeBytes(ID.bytes()), Rlp.encodeUnsigned(1),
        Rlp.encodeList(List.of(Rlp.encodeBytes(new byte[3]))));
    assertThatThrownBy(() -> MessageCodec.decode(recordNotList)).isInstanceOf(Discv5Exception.class);
  }

  /** Random bytes, and every truncation and bit flip of valid messages, give Discv5Exception or a message. */
  @Test
  void malformedPlaintextsOnlyEverThrowDiscv5Exception() throws Exception {
    Random rnd = new Random(7);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      byte[] b = new byte[rnd.nextInt(64)];
      rnd.nextBytes(b);
      if (b.length > 0) {
        b[0] = (byte) (1 + rnd.nextInt(6));
      }
      inputs.add(b);
    }
    Enr a = Enr.builder().seq(1).ip(InetAddress.getByName("10.0.0.1")).sign(PrivateKey.fromSeed(KeyType.SECP256K1, 1));
    for (Message m : List.of(new Ping(ID, 2), new Pong(ID, 1, InetAddress.getByName("::1"), 9),
        new FindNode(ID, List.of(256, 1)), new Nodes(ID, 1, List.of(a)), new TalkReq(ID, new byte[2], new byte[3]),
        new TalkResp(ID, new byte[4]))) {
      byte[] e = MessageCodec.encode(m);
      for (int len = 0; len < e.length; len++) {
        inputs.add(Arrays.copyOf(e, len));
      }
      for (int bit = 0; bit < e.length * 8; bit++) {
        byte[] f = e.clone();
        f[bit / 8] ^= (byte) (1 << (bit % 8));
        inputs.add(f);
      }
    }
    // well-formed RLP of random shape: right or wrong field counts, integers of any size, lists where strings go
    for (int i = 0; i < 20000; i++) {
      byte[][] fields = new byte[rnd.nextInt(5)][];
      for (int j = 0; j < fields.length; j++) {
        fields[j] = randomField(rnd, 0);
      }
      inputs.add(message(1 + rnd.nextInt(6), fields));
    }
    for (byte[] in : inputs) {
      try {
        MessageCodec.decode(in);
      } catch (Discv5Exception expected) {
        // fine
      } catch (RuntimeException e) {
        throw new AssertionError("decode threw " + e + " for " + java.util.HexFormat.of().formatHex(in), e);
      }
    }
  }

  private static byte[] randomField(Random rnd, int depth) {
    switch (rnd.nextInt(depth < 2 ? 4 : 3)) {
      case 0 -> {
        byte[] b = new byte[rnd.nextInt(10)];
        rnd.nextBytes(b);
        return Rlp.encodeBytes(b);
      }
      case 1 -> {
        return Rlp.encodeUnsigned(rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(300));
      }
      case 2 -> {
        return Rlp.encodeBytes(rnd.nextBoolean() ? new byte[rnd.nextBoolean() ? 4 : 16] : new byte[0]);
      }
      default -> {
        List<byte[]> items = new ArrayList<>();
        for (int k = rnd.nextInt(4); k > 0; k--) {
          items.add(randomField(rnd, depth + 1));
        }
        return Rlp.encodeList(items);
      }
    }
  }

  private static byte[] message(int type, byte[]... fields) {
    byte[] body = Rlp.encodeList(List.of(fields));
    byte[] out = new byte[1 + body.length];
    out[0] = (byte) type;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
