package io.serenity.p2p.eth2;

import static io.serenity.p2p.fuzz.FuzzSupport.allocationAtMost;
import static io.serenity.p2p.fuzz.FuzzSupport.expectOnly;
import static io.serenity.p2p.fuzz.FuzzSupport.rest;
import static io.serenity.p2p.fuzz.FuzzSupport.u8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.serenity.p2p.eth2.gossip.Eth2MessageId;
import io.serenity.p2p.eth2.gossip.SnappyBlock;
import io.serenity.p2p.eth2.gossip.SnappyException;
import io.serenity.p2p.eth2.types.Goodbye;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.server.MessageCodecException;
import java.util.List;

/**
 * Fuzz target of an ssz_snappy gossip payload: byte 0 picks the type (and a decompression limit), the
 * rest is the payload. Checks {@link SszSnappyCodec#decode} for the library's types, {@link
 * SnappyBlock#decompress} under a small limit, and the message id function, which must give an id to
 * every payload. Invariant: {@link MessageCodecException} from the codec and {@link SnappyException}
 * from the block decoder, nothing else; what decodes encodes back to an equal value; a block never
 * inflates beyond the limit, and decompression allocates no more than the limit beyond the input.
 */
class SszSnappyFuzzTest {

  static final SszSnappyCodec CODEC = SszSnappyCodec.withStandardTypes();
  static final List<Class<?>> TYPES = List.of(StatusMessage.class, MetaData.class, Ping.class, Goodbye.class);
  static final int[] LIMITS = {0, 1, 64, 1024, 65_536};

  @FuzzTest(maxDuration = "10s")
  void gossipPayload(byte[] data) throws Exception {
    Class<?> type = TYPES.get(u8(data, 0) % TYPES.size());
    byte[] payload = rest(data, 1);
    try {
      Object value = CODEC.decode(payload, type);
      byte[] again = CODEC.encode(value);
      assertThat(CODEC.encode(CODEC.decode(again, type))).isEqualTo(again);
    } catch (RuntimeException e) {
      expectOnly(e, data, MessageCodecException.class);
    }
    int limit = LIMITS[(u8(data, 0) >>> 2) % LIMITS.length];
    try {
      allocationAtMost(limit + 4L * payload.length, () -> "inflating " + payload.length + " bytes, limit " + limit,
          () -> assertThat(SnappyBlock.decompress(payload, limit).length).isLessThanOrEqualTo(limit));
    } catch (RuntimeException e) {
      expectOnly(e, data, SnappyException.class);
    }
    assertThat(Eth2MessageId.compute("/eth2/00000000/beacon_block/ssz_snappy", payload, true, 1 << 20))
        .hasSize(Eth2MessageId.LENGTH);
  }
}
