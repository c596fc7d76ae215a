package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Varint;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostException;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The RPC stream decoder PubSub's read loop uses ({@link Stream#readMessage} for the uvarint length
 * prefix, then {@link RpcCodec#decode}) gives the same RPC however the bytes are split in transit.
 *
 * <p>Splits are made real: every {@link Stream#write} becomes its own yamux data frame, and the
 * reading stream is handed each frame separately, so a write per byte means the decoder sees the
 * RPC one byte at a time.
 */
@ExtendWith(NettyLeakCheck.class)
class RpcStreamSplitTest {
  private static final String PROTOCOL = "/test/rpc-split/1.0.0";
  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  /** An RPC touching every part of the format: subscriptions, a signed message, every control type. */
  private static Rpc sample(RawPeer author) {
    MessageId id = new MessageId(new byte[] {1, 2, 3, 4});
    return new Rpc(
        List.of(new Rpc.SubOpts(true, "a"), new Rpc.SubOpts(false, "b")),
        List.of(author.signed("a", "payload".getBytes(StandardCharsets.UTF_8))),
        new Rpc.Control(
            List.of(new Rpc.IHave("a", List.of(id))),
            List.of(new Rpc.IWant(List.of(id))),
            List.of(new Rpc.Graft("a")),
            List.of(new Rpc.Prune("b", List.of(new Rpc.PxPeer(new byte[] {9, 9}, null)), 60)),
            List.of(new Rpc.IDontWant(List.of(id)))));
  }

  private static byte[] framed(byte[] rpc) {
    byte[] prefix = Varint.encode(rpc.length);
    byte[] out = Arrays.copyOf(prefix, prefix.length + rpc.length);
    System.arraycopy(rpc, 0, out, prefix.length, rpc.length);
    return out;
  }

  /** A writer host and a reader host joined by one stream of {@link #PROTOCOL}: [writer side, reader side]. */
  private Stream[] pair() {
    Host reader = hosts.start();
    CompletableFuture<Stream> accepted = new CompletableFuture<>();
    reader.setStreamHandler(PROTOCOL, accepted::complete);
    Host writer = hosts.start();
    await(writer.connect(TestHosts.dialAddr(reader)));
    Stream w = await(writer.newStream(reader.peerId(), PROTOCOL));
    return new Stream[] {w, await(accepted)};
  }

  @Test
  void rpcWrittenOneByteAtATimeDecodesToTheSameRpc() {
    RawPeer author = new RawPeer(hosts);
    byte[] encoded = RpcCodec.encode(sample(author));
    byte[] frame = framed(encoded);
    Stream[] p = pair();
    CompletableFuture<byte[]> read = p[1].readMessage(1 << 16);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < frame.length; i++) {
      writes.add(p[0].write(frame, i, 1));
      if (i < frame.length - 1) {
        assertThat(read).as("incomplete after %d of %d bytes", i + 1, frame.length).isNotDone();
      }
    }
    writes.forEach(TestHosts::await);
    Rpc decoded = RpcCodec.decode(await(read), RpcCodec.Limits.defaults());
    assertThat(RpcCodec.encode(decoded)).isEqualTo(encoded);
    assertThat(decoded.subscriptions()).containsExactly(new Rpc.SubOpts(true, "a"), new Rpc.SubOpts(false, "b"));
    assertThat(MessageSigner.checkSigned(decoded.publish().get(0))).isEmpty();
  }

  @Test
  void rpcSplitInTwoAtEveryOffsetDecodesToTheSameRpc() {
    RawPeer author = new RawPeer(hosts);
    byte[] encoded = RpcCodec.encode(sample(author));
    byte[] frame = framed(encoded);
    Stream[] p = pair();
    for (int k = 1; k < frame.length; k++) {
      CompletableFuture<byte[]> read = p[1].readMessage(1 << 16);
      await(p[0].write(frame, 0, k));
      await(p[0].write(frame, k, frame.length - k));
      byte[] got = await(read);
      assertThat(RpcCodec.encode(RpcCodec.decode(got, RpcCodec.Limits.defaults())))
          .as("split at offset %d", k)
          .isEqualTo(encoded);
    }
  }

  @Test
  void pubsubDeliversAMessageWhoseRpcArrivedOneByteAtATime() throws Exception {
    Host host = hosts.start();
    PubSub pubsub = PubSub.floodsub(host, PubSubConfig.defaults());
    try {
      await(pubsub.start());
      CompletableFuture<ReceivedMessage> got = new CompletableFuture<>();
      pubsub.subscribe("a", got::complete);
      RawPeer raw = new RawPeer(hosts);
      Stream s = raw.dial(host);
      byte[] frame = framed(RpcCodec.encode(Rpc.publish(raw.signed("a", "bytewise".getBytes(StandardCharsets.UTF_8)))));
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < frame.length; i++) {
        writes.add(s.write(frame, i, 1));
      }
      writes.forEach(TestHosts::await);
      ReceivedMessage m = got.get(30, TimeUnit.SECONDS);
      assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("bytewise");
      assertThat(m.receivedFrom()).isEqualTo(raw.host.peerId());
    } finally {
      pubsub.close();
    }
  }

  @Test
  void truncatedRpcThrowsPubSubExceptionAtEveryCutAndNeverAnythingElse() {
    RawPeer author = new RawPeer(hosts);
    byte[] encoded = RpcCodec.encode(sample(author));
    int threw = 0;
    for (int cut = 0; cut < encoded.length; cut++) {
      byte[] prefix = Arrays.copyOf(encoded, cut);
      try {
        Rpc r = RpcCodec.decode(prefix, RpcCodec.Limits.defaults());
        // A cut exactly between two top-level fields is a valid, shorter protobuf: it must at least
        // not pass for the whole RPC.
        assertThat(RpcCodec.encode(r)).as("cut at %d", cut).isNotEqualTo(encoded);
      } catch (PubSubException e) {
        threw++;
        assertThat(e).as("cut at %d", cut).hasMessageStartingWith("malformed RPC");
      }
    }
    assertThat(threw).as("most cuts fall inside a field").isGreaterThan(encoded.length / 2);
    // a cut inside the signed message (it follows the subscriptions on the wire)
    Rpc sample = RpcCodec.decode(encoded, RpcCodec.Limits.defaults());
    int messageStart = RpcCodec.encode(new Rpc(sample.subscriptions(), List.of(), null)).length;
    byte[] mid = Arrays.copyOf(encoded, messageStart + 20);
    assertThatThrownBy(() -> RpcCodec.decode(mid, RpcCodec.Limits.defaults()))
        .isInstanceOf(PubSubException.class)
        .hasMessageContaining("malformed RPC")
        .hasMessageContaining("truncated");
  }

  @Test
  void streamEndingInsideAFrameFailsTheReadClearly() throws Exception {
    RawPeer author = new RawPeer(hosts);
    byte[] frame = framed(RpcCodec.encode(sample(author)));
    Stream[] p = pair();
    CompletableFuture<byte[]> read = p[1].readMessage(1 << 16);
    await(p[0].write(frame, 0, frame.length - 1));
    await(p[0].closeWrite());
    assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HostException.class)
        .hasMessageContaining("stream closed by remote before a complete read");
  }
}
