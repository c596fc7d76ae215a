package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcCodec}'s direct decoder accepts and refuses exactly what the generated protobuf parser
 * ({@link GeneratedRpcDecoder}) does, and builds the same records: on valid RPCs, on RPCs written
 * field by field with everything proto2 allows (unknown fields and groups, known fields with another
 * wire type, repeated scalar fields, a control message twice), and on those bytes damaged.
 */
class RpcDecodeParityTest {
  private static final RpcCodec.Limits LIMITS = new RpcCodec.Limits(6, 6, 12);

  /** The decoded RPC spelled out (records hold arrays, whose equals is identity), or why it failed. */
  private static String outcome(byte[] input, boolean direct) {
    try {
      Rpc rpc = direct ? RpcCodec.decode(input, LIMITS) : GeneratedRpcDecoder.decode(input, LIMITS);
      return render(rpc);
    } catch (PubSubException e) {
      return "refused";
    }
  }

  private static String hex(byte[] b) {
    return b == null ? "null" : HexFormat.of().formatHex(b);
  }

  static String render(Rpc rpc) {
    StringBuilder s = new StringBuilder();
    for (Rpc.SubOpts o : rpc.subscriptions()) {
      s.append("sub(").append(o.subscribe()).append(',').append(o.topic()).append(')');
    }
    for (PubSubMessage m : rpc.publish()) {
      s.append("msg(").append(hex(m.from())).append(',').append(hex(m.data())).append(',').append(hex(m.seqno()))
          .append(',').append(m.topic()).append(',').append(hex(m.signature())).append(',').append(hex(m.key()))
          .append(')');
    }
    Rpc.Control c = rpc.control();
    c.ihave().forEach(h -> s.append("ihave(").append(h.topic()).append(',').append(h.messageIds()).append(')'));
    c.iwant().forEach(w -> s.append("iwant(").append(w.messageIds()).append(')'));
    c.graft().forEach(g -> s.append("graft(").append(g.topic()).append(')'));
    c.prune().forEach(p -> {
      s.append("prune(").append(p.topic()).append(',').append(p.backoffSeconds());
      p.peers().forEach(px -> s.append(",px(").append(hex(px.peerId())).append(',')
          .append(hex(px.signedPeerRecord())).append(')'));
      s.append(')');
    });
    c.idontwant().forEach(d -> s.append("idontwant(").append(d.messageIds()).append(')'));
    return s.toString();
  }

  private static void assertSame(byte[] input, String what) {
    String reference = outcome(input, false);
    assertThat(outcome(input, true)).as("%s: %s", what, HexFormat.of().formatHex(input)).isEqualTo(reference);
    // the ByteBuffer entry point (how streams hand frames over), at an offset inside a larger array
    byte[] padded = new byte[input.length + 7];
    System.arraycopy(input, 0, padded, 3, input.length);
    String viaBuffer;
    try {
      viaBuffer = render(RpcCodec.decode(ByteBuffer.wrap(padded, 3, input.length), LIMITS));
    } catch (PubSubException e) {
      viaBuffer = "refused";
    }
    assertThat(viaBuffer).as("%s via a buffer", what).isEqualTo(reference);
  }

