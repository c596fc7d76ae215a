package io.serenity.p2p.discv5.service;

import static io.serenity.p2p.discv5.service.TestNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.wire.PacketCodec;
import io.serenity.p2p.discv5.wire.PacketWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Junk and unanswerable packets must leave every structure within its bound. */
class Discv5FloodTest {

  private static final int JUNK = 3000;
  private static final int BATCH = 20;
  private final TestNodes nodes = new TestNodes();
  private final RandomSource random = RandomSource.secure();

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void junkAndHandshakeFloodsStayWithinLimits() throws Exception {
    int maxChallenges = 50;
    // the prober's 150 PINGs in a row would exceed the per-node request rate: off here, tested below
    Discv5Service target = nodes.start(TestNodes.newKey(), c -> c.challenges(maxChallenges, Duration.ofSeconds(30))
        .sessions(20, Duration.ofHours(1)).requestRateLimit(0, 0));
    Discv5Service probe = nodes.start();
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        target.localEnr().udp().getAsInt());
    byte[] targetId = target.localEnr().nodeId();
    Random junk = new Random(1);
    try (DatagramSocket flood = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < JUNK; i++) {
        byte[] d;
        switch (i % 3) {
          case 0 -> { // random bytes of any size, up to twice the maximum
            d = new byte[junk.nextInt(2 * PacketCodec.MAX_SIZE)];
            junk.nextBytes(d);
          }
          case 1 -> // a well-formed packet from a fresh node id: each one asks for a challenge
              d = PacketCodec.encode(new PacketWriter(random.bytes(32), random).randomMessage(), targetId);
          default -> { // a valid packet with one flipped bit
            d = PacketCodec.encode(new PacketWriter(random.bytes(32), random).randomMessage(), targetId);
            d[junk.nextInt(d.length)] ^= (byte) (1 << junk.nextInt(8));
          }
        }
        flood.send(new DatagramPacket(d, d.length, to));
        if (i % BATCH == BATCH - 1) {
          // the probe's datagrams queue behind the batch on the target's single loop; waiting for the
          // PONG keeps the socket's receive buffer from overflowing, so every junk datagram is handled
          assertThat(await(probe.ping(target.localEnr())).enrSeq()).isEqualTo(1);
        }
      }
    }
    Discv5Stats stats = await(target.stats());
    assertThat(stats.challenges()).isLessThanOrEqualTo(maxChallenges);
    assertThat(stats.sessions()).isLessThanOrEqualTo(20).isEqualTo(1);
    assertThat(stats.pendingRequests()).isZero();
    assertThat(stats.tableSize()).isEqualTo(1);
    assertThat(stats.totalDrops()).isPositive();
    assertThat(stats.drops()).containsKey("malformed-packet").containsKey("challenges-full");
    // every junk datagram was handled exactly once: dropped (and counted), or challenged
    assertThat(stats.totalDrops() + stats.challenges()).isEqualTo(JUNK);
  }

  @Test
  void thePerIpRateLimitDropsAFlood() throws Exception {
    Discv5Service target = nodes.start(TestNodes.newKey(), c -> c.packetRateLimit(10, 20));
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        target.localEnr().udp().getAsInt());
    int sent = 60; // small datagrams: all fit in the socket's receive buffer
    try (DatagramSocket flood = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      byte[] d = new byte[100];
      for (int i = 0; i < sent; i++) {
        flood.send(new DatagramPacket(d, d.length, to));
      }
    }
    // await the counts: each stats() call is one trip through the target's event loop
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Discv5Stats stats = await(target.stats());
    while (stats.totalDrops() < sent) {
      assertThat(System.nanoTime() - deadline).as("all %d datagrams handled", sent).isNegative();
      stats = await(target.stats());
    }
    assertThat(stats.totalDrops()).isEqualTo(sent);
    assertThat(stats.drops().get("rate-limited")).isGreaterThanOrEqualTo(30);
    assertThat(stats.drops().get("malformed-packet")).isBetween(20L, 30L);
    assertThat(stats.rateLimitedIps()).isEqualTo(1);
  }

  /** Sends {@code count} well-formed packets, each from a fresh node id, from one socket on 127.0.0.1. */
  private void sendFreshIds(Discv5Service target, int count) throws Exception {
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), target.localEnr().udp().getAsInt());
    byte[] targetId = target.localEnr().nodeId();
    try (DatagramSocket flood = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < count; i++) {
        byte[] d = PacketCodec.encode(new PacketWriter(random.bytes(32), random).randomMessage(), targetId);
        flood.send(new DatagramPacket(d, d.length, to));
      }
    }
  }

  /** Awaits (bounded) until the target handled {@code count} datagrams: each is challenged or dropped. */
  private static Discv5Stats awaitHandled(Discv5Service target, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Discv5Stats stats = await(target.stats());
    int polls = 0;
    while (stats.totalDrops() + stats.challenges() < count) {
      assertThat(System.nanoTime() - deadline).as("all %d datagrams handled: %s", count, stats).isNegative();
      assertThat(polls++).isLessThan(1_000_000);
      stats = await(target.stats()); // one trip through the target's loop, behind the queued datagrams
    }
    return stats;
  }

  @Test
  void anIpShowingTooManyNodeIdsIsIgnored() throws Exception {
    // per-IP limits are off for loopback tests; this one turns the node-id count back on
    Discv5Service target = nodes.start(TestNodes.newKey(), c -> c.nodeIdsPerIp(10, Duration.ofHours(1))
        .challenges(1000, Duration.ofSeconds(60)));
    int sent = 150; // small datagrams: all fit in the socket's receive buffer
    sendFreshIds(target, sent);
    Discv5Stats stats = awaitHandled(target, sent);
    assertThat(stats.challenges()).isEqualTo(10);                 // the first 10 ids were challenged
    assertThat(stats.drops()).containsEntry("ip-banned", (long) sent - 10);
    assertThat(stats.totalDrops()).isEqualTo(sent - 10);
    // still ignored afterwards, whatever id it claims
    sendFreshIds(target, 5);
    assertThat(awaitHandled(target, sent + 5).drops()).containsEntry("ip-banned", (long) sent - 5);
  }

  @Test
  void theGlobalChallengeRateBoundsWhoareyouReplies() throws Exception {
    double rate = 5;
    Discv5Service target = nodes.start(TestNodes.newKey(), c -> c.challengeRateLimit(rate)
        .challenges(1000, Duration.ofSeconds(60)));
    int sent = 200;
    long start = System.nanoTime();
    sendFreshIds(target, sent);
    Discv5Stats stats = awaitHandled(target, sent);
    double seconds = (System.nanoTime() - start) / 1e9;
    long allowed = (long) Math.floor(rate + rate * seconds);
    assertThat(stats.challenges()).as("challenges after %.2f s", seconds).isBetween(1, (int) Math.min(sent, allowed));
    assertThat(stats.drops().get("challenge-rate-limited")).isEqualTo(sent - (long) stats.challenges());
    assertThat(stats.sessions()).isZero();
  }

  @Test
  void requestsPerNodeAreRateLimited() throws Exception {
    Discv5Service target = nodes.start(TestNodes.newKey(), c -> c.requestRateLimit(1, 5));
    Discv5Service asker = nodes.start(TestNodes.newKey(), c -> c.requestTimeout(Duration.ofMillis(500)));
    int sent = 15; // within the asker's 16 requests in flight per node
    List<CompletableFuture<Pong>> pings = new ArrayList<>();
    for (int i = 0; i < sent; i++) {
      pings.add(asker.ping(target.localEnr()));
    }
    int answered = 0;
    int timedOut = 0;
    for (CompletableFuture<Pong> p : pings) {
      try {
        await(p);
        answered++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
        timedOut++;
      }
    }
    // the burst (5) plus what 1/s refills while the PINGs arrive; the rest dropped and counted
    assertThat(answered).isBetween(5, 10);
    assertThat(answered + timedOut).isEqualTo(sent);
    assertThat(await(target.stats()).drops().get("node-rate-limited")).isEqualTo((long) timedOut);
    // another node id is not affected
    assertThat(await(nodes.start().ping(target.localEnr())).enrSeq()).isEqualTo(1);
  }
}
