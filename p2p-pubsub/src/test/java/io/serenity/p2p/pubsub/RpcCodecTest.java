package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RpcCodecTest {

  private static MessageId id(int b) {
    return new MessageId(new byte[] {(byte) b, 1, 2});
  }

  @Test
  void everyFieldRoundTrips() {
    PubSubMessage m = new PubSubMessage(new byte[] {1}, new byte[] {2, 3}, new byte[8], "t", new byte[] {4}, new byte[] {5});
    Rpc rpc =
        new Rpc(
            List.of(new Rpc.SubOpts(true, "a"), new Rpc.SubOpts(false, "b")),
            List.of(m),
            new Rpc.Control(
                List.of(new Rpc.IHave("t", List.of(id(1), id(2)))),
                List.of(new Rpc.IWant(List.of(id(3)))),
                List.of(new Rpc.Graft("t")),
                List.of(new Rpc.Prune("t", List.of(new Rpc.PxPeer(new byte[] {9}, null)), 60)),
                List.of(new Rpc.IDontWant(List.of(id(4))))));
    Rpc back = RpcCodec.decode(RpcCodec.encode(rpc), RpcCodec.Limits.defaults());
    assertThat(back.subscriptions()).isEqualTo(rpc.subscriptions());
    assertThat(back.publish()).singleElement().satisfies(b -> {
      assertThat(b.from()).containsExactly(1);
      assertThat(b.data()).containsExactly(2, 3);
      assertThat(b.seqno()).hasSize(8);
      assertThat(b.topic()).isEqualTo("t");
      assertThat(b.signature()).containsExactly(4);
      assertThat(b.key()).containsExactly(5);
    });
    assertThat(back.control().ihave()).isEqualTo(rpc.control().ihave());
    assertThat(back.control().iwant()).isEqualTo(rpc.control().iwant());
    assertThat(back.control().graft()).isEqualTo(rpc.control().graft());
    assertThat(back.control().prune()).singleElement().satisfies(p -> {
      assertThat(p.backoffSeconds()).isEqualTo(60);
      assertThat(p.peers()).singleElement().satisfies(px -> assertThat(px.peerId()).containsExactly(9));
    });
    assertThat(back.control().idontwant()).isEqualTo(rpc.control().idontwant());
  }

  @Test
  void absentBackoffStaysAbsent() {
    Rpc rpc = Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune("t", List.of(), -1)), List.of()));
    assertThat(RpcCodec.decode(RpcCodec.encode(rpc), RpcCodec.Limits.defaults()).control().prune().get(0).backoffSeconds())
        .isEqualTo(-1);
  }

  @Test
  void countLimitsAreEnforced() {
    Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(true, "a"), new Rpc.SubOpts(true, "b"), new Rpc.SubOpts(true, "c")), List.of(), null);
    assertThatThrownBy(() -> RpcCodec.decode(RpcCodec.encode(rpc), new RpcCodec.Limits(2, 10, 10)))
        .isInstanceOf(PubSubException.class)
        .hasMessageContaining("3 subscriptions, limit 2");
    Rpc ids = Rpc.control(new Rpc.Control(List.of(), List.of(new Rpc.IWant(List.of(id(1), id(2), id(3)))), List.of(), List.of(), List.of()));
    assertThatThrownBy(() -> RpcCodec.decode(RpcCodec.encode(ids), new RpcCodec.Limits(10, 10, 2)))
        .isInstanceOf(PubSubException.class)
        .hasMessageContaining("limit 2");
  }

  @Test
  void randomAndTruncatedInputOnlyEverThrowsPubSubException() {
    long seed = 20261125L;
    Random r = new Random(seed);
    byte[] valid = RpcCodec.encode(new Rpc(List.of(new Rpc.SubOpts(true, "topic")),
        List.of(new PubSubMessage(null, new byte[] {1, 2, 3}, null, "topic", null, null)), null));
    for (int i = 0; i < 50_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[r.nextInt(64)];
        r.nextBytes(input);
      } else {
        input = java.util.Arrays.copyOf(valid, r.nextInt(valid.length + 1));
        if (input.length > 0) {
          input[r.nextInt(input.length)] ^= (byte) (1 << r.nextInt(8));
        }
      }
      try {
        RpcCodec.decode(input, RpcCodec.Limits.defaults());
      } catch (PubSubException expected) {
        // fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + " input " + i + " threw " + e, e);
      }
    }
  }

  private static byte[] maybe(Random rnd, int max) {
    if (rnd.nextInt(3) == 0) {
      return null;
    }
    byte[] b = new byte[rnd.nextInt(max + 1)];
    rnd.nextBytes(b);
    return b;
  }

  private static String topic(Random rnd) {
    String[] topics = {"", "t", "/eth2/b5303f2a/beacon_block/ssz_snappy", "thema-\u00e9\u4e2d\ud83d\ude00"};
    return topics[rnd.nextInt(topics.length)] + "x".repeat(rnd.nextInt(3) == 0 ? 200 : 0);
  }

  private static List<MessageId> ids(Random rnd) {
    List<MessageId> ids = new java.util.ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      byte[] b = new byte[rnd.nextInt(3) == 0 ? 20 : 32];
      rnd.nextBytes(b);
      ids.add(new MessageId(b));
    }
    return ids;
  }

  static Rpc randomRpc(Random rnd) {
    List<Rpc.SubOpts> subs = new java.util.ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      subs.add(new Rpc.SubOpts(rnd.nextBoolean(), topic(rnd)));
    }
    List<PubSubMessage> msgs = new java.util.ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      msgs.add(new PubSubMessage(maybe(rnd, 40), maybe(rnd, rnd.nextInt(4) == 0 ? 300_000 : 2_000),
          maybe(rnd, 8), topic(rnd), maybe(rnd, 64), maybe(rnd, 40)));
    }
    List<Rpc.IHave> ihave = new java.util.ArrayList<>();
    List<Rpc.IWant> iwant = new java.util.ArrayList<>();
    List<Rpc.Graft> graft = new java.util.ArrayList<>();
    List<Rpc.Prune> prune = new java.util.ArrayList<>();
    List<Rpc.IDontWant> idontwant = new java.util.ArrayList<>();
    if (rnd.nextBoolean()) {
      for (int i = rnd.nextInt(3); i > 0; i--) {
        ihave.add(new Rpc.IHave(topic(rnd), ids(rnd)));
        iwant.add(new Rpc.IWant(ids(rnd)));
        graft.add(new Rpc.Graft(topic(rnd)));
        List<Rpc.PxPeer> px = new java.util.ArrayList<>();
        for (int k = rnd.nextInt(3); k > 0; k--) {
          px.add(new Rpc.PxPeer(maybe(rnd, 38), maybe(rnd, 300)));
        }
        prune.add(new Rpc.Prune(topic(rnd), px, switch (rnd.nextInt(4)) { case 0 -> -1; case 1 -> 0; default -> rnd.nextLong(0, Long.MAX_VALUE); }));
        idontwant.add(new Rpc.IDontWant(ids(rnd)));
      }
    }
    return new Rpc(subs, msgs, new Rpc.Control(ihave, iwant, graft, prune, idontwant));
  }

  @Test
  void theDirectEncoderWritesWhatProtobufWrites() {
    Random rnd = new Random(20);
    for (int i = 0; i < 2_000; i++) {
      Rpc rpc = randomRpc(rnd);
      byte[] ours = RpcCodec.encode(rpc);
      assertThat(ours).as("rpc %d: %s", i, rpc).isEqualTo(RpcCodec.toProto(rpc).toByteArray());
      assertThat(RpcCodec.size(rpc)).isEqualTo(ours.length);
    }
  }
}
