package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.host.ResourceManager.Resource;
import io.serenity.p2p.host.ResourceManager.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class ResourceManagerTest {

  /** Streams of this protocol are held open and never read by the listener. */
  private static final String HOLD = "/test/hold/1.0.0";
  /** Streams of this protocol echo every message. */
  private static final String ECHO = "/test/echo-msg/1.0.0";

  private final TestHosts hosts = new TestHosts();
  private final List<Stream> held = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    hosts.close();
  }

  private Host listener(ResourceLimits limits) {
    int streamBuffer = (int) Math.min(4 << 20, limits.peerMemory());
    Host b = hosts.start(KeyType.ED25519,
        HostConfig.builder().maxStreamReadBuffer(streamBuffer).resources(limits).build());
    b.setStreamHandler(HOLD, held::add);
    b.setStreamHandler(ECHO, ResourceManagerTest::echoForever);
    return b;
  }

  private static void echoForever(Stream s) {
    s.readMessage(1024).thenCompose(s::writeMessage).thenRun(() -> echoForever(s));
  }

  private static byte[] roundTrip(Stream s, String text) {
    await(s.writeMessage(text.getBytes(StandardCharsets.UTF_8)));
    return await(s.readMessage(1024));
  }

  /** Polls a condition the test cannot be told about by an event, up to the test timeout. */
  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestHosts.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  /** Connects and waits until identify's streams are gone, so only the test's streams count. */
  private static Connection connectQuietly(Host from, Host to) {
    Connection c = await(from.connect(dialAddr(to)));
    eventually("identify's streams closed", () -> to.resourceManager().usage().inboundStreams() == 0
        && to.resourceManager().usage().outboundStreams() == 0 && c.streamCount() == 0);
    return c;
  }

  @Test
  void aProtocolAtItsPerPeerLimitResetsTheExtraStreamWhileOthersKeepWorking() {
    Host b = listener(ResourceLimits.defaults().withProtocol(HOLD, new ResourceLimits.ProtocolLimits(100, 2, 10)));
    Host a = hosts.start();
    connectQuietly(a, b);
    Stream echo = await(a.newStream(b.peerId(), ECHO));
    Stream first = await(a.newStream(b.peerId(), HOLD));
    Stream second = await(a.newStream(b.peerId(), HOLD));
    // b agrees on the protocol, then resets the stream: a sees its stream reset (or, should the
    // reset overtake the agreement, its open fail)
    CompletableFuture<Void> thirdEnded =
        a.newStream(b.peerId(), HOLD).handle((s, e) -> s == null ? CompletableFuture.<Void>completedFuture(null)
            : s.closeFuture()).thenCompose(f -> f);
    await(thirdEnded);
    assertThat(b.resourceManager().refusals(Scope.PROTOCOL_PEER, Resource.INBOUND_STREAMS)).isEqualTo(1);
    assertThat(first.closeFuture()).isNotDone();
    assertThat(second.closeFuture()).isNotDone();
    assertThat(new String(roundTrip(echo, "still served"), StandardCharsets.UTF_8)).isEqualTo("still served");
    assertThat(b.resourceManager().protocolUsage())
        .contains(new ResourceManager.ProtocolUsage(HOLD, 2, 0), new ResourceManager.ProtocolUsage(ECHO, 1, 0));

    // a freed slot is usable again
    first.reset();
    eventually("the freed slot is returned", () -> b.resourceManager().protocolUsage()
        .contains(new ResourceManager.ProtocolUsage(HOLD, 1, 0)));
    Stream again = await(a.newStream(b.peerId(), HOLD));
    eventually("the new stream is counted", () -> b.resourceManager().protocolUsage()
        .contains(new ResourceManager.ProtocolUsage(HOLD, 2, 0)));
    assertThat(again.closeFuture()).isNotDone();
  }

  @Test
  void aPeerAtItsInboundStreamLimitHasItsExtraStreamReset() {
    Host b = listener(ResourceLimits.defaults().withPeer(3, 512, 32L << 20));
    Host a = hosts.start();
    connectQuietly(a, b);
    List<Stream> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(await(a.newStream(b.peerId(), HOLD)));
    }
    eventually("three streams held", () -> held.size() == 3);
    // the fourth is reset before negotiation: opening it fails on a's side
    assertThatThrownBy(() -> a.newStream(b.peerId(), HOLD).join()).isInstanceOf(CompletionException.class);
    assertThat(b.resourceManager().refusals(Scope.PEER, Resource.INBOUND_STREAMS)).isEqualTo(1);
    assertThat(b.resourceManager().usage().inboundStreams()).isEqualTo(3);
    for (Stream s : open) {
      assertThat(s.closeFuture()).isNotDone();
    }
  }

  @Test
  void outboundStreamsOverTheProtocolLimitFailWithAMessageNamingTheSetting() {
    Host b = listener(ResourceLimits.defaults());
    Host a = hosts.start(KeyType.ED25519, HostConfig.builder()
        .resources(ResourceLimits.defaults().withProtocol(HOLD, new ResourceLimits.ProtocolLimits(10, 10, 1)))
        .build());
    connectQuietly(a, b);
    Stream first = await(a.newStream(b.peerId(), HOLD));
    assertThatThrownBy(() -> a.newStream(b.peerId(), HOLD).join())
        .hasCauseInstanceOf(HostException.class)
        .rootCause()
        .isInstanceOf(ResourceLimitException.class)
        .hasMessageContaining("outbound stream limit 1 reached for " + HOLD)
        .hasMessageContaining("ResourceLimits.protocolPeerOutboundStreams");
    assertThat(a.resourceManager().refusals(Scope.PROTOCOL_PEER, Resource.OUTBOUND_STREAMS)).isEqualTo(1);
    assertThat(first.closeFuture()).isNotDone();
  }

  @Test
  void unreadBytesBeyondThePeersMemoryResetTheStreamThatWouldExceedIt() {
    Host b = listener(ResourceLimits.defaults().withPeer(512, 512, 1 << 20));
    Host a = hosts.start();
    connectQuietly(a, b);
    // yamux lets each unread stream hold at most its window (256 KiB while nothing is read), so it
    // takes several streams to reach the peer's 1 MiB: five of 200 KiB fit, a sixth does not
    byte[] chunk = new byte[200 * 1024];
    List<Stream> full = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Stream s = await(a.newStream(b.peerId(), HOLD));
      await(s.write(chunk));
      full.add(s);
    }
    eventually("1000 KiB are buffered", () -> b.resourceManager().usage().memory() == 5L * chunk.length);
    Stream sixth = await(a.newStream(b.peerId(), HOLD));
    sixth.write(chunk);
    await(sixth.closeFuture()); // reset by b: 1200 KiB would pass the peer's 1 MiB
    assertThat(b.resourceManager().refusals(Scope.PEER, Resource.MEMORY)).isEqualTo(1);
    assertThat(b.resourceManager().usage().memory()).isEqualTo(5L * chunk.length);
    for (Stream s : full) {
      assertThat(s.closeFuture()).isNotDone();
    }

    // reading gives the memory back
    Stream onB = held.get(0);
    byte[] got = await(onB.readExactly(chunk.length));
    assertThat(got).hasSize(chunk.length);
    eventually("the read bytes are given back", () -> b.resourceManager().usage().memory() == 4L * chunk.length);
  }

  @Test
  void theNodesMemoryLimitHoldsAcrossPeersAndKeepsItsLastQuarterForLightPeers() {
    // node 1 MiB; a peer holding over 256 KiB (a quarter of its 1 MiB) is heavy and may fill the node
    // only to 768 KiB
    Host b = listener(ResourceLimits.defaults().withSystem(8192, 8192, 1 << 20).withPeer(512, 512, 1 << 20));
    Host a = hosts.start();
    Host c = hosts.start();
    Host d = hosts.start();
    connectQuietly(a, b);
    connectQuietly(c, b);
    connectQuietly(d, b);
    byte[] chunk = new byte[200 * 1024];
    List<Stream> fromA = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Stream s = await(a.newStream(b.peerId(), HOLD));
      await(s.write(chunk));
      fromA.add(s);
    }
    eventually("a's bytes are buffered", () -> b.resourceManager().usage().memory() == 3L * chunk.length);
    Stream overA = await(a.newStream(b.peerId(), HOLD));
    overA.write(chunk);
    await(overA.closeFuture()); // a is heavy: 800 KiB would pass the 768 KiB it may fill
    assertThat(b.resourceManager().refusals(Scope.SYSTEM, Resource.MEMORY)).isEqualTo(1);
    eventually("the refused stream's bytes are given back", () -> b.resourceManager().usage().memory() == 3L * chunk.length);

    Stream fromC = await(c.newStream(b.peerId(), HOLD));
    await(fromC.write(chunk));
    eventually("c, light, gets its bytes past 768 KiB", () -> b.resourceManager().usage().memory() == 4L * chunk.length);
    Stream overC = await(c.newStream(b.peerId(), HOLD));
    overC.write(chunk);
    await(overC.closeFuture()); // c grows heavy: refused now
    assertThat(b.resourceManager().refusals(Scope.SYSTEM, Resource.MEMORY)).isEqualTo(2);

    Stream fromD = await(d.newStream(b.peerId(), HOLD));
    await(fromD.write(new byte[100 * 1024]));
    eventually("d, light, still gets in", () -> b.resourceManager().usage().memory() == 4L * chunk.length + 100 * 1024);
    assertThat(b.resourceManager().refusals(Scope.PEER, Resource.MEMORY)).isZero();
    assertThat(b.resourceManager().usage().memory()).isLessThanOrEqualTo(1 << 20);
    for (Stream s : fromA) {
      assertThat(s.closeFuture()).isNotDone();
    }
    assertThat(fromC.closeFuture()).isNotDone();
    assertThat(fromD.closeFuture()).isNotDone();
  }

  @Test
  void everythingIsReturnedWhenStreamsAndConnectionsClose() {
    Host b = listener(ResourceLimits.defaults());
    Host a = hosts.start();
    connectQuietly(a, b);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Stream s = await(a.newStream(b.peerId(), i % 2 == 0 ? HOLD : ECHO));
      writes.add(s.write(new byte[10_000]));
    }
    writes.forEach(TestHosts::await);
    eventually("streams counted", () -> b.resourceManager().usage().inboundStreams() == 20);
    assertThat(b.resourceManager().peerUsage()).singleElement()
        .satisfies(u -> assertThat(u.peer()).isEqualTo(a.peerId()));
    await(a.disconnect(b.peerId()));
    eventually("b has given everything back", () -> {
      ResourceManager.Usage u = b.resourceManager().usage();
      return u.inboundStreams() == 0 && u.outboundStreams() == 0 && u.memory() == 0
          && u.inboundConnections() == 0 && b.resourceManager().peerUsage().isEmpty();
    });
    assertThat(a.resourceManager().usage().outboundStreams()).isZero();
  }

  @Test
  void nonsenseLimitsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> HostConfig.builder().resources(ResourceLimits.defaults().withPeer(1, 1, 2L << 30)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peerMemory");
    assertThatThrownBy(() -> HostConfig.builder()
            .resources(ResourceLimits.defaults().withProtocol("/x/1", new ResourceLimits.ProtocolLimits(1, 0, 1)))
            .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("protocols[/x/1].peerInboundStreams");
  }
}
