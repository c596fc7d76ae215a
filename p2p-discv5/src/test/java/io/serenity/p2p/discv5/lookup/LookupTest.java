package io.serenity.p2p.discv5.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.table.NodeId;
import org.junit.jupiter.api.Test;

class LookupTest {

  private static NodeId id(int lastByte, int firstByte) {
    byte[] b = new byte[32];
    b[0] = (byte) firstByte;
    b[31] = (byte) lastByte;
    return new NodeId(b);
  }

  @Test
  void threeDistancesAlternatingOutwardWithinRange() {
    NodeId zero = id(0, 0);
    assertThat(Lookup.distances(id(0x10, 0), zero)).containsExactly(5, 6, 4);
    assertThat(Lookup.distances(zero, zero)).containsExactly(1, 2, 3);
    assertThat(Lookup.distances(id(1, 0), zero)).containsExactly(1, 2, 3);
    assertThat(Lookup.distances(id(0, 0x80), zero)).containsExactly(256, 255, 254);
  }
}
