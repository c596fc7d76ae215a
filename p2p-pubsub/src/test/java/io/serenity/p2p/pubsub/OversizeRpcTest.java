package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostEvent;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Size limits on what a peer sends: {@code maxRpcSize} per frame, {@code maxMessageSize} per message. */
@ExtendWith(NettyLeakCheck.class)
class OversizeRpcTest {
  private static final String TOPIC = "t";
  private static final int MAX_MESSAGE = 1024;

  private final TestHosts hosts = new TestHosts();
  private Host host;
  private PubSub pubsub;
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final CountDownLatch one = new CountDownLatch(1);

  @BeforeEach
  void start() {
    host = hosts.start();
    pubsub = PubSub.floodsub(host, PubSubConfig.defaults().withMaxMessageSize(MAX_MESSAGE));
    await(pubsub.start());
    pubsub.subscribe(TOPIC, m -> {
      delivered.add(new String(m.data(), StandardCharsets.UTF_8));
      one.countDown();
    });
  }

  @AfterEach
  void close() {
    pubsub.close();
    hosts.close();
  }

  private static byte[] bytes(char c, int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) c);
    return b;
  }

  @Test
  void rpcFrameAboveMaxRpcSizeResetsTheStreamAndDeliversNothingFromIt() throws Exception {
    RawPeer raw = new RawPeer(hosts);
    CompletableFuture<HostEvent.ProtocolViolation> violation = new CompletableFuture<>();
    host.addListener(e -> {
      if (e instanceof HostEvent.ProtocolViolation v && v.peer().equals(raw.host.peerId())) {
        violation.complete(v);
      }
    });
    Stream s = raw.dial(host);
    // Every message on its own is fine; together they exceed maxRpcSize (maxMessageSize + 64 KiB).
    List<PubSubMessage> many = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      many.add(raw.signed(TOPIC, bytes('o', 1000)));
    }
    byte[] frame = RpcCodec.encode(new Rpc(List.of(), many, null));
    int maxRpc = PubSubConfig.defaults().withMaxMessageSize(MAX_MESSAGE).maxRpcSize();
    assertThat(frame.length).isGreaterThan(maxRpc);
    s.writeMessage(frame); // may fail once the reset arrives mid-write; the outcome is checked below

    HostEvent.ProtocolViolation v = await(violation);
    assertThat(v.protocol()).isEqualTo(FloodSubRouter.PROTOCOL_ID);
    assertThat(v.violation()).contains("exceeds the limit of " + maxRpc);
    s.closeFuture().get(30, TimeUnit.SECONDS); // the stream was reset

    // The peer can still talk on a new stream; only that message is ever delivered.
    Stream again = await(raw.host.newStream(host.peerId(), FloodSubRouter.PROTOCOL_ID));
    RawPeer.send(again, Rpc.publish(raw.signed(TOPIC, "fine".getBytes(StandardCharsets.UTF_8))));
    assertThat(one.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(delivered).containsExactly("fine");
    assertThat(pubsub.stats().get(TOPIC).received()).as("the oversized frame was never decoded").isEqualTo(1);
  }

  @Test
  void aFrameThatIsNotAnRpcResetsTheStreamAndNothingAfterItOnThatStreamIsRead() throws Exception {
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    // field 2 (publish) as a length-delimited field that claims more bytes than the frame holds
    s.writeMessage(new byte[] {0x12, 0x7f, 0x01});
    s.writeMessage(RpcCodec.encode(Rpc.publish(raw.signed(TOPIC, "lost".getBytes(StandardCharsets.UTF_8)))));
    s.closeFuture().get(30, TimeUnit.SECONDS); // reset by the receiver

    Stream again = await(raw.host.newStream(host.peerId(), FloodSubRouter.PROTOCOL_ID));
    RawPeer.send(again, Rpc.publish(raw.signed(TOPIC, "fine".getBytes(StandardCharsets.UTF_8))));
    assertThat(one.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(delivered).containsExactly("fine");
    assertThat(pubsub.stats().get(TOPIC).received()).as("nothing after the bad frame was read").isEqualTo(1);
  }

  @Test
  void maxRpcSizeAboveTheHostsStreamReadBufferIsRefusedAtCreation() {
    int readBuffer = host.config().maxStreamReadBuffer();
    // Such a pubsub could never read an RPC (Stream.readMessage refuses reads above the buffer):
    // refuse it up front instead of receiving nothing, silently.
    // an RPC limit one byte below the buffer: the frame with its length prefix still does not fit
    PubSubConfig tooBig = PubSubConfig.defaults().withMaxMessageSize(readBuffer - (64 << 10) - 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PubSub.floodsub(host, tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxStreamReadBuffer (" + readBuffer + ")");
    Host roomy = hosts.start(io.serenity.p2p.crypto.KeyType.SECP256K1,
        io.serenity.p2p.host.HostConfig.defaults().toBuilder().maxStreamReadBuffer(tooBig.maxRpcSize() + 4).build());
    PubSub.floodsub(roomy, tooBig).close();
  }

  @Test
  void messageAboveMaxMessageSizeInANormalRpcIsDroppedAndCounted() throws Exception {
    RawPeer raw = new RawPeer(hosts);
    Stream s = raw.dial(host);
    RawPeer.send(s, Rpc.publish(raw.signed(TOPIC, bytes('b', MAX_MESSAGE + 1))));
    RawPeer.send(s, Rpc.publish(raw.signed(TOPIC, "fine".getBytes(StandardCharsets.UTF_8))));
    assertThat(one.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(delivered).containsExactly("fine");
    TopicCounters.Snapshot c = pubsub.stats().get(TOPIC);
    assertThat(c.received()).isEqualTo(2);
    assertThat(c.dropped()).isEqualTo(1);
    assertThat(c.validated()).isEqualTo(1);
    assertThat(s.closeFuture()).as("a too-large message is dropped, the stream stays up").isNotDone();
  }
}
