package io.serenity.p2p.discv5.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.Ping;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.wire.Flag;
import io.serenity.p2p.discv5.wire.HandshakeAuthdata;
import io.serenity.p2p.discv5.wire.Packet;
import io.serenity.p2p.discv5.wire.PacketCodec;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handshake state machine between two session layers joined by an in-memory network. */
class SessionLayerTest {

  private static final SessionLimits LIMITS = new SessionLimits(10, Duration.ofHours(1), 10, Duration.ofSeconds(5),
      Duration.ofSeconds(5), 100, 4, 0);
  private final RandomSource random = RandomSource.secure();
  private final long[] now = {0};
  private final ArrayDeque<Object[]> wire = new ArrayDeque<>();
  private final List<byte[]> sentByB = new ArrayList<>();
  private final Map<InetSocketAddress, SessionLayer> hosts = new HashMap<>();

  private final class Node implements SessionListener {
    final byte[] key = random.ephemeralKey();
    final InetSocketAddress address;
    final Enr enr;
    final Map<NodeId, Enr> known = new HashMap<>();
    final List<Message> received = new ArrayList<>();
    final List<String> drops = new ArrayList<>();
    final SessionLayer layer;

    Node(int port) throws Exception {
      address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      enr = Enr.builder().seq(5).ip(address.getAddress()).udp(port).sign(PrivateKey.fromRaw(KeyType.SECP256K1, key));
      layer = new SessionLayer(key, () -> enr, random, () -> now[0], LIMITS, known::get, (to, d) -> {
        if (port == 2) {
          sentByB.add(d);
        }
        wire.add(new Object[] {address, to, d});
      }, this);
      hosts.put(address, layer);
    }

    NodeId id() {
      return new NodeId(enr.nodeId());
    }

    @Override
    public void onMessage(NodeAddress from, Enr e, Message message) {
      received.add(message);
      if (message instanceof Ping p) {
        layer.sendResponse(from, new Pong(p.requestId(), enr.seq(), from.address().getAddress(),
            from.address().getPort()));
      }
    }

    @Override
    public void onDrop(String reason, InetSocketAddress source, String detail) {
      drops.add(reason);
    }
  }

  private void pump() {
    while (!wire.isEmpty()) {
      Object[] d = wire.poll();
      hosts.get((InetSocketAddress) d[1]).onDatagram((byte[]) d[2], (InetSocketAddress) d[0]);
    }
  }

  private Packet handshakeSentBy(byte[] destId, List<byte[]> datagrams) {
    for (byte[] d : datagrams) {
      try {
        Packet p = PacketCodec.decode(d, destId);
        if (p.flag() == Flag.HANDSHAKE) {
          return p;
        }
      } catch (RuntimeException e) {
        // another destination
      }
    }
    return null;
  }

