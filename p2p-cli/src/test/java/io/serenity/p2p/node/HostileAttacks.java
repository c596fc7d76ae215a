package io.serenity.p2p.node;

import com.google.protobuf.ByteString;
import io.netty.channel.EventLoopGroup;
import io.serenity.p2p.core.Varint;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.HostileAccess;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.node.Hostile.Attack;
import io.serenity.p2p.node.Hostile.Count;
import io.serenity.p2p.node.Hostile.Target;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.PubSub;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.internal.pb.RpcProtos;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The attacks of the hostile-peer suite. Every loop is bounded in count and time. */
final class HostileAttacks {

  static final String MESHSUB = "/meshsub/1.1.0";
  static final String PING = "/ipfs/ping/1.0.0";
  static final byte[] MULTISTREAM_HEADER = "\u0013/multistream/1.0.0\n".getBytes(StandardCharsets.US_ASCII);

  private HostileAttacks() {}

  /** Attack threads stop at this point or when closed, whichever is first. */
  abstract static class Threads implements Attack {
    final List<Thread> threads = new ArrayList<>();
    volatile boolean stop;
    long deadline;

    void spawn(int n, String name, Runnable body) {
      deadline = System.nanoTime() + window().toNanos() + TimeUnit.SECONDS.toNanos(1);
      for (int i = 0; i < n; i++) {
        Thread t = new Thread(body, "attack-" + name + "-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    boolean running() {
      return !stop && System.nanoTime() < deadline;
    }

    @Override
    public void close() {
      stop = true;
      for (Thread t : threads) {
        t.interrupt();
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Connections that send {@code prefix} then garbage; the node must close each. */
  static final class Garbage extends Threads {
    private final String name;
    private final byte[] prefix;
    final Count connections = new Count();
    final Count closedByNode = new Count();

    Garbage(String name, byte[] prefix) {
      this.name = name;
      this.prefix = prefix;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      spawn(4, "garbage", () -> {
        Random r = new Random();
        for (int i = 0; i < 2000 && running(); i++) {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", t.port), 2000);
            s.setSoTimeout(3000);
            connections.inc();
            byte[] junk = new byte[512];
            r.nextBytes(junk);
            OutputStream out = s.getOutputStream();
            out.write(prefix);
            out.write(junk);
            out.flush();
            if (closedByRemote(s)) {
              closedByNode.inc();
            }
          } catch (IOException e) {
            closedByNode.inc(); // reset by the node
          }
        }
      });
    }

    @Override
    public Boolean throttled(Target t) {
      return closedByNode.get() > 0;
    }

    @Override
    public String throttleSign() {
      return "connection closed by the node";
    }

    @Override
    public String detail() {
      return connections.get() + " connections, " + closedByNode.get() + " closed by the node";
    }
  }

  /** True when the remote closed or reset the socket before the read timeout. */
  static boolean closedByRemote(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Many connections that each send a valid start very slowly (slowloris), or stall after the
   * first Noise message: the handshake timeout (10 s) must cut them and free their slots.
   */
  static final class Stall extends Threads {
    private final boolean noise;
    final Count cut = new Count();
    final Count opened = new Count();

    Stall(boolean noise) {
      this.noise = noise;
    }

    @Override
    public String name() {
      return noise ? "stalled Noise handshake (60 connections)" : "slowloris (60 connections, 1 byte/s)";
    }

    @Override
    public Duration window() {
      return Duration.ofSeconds(14);
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      spawn(1, "stall", () -> {
        List<Socket> sockets = new ArrayList<>();
        try {
          for (int i = 0; i < 60 && running(); i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", t.port), 2000);
            s.setSoTimeout(1);
            sockets.add(s);
            opened.inc();
            if (noise) {
              OutputStream out = s.getOutputStream();
              out.write(MULTISTREAM_HEADER);
              out.write("\u0007/noise\n".getBytes(StandardCharsets.US_ASCII));
              byte[] e = new byte[32];
              new Random().nextBytes(e);
              out.write(new byte[] {0, 32});
              out.write(e);
              out.flush();
            }
          }
          int sent = 0;
          while (running() && !sockets.isEmpty()) {
            for (Socket s : new ArrayList<>(sockets)) {
              boolean gone;
              try {
                if (!noise && sent < MULTISTREAM_HEADER.length) {
                  s.getOutputStream().write(MULTISTREAM_HEADER[sent]);
                }
                gone = s.getInputStream().read(new byte[1024]) < 0;
              } catch (java.net.SocketTimeoutException e) {
                gone = false;
              } catch (IOException e) {
                gone = true;
              }
              if (gone) {
                cut.inc();
                sockets.remove(s);
                closeQuietly(s);
              }
            }
            sent++;
            Thread.sleep(1000); // the attack's own pace: one byte a second
          }
        } catch (IOException | InterruptedException e) {
          // stopped
        } finally {
          sockets.forEach(HostileAttacks::closeQuietly);
        }
      });
    }

    @Override
    public Boolean throttled(Target t) {
      return cut.get() > 0;
    }

    @Override
    public String throttleSign() {
      return "connections cut by the node";
    }

    @Override
    public String detail() {
      return opened.get() + " connections, " + cut.get() + " cut";
    }
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  /** An attacker with a real identity, connected to the target; subclasses misbehave on streams. */
  abstract static class Peer extends Threads {
    final List<Host> hosts = new CopyOnWriteArrayList<>();
    final Count disconnected = new Count();

    Host attacker(EventLoopGroup group, Target t) {
      Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group)
          .listen("/ip4/127.0.0.1/tcp/0").build();
      // look like a gossipsub peer so the target opens its pubsub stream to us; drain it
      h.setStreamHandler(MESHSUB, s -> s.receive((st, data) -> onFromTarget(data)));
      Hostile.await(h.start());
      hosts.add(h);
      Connection c = Hostile.await(h.connect(t.addr));
      c.closeFuture().thenRun(this::onDisconnected);
      return h;
    }

    void onFromTarget(java.nio.ByteBuffer data) {}

    /** Counts a disconnect the node made (not one of ours when the attack stops). */
    void onDisconnected() {
      if (!stop) {
        disconnected.inc();
      }
    }

    /** Counts a stream the node reset or closed (not one of ours when the attack stops). */
    Runnable ifNodeDid(Count c) {
      return () -> {
        if (!stop) {
          c.inc();
        }
      };
    }

    @Override
    public void close() {
      super.close();
      hosts.forEach(Host::close);
    }
  }

  /** Opens streams as fast as the node lets it and never closes them. */
  static final class StreamFlood extends Peer {
    final Count opened = new Count();
    final Count refused = new Count();

    @Override
    public String name() {
      return "stream flood (ping streams held open)";
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      Host h = attacker(group, t);
      spawn(1, "streams", () -> {
        Semaphore inFlight = new Semaphore(64);
        for (int i = 0; i < 5000 && running(); i++) {
          try {
            inFlight.acquire();
          } catch (InterruptedException e) {
            return;
          }
          h.newStream(t.id, PING).whenComplete((s, e) -> {
            inFlight.release();
            if (e != null) {
              refused.inc();
            } else {
              opened.inc();
              s.closeFuture().thenRun(ifNodeDid(refused));
            }
          });
        }
      });
    }

    @Override
    public Boolean throttled(Target t) {
      return t.metric("libp2p_rcmgr_refusals_total", "resource=\"inbound_streams\"") > 0;
    }

    @Override
    public String throttleSign() {
      return "libp2p_rcmgr_refusals_total{resource=inbound_streams} > 0";
    }

    @Override
    public String detail() {
      return opened.get() + " opened, " + refused.get() + " refused or reset";
    }
  }

  /** Opens a stream and resets it at once, over and over. */
  static final class OpenResetChurn extends Peer {
    final Count cycles = new Count();

    @Override
    public String name() {
      return "stream open/reset churn";
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      Host h = attacker(group, t);
      spawn(1, "churn", () -> {
        Semaphore inFlight = new Semaphore(32);
        for (int i = 0; i < 100_000 && running(); i++) {
          try {
            inFlight.acquire();
          } catch (InterruptedException e) {
            return;
          }
          h.newStream(t.id, PING).whenComplete((s, e) -> {
            inFlight.release();
            if (s != null) {
              s.reset();
              cycles.inc();
            }
          });
        }
      });
    }

    @Override
    public String detail() {
      return cycles.get() + " streams opened and reset";
    }
  }

  /**
   * Peers that open many pubsub streams and send on each the start of a large RPC, never its end:
   * each stream holds its bytes unread. The peer's and the node's memory limits must refuse them.
   */
  static final class PartialRpcFlood extends Peer {
    final Count streams = new Count();
    final Count reset = new Count();

    @Override
    public String name() {
      return "partial-RPC memory flood (8 peers x 16 streams x 600 KiB; limits 24 MiB, 4 MiB per peer)";
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      List<Host> hs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        hs.add(attacker(group, t));
      }
      byte[] prefix = Varint.encode(1_000_000);
      byte[] body = new byte[600 * 1024];
      spawn(1, "partial", () -> {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (Host h : hs) {
          for (int i = 0; i < 16 && running(); i++) {
            writes.add(h.newStream(t.id, MESHSUB).thenCompose(s -> {
              streams.inc();
              s.closeFuture().thenRun(ifNodeDid(reset));
              return s.write(prefix).thenCompose(v -> s.write(body));
            }).exceptionally(e -> null));
          }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS)
            .exceptionally(e -> null).join();
      });
    }

    @Override
    public Boolean throttled(Target t) {
      peakHeld = Math.max(peakHeld, t.metric("libp2p_rcmgr_memory_bytes"));
      return t.metric("libp2p_rcmgr_refusals_total", "resource=\"memory\"") > 0;
    }

    @Override
    public String throttleSign() {
      return "libp2p_rcmgr_refusals_total{resource=memory} > 0";
    }

    private volatile double peakHeld;

    @Override
    public int[] bufferLimitsMiB() {
      return new int[] {24, 4};
    }

    @Override
    public String detail() {
      return streams.get() + " streams, " + reset.get() + " reset by the node; unread bytes held at most "
          + (long) (peakHeld / (1 << 20)) + " MiB";
    }
  }

  /** Pubsub streams whose first RPC claims a length of 2^40 bytes. */
  static final class HugeLengthPrefix extends Peer {
    final Count sent = new Count();
    final Count reset = new Count();

    @Override
    public String name() {
      return "huge RPC length prefixes (2^40)";
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      Host h = attacker(group, t);
      spawn(1, "huge", () -> {
        Semaphore inFlight = new Semaphore(16);
        for (int i = 0; i < 20_000 && running(); i++) {
          try {
            inFlight.acquire();
          } catch (InterruptedException e) {
            return;
          }
          h.newStream(t.id, MESHSUB).thenCompose(s -> {
            sent.inc();
            s.closeFuture().thenRun(ifNodeDid(reset));
            return s.write(Varint.encode(1L << 40)).thenCompose(v -> s.write(new byte[1024]));
          }).whenComplete((v, e) -> inFlight.release());
        }
      });
    }

    @Override
    public Boolean throttled(Target t) {
      return reset.get() > 0 || disconnected.get() > 0;
    }

    @Override
    public String throttleSign() {
      return "stream reset by the node";
    }

    @Override
    public String detail() {
      return sent.get() + " sent, " + reset.get() + " reset";
    }
  }

  /** Sends gossipsub RPCs built by {@code rpc} on one pubsub stream as fast as the node takes them. */
  abstract static class RpcFlood extends Peer {
    final Count rpcs = new Count();
    volatile String cutOff;
    final Random random = new Random(7);

    abstract RpcProtos.RPC rpc(Host attacker, long i);

    @Override
    public void start(Target t, EventLoopGroup group) {
      Host h = attacker(group, t);
      spawn(1, "rpc", () -> {
        Stream s = Hostile.await(h.newStream(t.id, MESHSUB));
        // join the honest topic first, as a real peer would
        s.writeMessage(RpcProtos.RPC.newBuilder().addSubscriptions(
            RpcProtos.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid(Hostile.TOPIC)).build().toByteArray());
        for (long i = 0; i < 200_000 && running(); i++) {
          try {
            s.writeMessage(rpc(h, i).toByteArray()).get(10, TimeUnit.SECONDS);
            rpcs.inc();
          } catch (Exception e) {
            if (!stop) {
              cutOff = "the node cut the stream after " + rpcs.get() + " RPCs";
            }
            return; // reset or disconnected by the node
          }
        }
      });
    }

    ByteString randomId() {
      byte[] b = new byte[20];
      random.nextBytes(b);
      return ByteString.copyFrom(b);
    }

    @Override
    public Boolean throttled(Target t) {
      return disconnected.get() > 0 || cutOff != null ? Boolean.TRUE : null;
    }

    @Override
    public String throttleSign() {
      return "attacker disconnected or its stream reset";
    }

    String how() {
      return (disconnected.get() > 0 ? "; disconnected by the node" : "") + (cutOff != null ? "; " + cutOff : "");
    }
  }

  /** IHAVE for 5,000 unknown ids per RPC: the node may ask for at most its per-heartbeat limit. */
  static final class IHaveFlood extends RpcFlood {

    @Override
    public String name() {
      return "IHAVE flood (5,000 ids per RPC)";
    }

    @Override
    RpcProtos.RPC rpc(Host attacker, long i) {
      RpcProtos.ControlIHave.Builder ih = RpcProtos.ControlIHave.newBuilder().setTopicID(Hostile.TOPIC);
      for (int k = 0; k < 5000; k++) {
        ih.addMessageIDs(randomId());
      }
      return RpcProtos.RPC.newBuilder().setControl(RpcProtos.ControlMessage.newBuilder().addIhave(ih)).build();
    }

    @Override
    public String detail() {
      return rpcs.get() + " IHAVE RPCs" + how();
    }
  }

  /** IWANT for 5,000 ids per RPC, GRAFT and PRUNE churn, GRAFTs for topics nobody has. */
  static final class ControlFlood extends RpcFlood {
    @Override
    public String name() {
      return "IWANT/GRAFT/PRUNE flood";
    }

    @Override
    RpcProtos.RPC rpc(Host attacker, long i) {
      RpcProtos.ControlMessage.Builder c = RpcProtos.ControlMessage.newBuilder();
      RpcProtos.ControlIWant.Builder iw = RpcProtos.ControlIWant.newBuilder();
      for (int k = 0; k < 5000; k++) {
        iw.addMessageIDs(randomId());
      }
      c.addIwant(iw);
      c.addGraft(RpcProtos.ControlGraft.newBuilder().setTopicID(Hostile.TOPIC));
      c.addPrune(RpcProtos.ControlPrune.newBuilder().setTopicID(Hostile.TOPIC));
      for (int k = 0; k < 50; k++) {
        c.addGraft(RpcProtos.ControlGraft.newBuilder().setTopicID("nobody-" + random.nextInt()));
      }
      return RpcProtos.RPC.newBuilder().setControl(c).build();
    }

    @Override
    public String detail() {
      return rpcs.get() + " control RPCs" + how();
    }
  }

  /** Subscriptions to ever new topics, 1,000 per RPC. */
  static final class SubscriptionSpam extends RpcFlood {
    @Override
    public String name() {
      return "subscription spam (1,000 new topics per RPC)";
    }

    @Override
    RpcProtos.RPC rpc(Host attacker, long i) {
      RpcProtos.RPC.Builder b = RpcProtos.RPC.newBuilder();
      for (int k = 0; k < 1000; k++) {
        b.addSubscriptions(RpcProtos.RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("spam-" + i + "-" + k));
      }
      return b.build();
    }

    @Override
    public String detail() {
      return rpcs.get() + " RPCs, " + rpcs.get() * 1000 + " subscriptions" + how();
    }
  }

  /** Messages on the honest topic with signatures that do not verify: graylisted, then dropped. */
  static final class BadSignatures extends RpcFlood {
    @Override
    public String name() {
      return "bad signatures on the honest topic";
    }

    @Override
    RpcProtos.RPC rpc(Host attacker, long i) {
      byte[] seqno = java.nio.ByteBuffer.allocate(8).putLong(i + 1).array();
      byte[] sig = new byte[64];
      random.nextBytes(sig);
      RpcProtos.Message m = RpcProtos.Message.newBuilder()
          .setFrom(ByteString.copyFrom(attacker.peerId().toBytes()))
          .setData(ByteString.copyFromUtf8("forged " + i))
          .setSeqno(ByteString.copyFrom(seqno))
          .setTopic(Hostile.TOPIC)
          .setSignature(ByteString.copyFrom(sig))
          .build();
      return RpcProtos.RPC.newBuilder().addPublish(m).build();
    }

    @Override
    public Boolean throttled(Target t) {
      return disconnected.get() > 0;
    }

    @Override
    public String throttleSign() {
      return "attacker disconnected (graylisted)";
    }

    @Override
    public String detail() {
      return rpcs.get() + " forged messages sent" + how();
    }
  }

  /**
   * On a new connection each time: opens a ping stream, then writes one frame below our muxer that
   * breaks the muxer's rules; the node must close the connection. As fast as the node closes them, at
   * most 300 connections.
   */
  abstract static class MuxerViolation extends Peer {
    final Count sent = new Count();
    final Count closedByNode = new Count();

    /** Connects the way this attack needs (a muxer of its choice). */
    abstract Connection connect(EventLoopGroup group, Target t, List<Host> made) throws Exception;

    /** The offending frame for stream {@code streamId}. */
    abstract io.netty.buffer.ByteBuf frame(long streamId);

    @Override
    public void start(Target t, EventLoopGroup group) {
      spawn(1, "muxer-violation", () -> {
        for (int i = 0; i < 300 && running(); i++) {
          List<Host> made = new ArrayList<>();
          try {
            Connection c = connect(group, t, made);
            Stream s = Hostile.await(c.newStream(PING));
            HostileAccess.writeBelowMuxer(c, frame(HostileAccess.streamId(s)));
            sent.inc();
            try {
              c.closeFuture().get(3, TimeUnit.SECONDS);
              closedByNode.inc();
            } catch (java.util.concurrent.TimeoutException e) {
              // not closed: counted by the difference in the report
            }
          } catch (Exception e) {
            if (!running()) {
              return;
            }
          } finally {
            for (Host h : made) {
              hosts.remove(h);
              h.close();
            }
          }
        }
      });
    }

    static void requireMuxer(Connection c, String muxer) {
      if (!c.muxer().equals(muxer)) {
        throw new IllegalStateException("the node did not choose " + muxer + ": " + c.muxer());
      }
    }

    @Override
    public Boolean throttled(Target t) {
      return closedByNode.get() > 0;
    }

    @Override
    public String throttleSign() {
      return "the node closed the connection within 3 s";
    }
  }

  /** One yamux data frame of 1 MiB on a stream: four times the 256 KiB receive window the node granted. */
  static final class WindowOverrun extends MuxerViolation {
    static final int FRAME = 1 << 20;

    @Override
    public String name() {
      return "yamux window overrun (1 MiB frame on a 256 KiB window)";
    }

    @Override
    Connection connect(EventLoopGroup group, Target t, List<Host> made) {
      Host h = attacker(group, t);
      made.add(h);
      Connection c = Hostile.await(h.connect(t.addr)); // the one attacker() opened
      requireMuxer(c, io.serenity.p2p.host.HostConfig.YAMUX);
      return c;
    }

    @Override
    io.netty.buffer.ByteBuf frame(long streamId) {
      io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.buffer(12 + FRAME);
      frame.writeByte(0).writeByte(0).writeShort(0) // version 0, type Data, no flags
          .writeInt((int) streamId).writeInt(FRAME)
          .writeZero(FRAME);
      return frame;
    }

    @Override
    public String detail() {
      return sent.get() + " overruns sent, " + closedByNode.get() + " connections closed by the node";
    }
  }

  /** Speaks mplex only and sends one message of 2 MiB, twice the 1 MiB every implementation caps it at. */
  static final class MplexOversize extends MuxerViolation {
    static final int MESSAGE = 2 << 20;

    @Override
    public String name() {
      return "mplex oversize message (2 MiB, cap 1 MiB)";
    }

    @Override
    Connection connect(EventLoopGroup group, Target t, List<Host> made) {
      Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group)
          .config(HostileAccess.onlyMuxer(io.serenity.p2p.host.HostConfig.MPLEX)).build();
      made.add(h);
      Hostile.await(h.start());
      Connection c = Hostile.await(h.connect(t.addr));
      requireMuxer(c, io.serenity.p2p.host.HostConfig.MPLEX);
      return c;
    }

    @Override
    io.netty.buffer.ByteBuf frame(long streamId) {
      io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.buffer(16 + MESSAGE);
      // header: stream id << 3 | flag 2 (MessageInitiator: we opened the stream), then the length
      frame.writeBytes(Varint.encode((streamId << 3) | 2));
      frame.writeBytes(Varint.encode(MESSAGE));
      frame.writeZero(MESSAGE);
      return frame;
    }

    @Override
    public String detail() {
      return sent.get() + " oversize messages sent, " + closedByNode.get() + " connections closed by the node";
    }
  }

  /** A peer that joins the honest topic's mesh and then stops reading its socket. */
  static final class SlowReader extends Peer {
    @Override
    public String name() {
      return "slow reader in the mesh (honest traffic 384 KiB x 20/s)";
    }

    @Override
    public int honestSize() {
      return 384 * 1024;
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      target = t;
      Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group)
          .listen("/ip4/127.0.0.1/tcp/0").build();
      Hostile.await(h.start());
      hosts.add(h);
      PubSub ps = PubSub.gossipsub(h, PubSubConfig.defaults(), GossipSubParams.defaults());
      Hostile.await(ps.start());
      ps.subscribe(Hostile.TOPIC, m -> { });
      Connection c = Hostile.await(h.connect(t.addr));
      c.closeFuture().thenRun(this::onDisconnected);
      Hostile.await(ps.whenMesh(Hostile.TOPIC, 1));
      HostileAccess.stopReading(c);
    }

    private Target target;

    @Override
    public Boolean throttled(Target t) {
      return disconnected.get() > 0 || t.metric("pubsub_queue_drops_total") > 0;
    }

    @Override
    public String detail() {
      return String.format(java.util.Locale.ROOT, "%.0f RPCs to it dropped%s", target.metric("pubsub_queue_drops_total"),
          disconnected.get() > 0 ? ", disconnected by the node" : "");
    }

    @Override
    public String throttleSign() {
      return "pubsub_queue_drops_total > 0 (its queue is bounded) or disconnected";
    }
  }

  /** Hundreds of identities connecting at once (a sybil flood) beyond the inbound limit. */
  static final class SybilFlood extends Peer {
    final Count connected = new Count();
    final Count failed = new Count();

    @Override
    public String name() {
      return "sybil connection flood (300 identities)";
    }

    @Override
    public void start(Target t, EventLoopGroup group) {
      spawn(1, "sybil", () -> {
        Semaphore inFlight = new Semaphore(16);
        for (int i = 0; i < 300 && running(); i++) {
          try {
            inFlight.acquire();
          } catch (InterruptedException e) {
            return;
          }
          Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group).build();
          hosts.add(h);
          h.connect(t.addr).whenComplete((c, e) -> {
            inFlight.release();
            if (e != null) {
              failed.inc();
            } else {
              connected.inc();
            }
          });
        }
      });
    }

    @Override
    public Boolean throttled(Target t) {
      return t.metric("libp2p_rcmgr_refusals_total", "resource=\"inbound_connections\"") > 0;
    }

    @Override
    public String throttleSign() {
      return "libp2p_rcmgr_refusals_total{resource=inbound_connections} > 0";
    }

    @Override
    public String detail() {
      return connected.get() + " connected, " + failed.get() + " refused";
    }
  }
}
