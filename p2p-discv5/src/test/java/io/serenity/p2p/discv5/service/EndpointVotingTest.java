package io.serenity.p2p.discv5.service;

import static io.serenity.p2p.discv5.service.TestNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoint voting over real sockets: a node bound to 127.0.0.1 whose record claims 127.0.0.2 (a wrong
 * guess) PINGs others; their PONGs report 127.0.0.1 and the bound port.
 */
class EndpointVotingTest {

  private static final InetAddress OTHER_LOOPBACK = otherLoopback();
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void tearDown() throws Exception {
    nodes.close();
  }

  private static InetAddress otherLoopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always an address
    }
  }

  private List<Enr> voters(int n) throws Exception {
    List<Enr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(nodes.start().localEnr());
    }
    return out;
  }

  @Test
  void enoughAgreeingVotersChangeOurRecord() throws Exception {
    Discv5Service a = nodes.start(TestNodes.newKey(), b -> b.advertisedIp(OTHER_LOOPBACK)
        .endpointVoting(3, Duration.ofMinutes(5)));
    Enr before = a.localEnr();
    assertThat(before.ip()).contains(OTHER_LOOPBACK);
    List<Enr> peers = voters(3);

    await(a.ping(peers.get(0)));
    await(a.ping(peers.get(1)));
    await(a.ping(peers.get(1)));             // one voter, twice
    assertThat(a.localEnr()).isEqualTo(before);
    await(a.ping(peers.get(2)));             // the third distinct voter

    Enr after = a.localEnr();
    assertThat(after.ip()).contains(InetAddress.getByName("127.0.0.1"));
    assertThat(after.udp()).isEqualTo(before.udp());
    assertThat(after.seq()).isEqualTo(before.seq() + 1);
    assertThat(after.nodeId()).isEqualTo(before.nodeId());
    // Peers learn it: the next PONG carries the new seq, and FINDNODE [0] returns the new record.
    Discv5Service c = nodes.start();
    Enr aNow = after;
    assertThat(await(c.ping(aNow)).enrSeq()).isEqualTo(after.seq());
    assertThat(await(c.findNode(aNow, List.of(0)))).containsExactly(after);
    // A later change keeps the learned endpoint.
    Enr updated = await(a.updateLocalEnr(r -> r.set("x", new byte[] {1})));
    assertThat(updated.ip()).contains(InetAddress.getByName("127.0.0.1"));
    assertThat(updated.seq()).isEqualTo(after.seq() + 1);
  }

  @Test
  void aConfiguredAddressIsKeptByDefault() throws Exception {
    Discv5Service a = nodes.start(TestNodes.newKey(), b -> b.advertisedIp(OTHER_LOOPBACK));
    Enr before = a.localEnr();
    for (Enr p : voters(12)) {
      await(a.ping(p));
    }
    assertThat(a.localEnr()).isEqualTo(before);
  }

  @Test
  void votingIsOnByDefaultWithoutAConfiguredAddress() throws Exception {
    Discv5Config c = TestNodes.config(TestNodes.newKey()).bind(new InetSocketAddress("127.0.0.1", 0)).build();
    assertThat(c.endpointVoters()).isEqualTo(10);
    assertThat(c.endpointVoteTtl()).isEqualTo(Duration.ofMinutes(5));
    Discv5Config configured = TestNodes.config(TestNodes.newKey()).advertisedIp(InetAddress.getLoopbackAddress())
        .build();
    assertThat(configured.endpointVoters()).isZero();
  }
}
