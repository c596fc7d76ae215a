package io.serenity.p2p.pubsub;

import static io.serenity.p2p.host.TestHosts.await;

import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.host.TestHosts;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a host that speaks floodsub by hand (no {@link PubSub} of its own), so a test
 * controls exactly which bytes reach the pubsub under test and sees exactly what it sends.
 */
final class RawPeer {
  final Host host;
  /** Streams the pubsub under test opened to us, in arrival order; nobody reads them unless a test does. */
  private final BlockingQueue<Stream> inbound = new LinkedBlockingQueue<>();
  private long seqno;

  RawPeer(TestHosts hosts) {
    this.host = hosts.start();
    host.setStreamHandler(FloodSubRouter.PROTOCOL_ID, inbound::add);
  }

  /** Connects to {@code target} and opens our own floodsub stream to it. */
  Stream dial(Host target) {
    await(host.connect(TestHosts.dialAddr(target)));
    return await(host.newStream(target.peerId(), FloodSubRouter.PROTOCOL_ID));
  }

  /** The next stream the pubsub under test opened to us. */
  Stream awaitInbound() throws InterruptedException {
    Stream s = inbound.poll(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (s == null) {
      throw new AssertionError("the pubsub under test opened no stream to the raw peer");
    }
    return s;
  }

  /** A message on {@code topic} signed by us with a fresh seqno (StrictSign). */
  PubSubMessage signed(String topic, byte[] data) {
    return MessageSigner.sign(host.privateKey(), topic, data, ++seqno);
  }

  /** Writes one length-prefixed RPC and waits until the muxer took it. */
  static void send(Stream s, Rpc rpc) {
    await(s.writeMessage(RpcCodec.encode(rpc)));
  }

  /**
   * Subscribes to {@code marker} on {@code s} and waits until {@code target} saw it. The target
   * reads one stream in order and handles its RPCs in order on one thread, so every RPC sent on
   * {@code s} before the marker has been handled by then.
   */
  static void sync(Stream s, PubSub target, String marker) {
    send(s, new Rpc(java.util.List.of(new Rpc.SubOpts(true, marker)), java.util.List.of(), null));
    await(target.whenPeers(marker, 1));
  }
}
