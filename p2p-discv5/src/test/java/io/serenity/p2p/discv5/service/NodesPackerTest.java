package io.serenity.p2p.discv5.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.MessageCodec;
import io.serenity.p2p.discv5.message.Nodes;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.discv5.wire.PacketCodec;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodesPackerTest {

  @Test
  void sixteenRecordsSplitIntoPacketsOfAtMost1280Bytes() throws Exception {
    RandomSource random = RandomSource.secure();
    List<Enr> enrs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      enrs.add(Enr.builder().ip(InetAddress.getByName("192.0.2.1")).udp(9000 + i).tcp(9000 + i)
          .set("eth2", new byte[16]).set("attnets", new byte[8])
          .sign(PrivateKey.fromRaw(KeyType.SECP256K1, random.ephemeralKey())));
    }
    RequestId id = RequestId.fromHex("ffffffffffffffff");
    List<Nodes> packed = NodesPacker.pack(id, enrs);
    assertThat(packed.size()).isGreaterThan(1);
    assertThat(packed).allMatch(n -> n.total() == packed.size() && n.requestId().equals(id));
    assertThat(packed.stream().flatMap(n -> n.enrs().stream()).toList()).isEqualTo(enrs);
    for (Nodes n : packed) {
      assertThat(NodesPacker.PACKET_OVERHEAD + MessageCodec.encode(n).length).isLessThanOrEqualTo(PacketCodec.MAX_SIZE);
    }
    assertThat(NodesPacker.pack(id, List.of())).singleElement().satisfies(n -> {
      assertThat(n.total()).isEqualTo(1);
      assertThat(n.enrs()).isEmpty();
    });
  }
}
