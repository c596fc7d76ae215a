package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.protocol.ping.Ping;
import io.serenity.p2p.transport.tcp.TcpConfig;
import io.serenity.p2p.transport.tcp.TcpTransport;
import io.serenity.p2p.upgrade.UpgradedConnection;
import io.serenity.p2p.upgrade.Upgrader;
import io.serenity.p2p.upgrade.UpgraderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class MisbehavingPeerTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  static Socket rawSocket(Host h) throws IOException {
    InetSocketAddress addr = h.listenAddrs().get(0).toTcpSocketAddress();
    Socket s = new Socket(addr.getAddress(), addr.getPort());
    s.setSoTimeout((int) TestHosts.TIMEOUT.toMillis());
    return s;
  }

  /** Reads until the host closes the socket; true when it did (EOF or reset). */
  static boolean closedByRemote(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      for (int i = 0; i < 10_000; i++) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
      return false;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  /** Pings a→b in the background, 30 times in a row on one stream. */
  static CompletableFuture<List<Duration>> backgroundPings(Host a, Host b) {
    return Ping.ping(a, b.peerId(), 30);
  }

  @Test
  void garbageInsteadOfHandshakeClosesOnlyThatConnection() throws IOException {
    Host a = hosts.start();
    Host b = hosts.start();
    await(a.connect(dialAddr(b)));
    CompletableFuture<List<Duration>> pings = backgroundPings(a, b);
    try (Socket raw = rawSocket(b)) {
      // 'G' reads as a 71-byte multistream message that does not end in a newline
      raw.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n"
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      raw.getOutputStream().flush();
      assertThat(closedByRemote(raw)).isTrue();
    }
    assertThat(await(pings)).hasSize(30);
    assertThat(a.connection(b.peerId())).isPresent();
  }

  @Test
  void oversizedMultistreamMessageClosesTheConnection() throws IOException {
    Host b = hosts.start();
    try (Socket raw = rawSocket(b)) {
      // varint 4000: far beyond the 1024-byte multistream limit
      raw.getOutputStream().write(new byte[] {(byte) 0xa0, 0x1f});
      raw.getOutputStream().write(new byte[4000]);
      raw.getOutputStream().flush();
      assertThat(closedByRemote(raw)).isTrue();
    }
  }

  @Test
  void garbageAfterHandshakeClosesOnlyThatConnection() {
    Host a = hosts.start();
    Host b = hosts.start();
    EventRecorder bEvents = new EventRecorder(b);
    await(a.connect(dialAddr(b)));
    CompletableFuture<List<Duration>> pings = backgroundPings(a, b);

    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      PrivateKey key = PrivateKey.generate(KeyType.ED25519);
      HostConfig cfg = HostConfig.defaults();
      Upgrader upgrader =
          new Upgrader(
              key,
              UpgraderConfig.defaults(),
              List.of(Muxers.create(HostConfig.YAMUX, cfg), Muxers.create(HostConfig.MPLEX, cfg)));
      TcpTransport tcp = new TcpTransport(TcpConfig.defaults(), group);
      UpgradedConnection up =
          await(tcp.dial(b.listenAddrs().get(0)).thenCompose(ch -> upgrader.upgradeOutbound(ch, b.peerId())));
      bEvents.await(
          HostEvent.PeerConnected.class,
          e -> e.peer().equals(io.serenity.p2p.core.PeerId.fromPublicKey(key.publicKey())));
      Channel ch = up.channel();
      // bypass Noise: plaintext bytes where an encrypted frame is expected
      ch.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40}));
      assertThat(ch.closeFuture().awaitUninterruptibly(TestHosts.TIMEOUT.toMillis())).isTrue();
      bEvents.await(
          HostEvent.PeerDisconnected.class,
          e -> e.peer().equals(io.serenity.p2p.core.PeerId.fromPublicKey(key.publicKey())));
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    assertThat(await(pings)).hasSize(30);
    assertThat(a.connection(b.peerId())).isPresent();
  }

  @Test
  void oversizedMessageOnAStreamResetsOnlyThatStream() {
    Host a = hosts.start();
    Host b = hosts.start();
    EventRecorder bEvents = new EventRecorder(b);
    b.setStreamHandler("/test/small/1.0.0", s -> s.readMessage(16));
    Connection c = await(a.connect(dialAddr(b)));
    Stream s = await(c.newStream("/test/small/1.0.0"));
    await(s.writeMessage(new byte[100]));
    await(s.closeFuture());
    HostEvent.ProtocolViolation v =
        bEvents.await(HostEvent.ProtocolViolation.class, e -> e.peer().equals(a.peerId()));
    assertThat(v.protocol()).isEqualTo("/test/small/1.0.0");
    assertThat(v.violation()).contains("exceeds the limit of 16");
    assertThat(c.isOpen()).isTrue();
    assertThat(await(a.ping(b.peerId()))).isPositive();
  }

  @Test
  void aStreamResetForTooManyUnreadBytesServesNoneOfThem() {
    // A QUIC stream's window is granted as the socket is read, not as the protocol reads, so the read
    // buffer's limit is what stops a sender (over yamux the stream's window does, over mplex the
    // connection's reads are held: see StreamFlowControlTest)
    Host a = hosts.start(KeyType.SECP256K1, HostConfig.defaults(), "/ip4/127.0.0.1/udp/0/quic-v1");
    Host b = hosts.start(KeyType.SECP256K1,
        HostConfig.builder().maxStreamReadBuffer(64 * 1024).build(), "/ip4/127.0.0.1/udp/0/quic-v1");
    EventRecorder bEvents = new EventRecorder(b);
    CompletableFuture<Stream> unread = new CompletableFuture<>();
    b.setStreamHandler("/test/slow/1.0.0", unread::complete); // reads nothing yet
    Stream s = await(await(a.connect(dialAddr(b))).newStream("/test/slow/1.0.0"));
    for (int i = 0; i < 8; i++) {
      s.writeMessage(new byte[10 * 1024]); // the 7th passes b's 64 KiB read buffer
    }
    await(s.closeFuture());
    HostEvent.ProtocolViolation v =
        bEvents.await(HostEvent.ProtocolViolation.class, e -> e.peer().equals(a.peerId()));
    assertThat(v.violation()).contains("unread bytes");
    // six whole messages were buffered when the limit was passed: none of them is served any more
    assertThat(await(unread).readMessage(16 * 1024))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HostException.class)
        .withMessageContaining("stream reset");
  }

  @Test
  void aResetByTheRemoteDropsItsUnreadBytes() {
    Host a = hosts.start();
    Host b = hosts.start();
    CompletableFuture<Stream> unread = new CompletableFuture<>();
    b.setStreamHandler("/test/slow/1.0.0", unread::complete); // reads nothing yet
    Stream s = await(await(a.connect(dialAddr(b))).newStream("/test/slow/1.0.0"));
    await(s.writeMessage(new byte[100]));
    s.reset();
    Stream inbound = await(unread);
    await(inbound.closeFuture()); // b saw the reset, after the message (one connection, in order)
    assertThat(inbound.readMessage(1024))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(HostException.class)
        .withMessageContaining("stream reset");
  }
}
