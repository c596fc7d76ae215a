package io.serenity.p2p.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.mux.MuxedStream;
import io.serenity.p2p.mux.MuxedStreamHandler;
import io.serenity.p2p.upgrade.UpgradedConnection;
import java.io.ByteArrayOutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuicTransportTest {

  private static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/udp/0/quic-v1");

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<QuicTransport> transports = new ArrayList<>();
  private final List<UpgradedConnection> accepted = new CopyOnWriteArrayList<>();
  private final CompletableFuture<UpgradedConnection> firstAccepted = new CompletableFuture<>();
  private final CompletableFuture<Throwable> firstAcceptFailure = new CompletableFuture<>();

  @AfterEach
  void close() {
    for (QuicTransport t : transports) {
      t.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private QuicTransport transport(PrivateKey key, QuicConfig config) {
    QuicTransport t = new QuicTransport(key, config, group);
    transports.add(t);
    return t;
  }

  /** A listener whose inbound connections echo every stream; returns its dialable address. */
  private Multiaddr listenEcho(QuicTransport t) {
    return await(t.listen(LOOPBACK, in -> in.upgraded().whenComplete((c, e) -> {
      if (e != null) {
        firstAcceptFailure.complete(e);
        return;
      }
      accepted.add(c);
      firstAccepted.complete(c);
      c.muxed().setInboundStreamAcceptor(QuicTransportTest::echo);
    })));
  }

  private static void echo(MuxedStream s) {
    s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        stream.write(data);
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        stream.closeWrite();
      }
    });
  }

  /** Writes {@code data}, half-closes, and completes with everything echoed until the remote's FIN. */
  private static CompletableFuture<byte[]> roundTrip(MuxedStream s, byte[] data) {
    CompletableFuture<byte[]> echoed = new CompletableFuture<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf b) {
        byte[] chunk = new byte[b.readableBytes()];
        b.readBytes(chunk);
        b.release();
        got.writeBytes(chunk);
      }

      @Override
      public void onRemoteClose(MuxedStream stream) {
        echoed.complete(got.toByteArray());
      }

      @Override
      public void onReset(MuxedStream stream) {
        echoed.completeExceptionally(new AssertionError("stream " + stream.id() + " was reset"));
      }
    });
    s.write(Unpooled.wrappedBuffer(data)).thenCompose(v -> s.closeWrite())
        .exceptionally(e -> {
          echoed.completeExceptionally(e);
          return null;
        });
    return echoed;
  }

  @Test
  void bothSidesAuthenticateEachOther() {
    PrivateKey serverKey = PrivateKey.generate(KeyType.ED25519);
    PrivateKey clientKey = PrivateKey.generate(KeyType.SECP256K1);
    QuicTransport server = transport(serverKey, QuicConfig.defaults());
    QuicTransport client = transport(clientKey, QuicConfig.defaults());
    Multiaddr addr = listenEcho(server);
    assertThat(addr.toString()).startsWith("/ip4/127.0.0.1/udp/").endsWith("/quic-v1");

    UpgradedConnection c = await(client.dial(addr, PeerId.fromPublicKey(serverKey.publicKey())));
    assertThat(c.remotePeer()).isEqualTo(PeerId.fromPublicKey(serverKey.publicKey()));
    assertThat(c.remotePublicKey()).isEqualTo(serverKey.publicKey());
    assertThat(c.initiator()).isTrue();
    assertThat(c.remoteAddr()).isEqualTo(addr);
    assertThat(c.muxed().protocolId()).isEqualTo(QuicMuxedConnection.PROTOCOL_ID);

    UpgradedConnection in = await(firstAccepted);
    assertThat(in.remotePeer()).isEqualTo(PeerId.fromPublicKey(clientKey.publicKey()));
    assertThat(in.initiator()).isFalse();
    assertThat(in.remoteAddr().toString()).endsWith("/udp/" + port(c.localAddr()) + "/quic-v1");
  }

  @Test
  void aStreamEchoesAndHalfCloses() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    Multiaddr addr = listenEcho(server);
    UpgradedConnection c = await(client.dial(addr, null));
    byte[] data = new byte[3 << 20];
    new Random(1).nextBytes(data);
    MuxedStream s = await(c.muxed().openStream());
    assertThat(s.isInitiator()).isTrue();
    assertThat(await(roundTrip(s, data))).isEqualTo(data);
    await(s.closeFuture());
    awaitCondition(() -> c.muxed().streamCount() == 0);
  }

  @Test
  void aConnectionStartsWithTheConfiguredCongestionWindow() throws Exception {
    // quiche starts at 10 packets; ours at 32 unless configured. The window after the handshake is the
    // first window plus what slow start added for the handshake's few acked packets.
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport wide = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport narrow = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withInitialCongestionWindowPackets(10));
    Multiaddr addr = listenEcho(server);
    long wideCwnd = cwnd(await(wide.dial(addr, null)));
    long narrowCwnd = cwnd(await(narrow.dial(addr, null)));
    assertThat(wideCwnd).isGreaterThanOrEqualTo(32L * 1200);
    assertThat(narrowCwnd).isLessThan(32L * 1200);
    assertThatThrownBy(() -> QuicConfig.defaults().withInitialCongestionWindowPackets(1).validate())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialCongestionWindowPackets");
  }

  private static long cwnd(UpgradedConnection c) throws Exception {
    return ((QuicMuxedConnection) c.muxed()).channel().collectPathStats(0).get(5, TimeUnit.SECONDS).cwnd();
  }

  @Test
  void manyConcurrentStreams() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    UpgradedConnection c = await(client.dial(listenEcho(server), null));
    List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] data = new byte[16 * 1024 + i];
      new Random(i).nextBytes(data);
      sent.add(data);
      echoes.add(c.muxed().openStream().thenCompose(s -> roundTrip(s, data)));
    }
    for (int i = 0; i < echoes.size(); i++) {
      assertThat(await(echoes.get(i))).isEqualTo(sent.get(i));
    }
  }

  @Test
  void opensBeyondThePeersStreamLimitWaitForCredit() {
    int limit = 4;
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults().withMaxStreams(limit));
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    List<MuxedStream> inbound = new CopyOnWriteArrayList<>();
    Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
        c.muxed().setInboundStreamAcceptor(s -> {
          maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          s.closeFuture().whenComplete((v, e) -> open.decrementAndGet());
          inbound.add(s);
          echo(s);
        }))));
    UpgradedConnection c = await(client.dial(addr, null));
    List<CompletableFuture<MuxedStream>> opens = new ArrayList<>();
    for (int i = 0; i < 3 * limit; i++) {
      opens.add(c.muxed().openStream());
    }
    // the first `limit` open at once; the rest wait for the server to grant more
    for (int i = 0; i < limit; i++) {
      await(opens.get(i));
    }
    for (int i = limit; i < opens.size(); i++) {
      assertThat(opens.get(i)).isNotDone();
    }
    // finishing streams (both FINs) gives credit back, and the waiting opens go on, never above the limit
    List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
    for (CompletableFuture<MuxedStream> f : opens) {
      echoes.add(f.thenCompose(s -> roundTrip(s, new byte[] {1, 2, 3})));
    }
    for (CompletableFuture<byte[]> e : echoes) {
      assertThat(await(e)).containsExactly(1, 2, 3);
    }
    assertThat(inbound).hasSize(3 * limit);
    assertThat(maxOpen.get()).isLessThanOrEqualTo(limit);
  }

  @Test
  void ourFinSurvivesTheAckOfOurLastBytesArrivingRightAfterThePeersFin() throws Exception {
    EventLoopGroup serverLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CountDownLatch releaseServer = new CountDownLatch(1);
    CountDownLatch releaseClient = new CountDownLatch(1);
    try {
      QuicTransport server = new QuicTransport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults(), serverLoop);
      QuicTransport client = new QuicTransport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults(), clientLoop);
      transports.add(server);
      transports.add(client);
      CompletableFuture<Void> serverHeld = new CompletableFuture<>();
      AtomicBoolean serverSawReset = new AtomicBoolean();
      Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
          c.muxed().setInboundStreamAcceptor(s -> s.setHandler(new MuxedStreamHandler() {
            @Override
            public void onData(MuxedStream stream, ByteBuf data) {
              stream.write(data);
              // runs after this read batch, so after the echo went out: hold the server's loop
              ((QuicMuxedStream) stream).channel().eventLoop().execute(() -> {
                serverHeld.complete(null);
                awaitLatch(releaseServer);
              });
            }

            @Override
            public void onRemoteClose(MuxedStream stream) {
              stream.closeWrite();
            }

            @Override
            public void onReset(MuxedStream stream) {
              serverSawReset.set(true);
            }
          })))));
      UpgradedConnection c = await(client.dial(addr, null));
      QuicMuxedStream s = (QuicMuxedStream) await(c.muxed().openStream());
      CompletableFuture<Void> echoed = new CompletableFuture<>();
      CompletableFuture<Void> serverFin = new CompletableFuture<>();
      s.setHandler(new MuxedStreamHandler() {
        @Override
        public void onData(MuxedStream stream, ByteBuf data) {
          data.release();
          echoed.complete(null);
        }

        @Override
        public void onRemoteClose(MuxedStream stream) {
          serverFin.complete(null);
        }

        @Override
        public void onReset(MuxedStream stream) {
          serverFin.completeExceptionally(new AssertionError("stream was reset"));
        }
      });
      // the client's loop sends the data and then stays held, so the echo waits unread
      CompletableFuture<Void> clientHeld = new CompletableFuture<>();
      s.channel().eventLoop().execute(() -> {
        s.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        clientHeld.complete(null);
        awaitLatch(releaseClient);
      });
      await(clientHeld);
      await(serverHeld); // the server echoed and is held: the echo is on its way to the client
      // queued behind the hold: the client's FIN goes out before the client reads the echo, so
      // the FIN's packet does not acknowledge it; the ACK follows once the echo is read
      CompletableFuture<Void> finSent = s.closeWrite();
      releaseClient.countDown();
      await(finSent);
      await(echoed);
      // a task after the read batch that delivered the echo: the ACK went out at that batch's end
      await(CompletableFuture.runAsync(() -> {}, s.channel().eventLoop()));
      releaseServer.countDown();
      assertThat(serverFin).as("the server's FIN").succeedsWithin(Duration.ofSeconds(10));
      await(s.closeFuture());
      assertThat(serverSawReset).as("the server's stream ended with both FINs, not a reset").isFalse();
    } finally {
      releaseServer.countDown();
      releaseClient.countDown();
      for (QuicTransport t : transports) {
        t.close();
      }
      transports.clear();
      serverLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      clientLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void pausingReadsStopsThePeerThroughFlowControlUntilResumed() {
    int window = 64 * 1024;
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withWindows(window, 64L * window));
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    AtomicInteger inboundCount = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    CompletableFuture<MuxedStream> paused = new CompletableFuture<>();
    Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
        c.muxed().setInboundStreamAcceptor(s -> {
          if (inboundCount.getAndIncrement() > 0) {
            echo(s); // the streams that show time passing
            return;
          }
          s.setHandler(new MuxedStreamHandler() {
            @Override
            public void onData(MuxedStream stream, ByteBuf data) {
              received.addAndGet(data.readableBytes());
              data.release();
              if (!paused.isDone()) {
                stream.setReadPaused(true);
                paused.complete(stream);
              }
            }
          });
        }))));
    UpgradedConnection c = await(client.dial(addr, null));
    MuxedStream s = await(c.muxed().openStream());
    int chunk = 16 * 1024;
    int total = 16 * window;
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int off = 0; off < total; off += chunk) {
      writes.add(s.write(Unpooled.wrappedBuffer(new byte[chunk])));
    }
    MuxedStream serverSide = await(paused);
    // round trips on other streams of the connection: were the paused stream still read, its
    // window would come back and the client would send on within a round trip or two
    for (int i = 0; i < 20; i++) {
      byte[] back = await(c.muxed().openStream().thenCompose(e -> roundTrip(e, new byte[] {1})));
      assertThat(back).containsExactly(1);
    }
    assertThat(received.get()).isLessThanOrEqualTo(2L * window);
    assertThat(writes.get(writes.size() - 1)).isNotDone();
    serverSide.setReadPaused(false);
    await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
    awaitCondition(() -> received.get() == total);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void streamsResetByThePeerGiveTheirCreditBack() {
    int limit = 4;
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults().withMaxStreams(limit));
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
        c.muxed().setInboundStreamAcceptor(s -> s.setHandler(new MuxedStreamHandler() {
          @Override
          public void onData(MuxedStream stream, ByteBuf data) {
            data.release();
            stream.reset();
          }
        })))));
    UpgradedConnection c = await(client.dial(addr, null));
    // five times the limit, one after another: each stream is reset by the server
    for (int i = 0; i < 5 * limit; i++) {
      MuxedStream s = await(c.muxed().openStream());
      CompletableFuture<Void> reset = new CompletableFuture<>();
      s.setHandler(new MuxedStreamHandler() {
        @Override
        public void onData(MuxedStream stream, ByteBuf data) {
          data.release();
        }

        @Override
        public void onReset(MuxedStream stream) {
          reset.complete(null);
        }
      });
      await(s.write(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
      await(reset);
      await(s.closeFuture());
    }
    awaitCondition(() -> c.muxed().streamCount() == 0);
  }

  @Test
  void aDialToTheWrongPeerIdFails() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    Multiaddr addr = listenEcho(server);
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    assertThatThrownBy(() -> client.dial(addr, someoneElse).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining(someoneElse.toString());
    assertThat(await(firstAcceptFailure)).isNotNull();
    assertThat(accepted).isEmpty();
  }

  @Test
  void aRetryMakesTheClientProveItsAddressAndTheHandshakeStillSucceeds() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withRetryAbovePerSecond(0));
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    UpgradedConnection c = await(client.dial(listenEcho(server), null));
    assertThat(server.retriesSent()).isGreaterThanOrEqualTo(1);
    assertThat(server.invalidTokens()).isZero();
    byte[] echoed = await(c.muxed().openStream().thenCompose(s -> roundTrip(s, new byte[] {7})));
    assertThat(echoed).containsExactly(7);
  }

  @Test
  void belowTheRateThereIsNoRetry() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    await(client.dial(listenEcho(server), null));
    assertThat(server.retriesSent()).isZero();
  }

  /**
   * An attacker sends one Initial with a spoofed source address: the listener answers the victim address,
   * and before that address is validated it may send it at most three times what it received from it
   * (RFC 9000 section 8.1), retransmissions included. The client's first datagram is relayed from the
   * victim socket, which never answers; what the listener sends the victim until its handshake timeout
   * ends the attempt is counted.
   */
  @Test
  void beforeTheAddressIsValidatedTheListenerSendsAtMostThreeTimesWhatItReceived() throws Exception {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(4)));
    Multiaddr serverAddr = listenEcho(server);
    InetSocketAddress serverSocket = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        serverAddr.toQuicSocketAddress().getPort());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(1)));
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
         DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletableFuture<UpgradedConnection> dial = client.dial(
          Multiaddr.quic(new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.getLocalPort())), null);
      byte[] buf = new byte[2048];
      java.net.DatagramPacket initial = new java.net.DatagramPacket(buf, buf.length);
      relay.setSoTimeout(10_000);
      relay.receive(initial);
      int received = initial.getLength();
      victim.send(new java.net.DatagramPacket(buf, received, serverSocket));

      // Everything the listener sends the victim, until it gives the attempt up (its handshake timeout is
      // 4 s; quiche's first probe timeouts fall at about 1 s and 3 s, so an unbounded listener would resend).
      long sent = 0;
      List<Integer> sizes = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
      byte[] in = new byte[65_536];
      while (System.nanoTime() < deadline) {
        victim.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        java.net.DatagramPacket p = new java.net.DatagramPacket(in, in.length);
        try {
          victim.receive(p);
        } catch (java.net.SocketTimeoutException e) {
          break;
        }
        sent += p.getLength();
        sizes.add(p.getLength());
      }
      System.out.printf("amplification: received %d bytes, answered %d bytes (%.2fx) in datagrams of %s bytes%n",
          received, sent, (double) sent / received, sizes);
      assertThat(received).as("the client's Initial is padded to at least 1200 bytes").isGreaterThanOrEqualTo(1200);
      assertThat(sent).as("the listener answered the spoofed Initial").isPositive();
      assertThat(sent).as("bytes sent to an unvalidated address").isLessThanOrEqualTo(3L * received);
      dial.cancel(true);
    }
  }

  @Test
  void aSilentPeerFailsTheDialAfterTheHandshakeTimeout() throws Exception {
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519),
        QuicConfig.defaults().withHandshakeTimeout(Duration.ofMillis(300)));
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Multiaddr addr = Multiaddr.quic(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()));
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.dial(addr, null).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void closingTheConnectionResetsItsStreamsOnBothSides() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    CompletableFuture<MuxedStream> inbound = new CompletableFuture<>();
    CompletableFuture<Void> serverSawReset = new CompletableFuture<>();
    Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
        c.muxed().setInboundStreamAcceptor(s -> {
          inbound.complete(s);
          s.setHandler(new MuxedStreamHandler() {
            @Override
            public void onData(MuxedStream stream, ByteBuf data) {
              data.release();
            }

            @Override
            public void onReset(MuxedStream stream) {
              serverSawReset.complete(null);
            }
          });
        }))));
    UpgradedConnection c = await(client.dial(addr, null));
    MuxedStream s = await(c.muxed().openStream());
    CompletableFuture<Void> clientSawReset = new CompletableFuture<>();
    s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        data.release();
      }

      @Override
      public void onReset(MuxedStream stream) {
        clientSawReset.complete(null);
      }
    });
    await(s.write(Unpooled.wrappedBuffer(new byte[] {1})));
    await(inbound);
    c.muxed().close();
    await(clientSawReset);
    await(serverSawReset);
    await(c.muxed().closeFuture());
    assertThatThrownBy(() -> c.muxed().openStream().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void aResetReachesThePeer() {
    QuicTransport server = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    QuicTransport client = transport(PrivateKey.generate(KeyType.ED25519), QuicConfig.defaults());
    Multiaddr addr = await(server.listen(LOOPBACK, in -> in.upgraded().thenAccept(c ->
        c.muxed().setInboundStreamAcceptor(s -> s.setHandler(new MuxedStreamHandler() {
          @Override
          public void onData(MuxedStream stream, ByteBuf data) {
            data.release();
            stream.reset();
          }
        })))));
    UpgradedConnection c = await(client.dial(addr, null));
    MuxedStream s = await(c.muxed().openStream());
    CompletableFuture<Void> clientSawReset = new CompletableFuture<>();
    s.setHandler(new MuxedStreamHandler() {
      @Override
      public void onData(MuxedStream stream, ByteBuf data) {
        data.release();
      }

      @Override
      public void onReset(MuxedStream stream) {
        clientSawReset.complete(null);
      }
    });
    await(s.write(Unpooled.wrappedBuffer(new byte[] {1})));
    await(clientSawReset);
    await(s.closeFuture());
    // the connection lives on
    assertThat(c.channel().isOpen()).isTrue();
    assertThat(await(c.muxed().openStream()).id()).isNotEqualTo(s.id());
  }

  private static int port(Multiaddr quic) {
    return quic.toQuicSocketAddress().getPort();
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Polls, every millisecond, a count that event-loop callbacks change; at most 30 s. */
  static void awaitCondition(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
