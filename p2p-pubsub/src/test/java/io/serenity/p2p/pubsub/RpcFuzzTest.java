package io.serenity.p2p.pubsub;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target of a pubsub RPC frame as a peer sends it: {@link RpcCodec#decode} with the default limits,
 * then, for every message in it, what {@code PubSub} does before the router sees it: the signature checks
 * of both policies ({@link MessageSigner#checkSigned}, {@link MessageSigner#checkUnsigned}) and the
 * message id functions. Invariant: {@link PubSubException} from the decoder, within the entry limits; the
 * checks answer with a reason or nothing and never throw; a decoded RPC encodes and decodes back to the
 * same RPC; allocation stays proportional to the frame.
 */
class RpcFuzzTest {

  static final RpcCodec.Limits LIMITS = RpcCodec.Limits.defaults();

  @FuzzTest(maxDuration = "10s")
  void rpc(byte[] data) throws Exception {
    Rpc[] decoded = new Rpc[1];
    try {
      allocationAtMost(64L * data.length, () -> "decoding " + data.length + " bytes",
          () -> decoded[0] = RpcCodec.decode(data, LIMITS));
    } catch (RuntimeException e) {
      expectOnly(e, data, PubSubException.class);
      return;
    }
    Rpc rpc = decoded[0];
    assertThat(rpc.subscriptions()).hasSizeLessThanOrEqualTo(LIMITS.maxSubscriptions());
    assertThat(rpc.publish()).hasSizeLessThanOrEqualTo(LIMITS.maxMessages());
    for (PubSubMessage m : rpc.publish()) {
      MessageSigner.checkSigned(m);
      MessageSigner.checkUnsigned(m);
      assertThat(MessageIdFunction.fromAndSeqno().apply(m)).isNotNull();
      assertThat(MessageIdFunction.sha256OfData().apply(m)).isNotNull();
    }
    Rpc again = RpcCodec.decode(RpcCodec.encode(rpc), LIMITS);
    assertThat(RpcCodec.encode(again)).isEqualTo(RpcCodec.encode(rpc));
  }
}