  @Test
  void validRpcsDecodeToTheSameRecords() {
    Random rnd = new Random(7);
    RpcCodec.Limits roomy = RpcCodec.Limits.defaults();
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = RpcCodec.encode(RpcCodecTest.randomRpc(rnd));
      assertThat(render(RpcCodec.decode(bytes, roomy))).as("rpc %d", i)
          .isEqualTo(render(GeneratedRpcDecoder.decode(bytes, roomy)));
    }
  }

  @Test
  void fieldByFieldRpcsAndTheirDamagedBytesGetTheSameAnswer() throws IOException {
    Random rnd = new Random(20261207L);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input = new Writer(rnd).rpc();
      assertSame(input, "input " + i);
      if (outcome(input, false).equals("refused")) {
        refused++;
      } else {
        accepted++;
      }
      for (int k = 0; k < 3; k++) {
        assertSame(damage(rnd, input), "damaged input " + i + "/" + k);
      }
    }
    // the generator reaches both sides of every rule, not only one
    assertThat(accepted).isGreaterThan(2_000);
    assertThat(refused).isGreaterThan(2_000);
  }

  @Test
  void groupsNestedPastTheLimitAreRefusedByBothAndJustBelowItAcceptedByBoth() throws IOException {
    for (int depth = 1; depth <= 12; depth++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      for (int d = 0; d < depth; d++) {
        o.writeTag(100 + d, WireFormat.WIRETYPE_START_GROUP);
      }
      for (int d = depth - 1; d >= 0; d--) {
        o.writeTag(100 + d, WireFormat.WIRETYPE_END_GROUP);
      }
      o.flush();
      byte[] input = bytes.toByteArray();
      assertSame(input, "groups nested " + depth + " deep");
      assertThat(outcome(input, true)).as("depth %d", depth).isEqualTo(depth <= 8 ? "" : "refused");
    }
  }

  @Test
  void aHundredThousandNestedGroupsAreRefusedWithoutExhaustingTheStack() {
    byte[] input = new byte[200_000];
    for (int i = 0; i < input.length; i += 2) {
      input[i] = (byte) 0x83; // field 16, start group (two-byte tag)
      input[i + 1] = 0x01;
    }
    assertThatThrownBy(() -> RpcCodec.decode(input, LIMITS)).isInstanceOf(PubSubException.class);
  }

  @Test
  void aMessageWithoutItsTopicAndASubscriptionWithoutOneAreRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bytes);
    o.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(3);
    o.writeByteArray(2, new byte[] {1}); // data only
    o.flush();
    assertThatThrownBy(() -> RpcCodec.decode(bytes.toByteArray(), LIMITS)).isInstanceOf(PubSubException.class)
        .hasMessageContaining("topic");
    byte[] subWithoutTopic = {0x0a, 0x02, 0x08, 0x01};
    assertThatThrownBy(() -> RpcCodec.decode(subWithoutTopic, LIMITS)).isInstanceOf(PubSubException.class)
        .hasMessageContaining("subscription without a topic");
  }

  private static byte[] damage(Random rnd, byte[] input) {
    byte[] out;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        out = Arrays.copyOf(input, input.length == 0 ? 0 : rnd.nextInt(input.length));
      }
      case 1 -> {
        out = input.clone();
        if (out.length > 0) {
          out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 2 -> {
        out = input.clone();
        if (out.length > 0) {
          out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
        }
      }
      default -> {
        int at = input.length == 0 ? 0 : rnd.nextInt(input.length + 1);
        byte[] junk = new byte[1 + rnd.nextInt(4)];
        rnd.nextBytes(junk);
        out = new byte[input.length + junk.length];
        System.arraycopy(input, 0, out, 0, at);
        System.arraycopy(junk, 0, out, at, junk.length);
        System.arraycopy(input, at, out, at + junk.length, input.length - at);
      }
    }
    return out;
  }

  /** Writes RPCs field by field, choosing among what the schema and proto2's rules allow and a little more. */
  private static final class Writer {
    private final Random rnd;

    Writer(Random rnd) {
      this.rnd = rnd;
    }

    byte[] rpc() throws IOException {
      return fields(0, new Field[] {
          this::subscription, this::subscription, this::message, this::message, this::control});
    }

    @FunctionalInterface
    interface Field {
      void write(CodedOutputStream o, int number) throws IOException;
    }

    /** Up to a few fields: mostly the known ones (numbers 1..known.length), sometimes unknown or odd ones. */
    private byte[] fields(int depth, Field[] known) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(bytes);
      int n = rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        int pick = rnd.nextInt(10);
        if (pick < 7 && known.length > 0) {
          int number = 1 + rnd.nextInt(known.length);
          known[number - 1].write(o, number);
        } else if (pick < 9) {
          unknown(o, depth, rnd.nextBoolean() ? 1 + rnd.nextInt(8) : 9 + rnd.nextInt(30));
        } else {
          // the end of a group that never began, at this level
          o.writeTag(1 + rnd.nextInt(8), WireFormat.WIRETYPE_END_GROUP);
        }
      }
      o.flush();
      return bytes.toByteArray();
    }

    /** Any wire type, the number possibly a known one (then it is unknown for its wire type). */
    private void unknown(CodedOutputStream o, int depth, int number) throws IOException {
      switch (rnd.nextInt(6)) {
        case 0 -> o.writeUInt64(number, rnd.nextLong());
        case 1 -> o.writeFixed64(number, rnd.nextLong());
        case 2 -> o.writeFixed32(number, rnd.nextInt());
        case 3 -> o.writeByteArray(number, bytes(6));
        default -> {
          o.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
          if (depth < 10 && rnd.nextInt(3) > 0) {
            unknown(o, depth + 1, 1 + rnd.nextInt(20));
          }
          // mostly its own end, sometimes another number's
          o.writeTag(rnd.nextInt(8) == 0 ? number + 1 : number, WireFormat.WIRETYPE_END_GROUP);
        }
      }
    }

    private byte[] bytes(int max) {
      byte[] b = new byte[rnd.nextInt(max + 1)];
      rnd.nextBytes(b);
      return b;
    }

    private String text() {
      String[] s = {"", "t", "topic", "\u00e9\u4e2d"};
      return s[rnd.nextInt(s.length)];
    }

    /** A string field: mostly text, sometimes bytes that are not UTF-8. */
    private void string(CodedOutputStream o, int number) throws IOException {
      if (rnd.nextInt(6) == 0) {
        o.writeByteArray(number, new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff});
      } else {
        o.writeString(number, text());
      }
    }

    private void nested(CodedOutputStream o, int number, byte[] body) throws IOException {
      o.writeByteArray(number, body);
    }

    private void subscription(CodedOutputStream o, int number) throws IOException {
      nested(o, number, fields(1, new Field[] {
          (p, k) -> {
            if (rnd.nextBoolean()) {
              p.writeBool(k, rnd.nextBoolean());
            } else {
              p.writeUInt64(k, rnd.nextInt(4)); // any varint is a bool
            }
          },
          this::string}));
    }

    private void message(CodedOutputStream o, int number) throws IOException {
      Field bytesField = (p, k) -> p.writeByteArray(k, bytes(12));
      byte[] body = fields(1, new Field[] {bytesField, bytesField, bytesField, this::string, bytesField, bytesField});
      if (rnd.nextInt(4) > 0) {
        // most messages carry their required topic
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream p = CodedOutputStream.newInstance(b);
        p.writeRawBytes(body);
        p.writeString(4, text());
        p.flush();
        body = b.toByteArray();
      }
      nested(o, number, body);
    }

    private void ids(CodedOutputStream o, int number) throws IOException {
      o.writeByteArray(number, bytes(4));
    }

    private void control(CodedOutputStream o, int number) throws IOException {
      nested(o, number, fields(1, new Field[] {
          (p, k) -> nested(p, k, fields(2, new Field[] {this::string, this::ids})),
          (p, k) -> nested(p, k, fields(2, new Field[] {this::ids})),
          (p, k) -> nested(p, k, fields(2, new Field[] {this::string})),
          (p, k) -> nested(p, k, fields(2, new Field[] {
              this::string,
              (q, j) -> nested(q, j, fields(3, new Field[] {
                  (r, m) -> r.writeByteArray(m, bytes(6)), (r, m) -> r.writeByteArray(m, bytes(6))})),
              (q, j) -> q.writeUInt64(j, rnd.nextBoolean() ? rnd.nextInt(100) : rnd.nextLong())})),
          (p, k) -> nested(p, k, fields(2, new Field[] {this::ids}))}));
    }
  }
}