  @Test
  void handshakeWithRecordWhenTheRecipientDoesNotKnowUs() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    List<byte[]> fromA = new ArrayList<>();
    hosts.put(a.address, a.layer);
    Ping ping = new Ping(RequestId.random(random), 5);
    assertThat(a.layer.sendRequest(b.enr, b.address, ping)).isTrue();
    wire.forEach(d -> fromA.add((byte[]) d[2]));
    pumpRecording(fromA);
    assertThat(b.received).containsExactly(ping);
    assertThat(a.received).hasSize(1).first().isInstanceOf(Pong.class);
    Packet hs = handshakeSentBy(b.enr.nodeId(), fromA);
    assertThat(((HandshakeAuthdata) hs.header().authdata()).record()).isEqualTo(a.enr.toRlp());
    assertThat(a.layer.sessions().size()).isEqualTo(1);
    assertThat(b.layer.sessions().size()).isEqualTo(1);
    assertThat(b.layer.challengeCount()).isZero();
  }

  @Test
  void handshakeWithoutRecordWhenTheRecipientKnowsOurSeq() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    b.known.put(a.id(), a.enr);
    List<byte[]> fromA = new ArrayList<>();
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    wire.forEach(d -> fromA.add((byte[]) d[2]));
    pumpRecording(fromA);
    assertThat(b.received).hasSize(1);
    assertThat(a.received).hasSize(1);
    Packet hs = handshakeSentBy(b.enr.nodeId(), fromA);
    assertThat(((HandshakeAuthdata) hs.header().authdata()).record()).isEmpty();
  }

  @Test
  void requestsQueuedBehindAHandshakeAreFlushedOnce() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    for (int i = 0; i < 3; i++) {
      a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    }
    assertThat(wire).hasSize(1); // one random packet; two queued
    pump();
    assertThat(b.received).hasSize(3);
    assertThat(a.received).hasSize(3);
    // beyond the first request and the queue bound, requests are refused while a handshake is pending
    Node c = new Node(3);
    for (int i = 0; i <= LIMITS.queuedPerNode(); i++) {
      assertThat(a.layer.sendRequest(c.enr, c.address, new Ping(RequestId.random(random), 5))).isTrue();
    }
    assertThat(a.layer.sendRequest(c.enr, c.address, new Ping(RequestId.random(random), 5))).isFalse();
  }

  @Test
  void aLiveChallengeIsResentIdenticallyAndConsumedByOneAttempt() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    Object[] first = wire.poll();
    b.layer.onDatagram((byte[]) first[2], a.address);
    b.layer.onDatagram((byte[]) first[2], a.address); // the same packet again: the same challenge bytes
    assertThat(sentByB).hasSize(2);
    assertThat(sentByB.get(1)).isEqualTo(sentByB.get(0));
    assertThat(b.layer.challengeCount()).isEqualTo(1);
    wire.clear();
    a.layer.onDatagram(sentByB.get(0), b.address); // A answers with a handshake
    Object[] hs = wire.poll();
    b.layer.onDatagram((byte[]) hs[2], a.address);
    assertThat(b.received).hasSize(1);
    b.layer.onDatagram((byte[]) hs[2], a.address); // a replay finds no challenge
    assertThat(b.drops).contains("handshake-without-challenge");
    assertThat(b.received).hasSize(1);
    // a second WHOAREYOU for the same nonce is no longer answered
    a.layer.onDatagram(sentByB.get(0), b.address);
    assertThat(a.drops).contains("unexpected-whoareyou");
  }

  @Test
  void aWhoareyouIsAcceptedInsideASessionTheRecipientLost() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    pump();
    b.layer.sessions().remove(new NodeAddress(a.id(), a.address)); // B forgets the session
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    pump();
    assertThat(b.received).hasSize(2);
    assertThat(a.received).hasSize(2);
  }

  @Test
  void aSessionIsBoundToTheEndpoint() throws Exception {
    Node a = new Node(1);
    Node b = new Node(2);
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    pump();
    // the same packets from another port do not decrypt under the session: B challenges instead
    Object[] next = null;
    a.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    next = wire.poll();
    InetSocketAddress elsewhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7);
    int before = sentByB.size();
    b.layer.onDatagram((byte[]) next[2], elsewhere);
    assertThat(b.received).hasSize(1);
    assertThat(PacketCodec.decode(sentByB.get(before), a.enr.nodeId()).flag()).isEqualTo(Flag.WHOAREYOU);
  }

  private void pumpRecording(List<byte[]> fromA) {
    while (!wire.isEmpty()) {
      Object[] d = wire.poll();
      if (((InetSocketAddress) d[0]).getPort() == 1) {
        fromA.add((byte[]) d[2]);
      }
      hosts.get((InetSocketAddress) d[1]).onDatagram((byte[]) d[2], (InetSocketAddress) d[0]);
    }
  }

  @Test
  void handshakesBeyondTheRateAreDroppedBeforeAnyCrypto() throws Exception {
    Node b = new Node(2);
    SessionLimits oneAtATime = new SessionLimits(10, Duration.ofHours(1), 10, Duration.ofSeconds(5),
        Duration.ofSeconds(5), 100, 4, 1);
    List<String> drops = new ArrayList<>();
    List<Message> got = new ArrayList<>();
    SessionLayer limited = new SessionLayer(b.key, () -> b.enr, random, () -> now[0], oneAtATime, id -> null,
        (to, d) -> wire.add(new Object[] {b.address, to, d}), new SessionListener() {
          @Override
          public void onMessage(NodeAddress from, Enr enr, Message message) {
            got.add(message);
          }

          @Override
          public void onDrop(String reason, InetSocketAddress source, String detail) {
            drops.add(reason);
          }
        });
    hosts.put(b.address, limited);
    Node a1 = new Node(11);
    Node a2 = new Node(12);
    a1.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    a2.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    pump();
    assertThat(got).hasSize(1);
    assertThat(drops).containsExactly("handshake-rate-limited");
    now[0] += 1_000_000_000L; // a second later the bucket has refilled
    a2.layer.sendRequest(b.enr, b.address, new Ping(RequestId.random(random), 5));
    pump();
    assertThat(got).hasSize(2);
  }
}
