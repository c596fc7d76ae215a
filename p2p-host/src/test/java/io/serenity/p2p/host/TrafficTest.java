package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class TrafficTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  @Test
  void payloadBytesAreCountedPerProtocolOnBothSides() {
    Host a = hosts.start();
    Host b = hosts.start();
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    await(a.connect(dialAddr(b)));
    byte[] data = new byte[100_000];
    Arrays.fill(data, (byte) 7);
    Stream s = await(a.newStream(b.peerId(), Echo.PROTOCOL_ID));
    byte[] back = await(Echo.roundTrip(s, data, 4096));
    assertThat(back).isEqualTo(Echo.sha256(data));

    Traffic.Totals atA = a.traffic().snapshot().get(Echo.PROTOCOL_ID);
    Traffic.Totals atB = b.traffic().snapshot().get(Echo.PROTOCOL_ID);
    assertThat(atA.bytesOut()).isEqualTo(data.length);
    assertThat(atA.bytesIn()).isEqualTo(data.length);
    assertThat(atB.bytesIn()).isEqualTo(data.length);
    assertThat(atB.bytesOut()).isEqualTo(data.length);
  }
}
