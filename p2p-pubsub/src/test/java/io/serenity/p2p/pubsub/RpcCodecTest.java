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
}
