package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.reqresp.ReqRespEvent;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.TopicSchedule;
import io.serenity.p2p.eth2.network.ForkSchedule;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.metrics.MetricsServer;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.server.Message;
import io.serenity.p2p.server.MessageContext;
import io.serenity.p2p.server.PeerEvent;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import io.serenity.p2p.server.ServerException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code p2p-node run}: starts a node and prints what happens until it is stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Start a node: listen, dial the given peers, join topics, print what happens.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin KeyOptions key;

  @Mixin NodeOptions node;

  @Mixin EthNetworkOptions eth;

  /** First wait before redialling a --peer that dropped; it doubles up to {@link #REDIAL_MAX}. */
  static final java.time.Duration REDIAL_MIN = java.time.Duration.ofSeconds(1);

  static final java.time.Duration REDIAL_MAX = java.time.Duration.ofSeconds(60);

  @Option(
      names = "--topic",
      paramLabel = "<name>",
      description = "Pubsub topic to join (repeatable); received messages are printed.")
  List<String> topics = new ArrayList<>();

  @Option(
      names = "--publish-stdin",
      description = "Publish each line read from stdin on the first --topic; at the end of input, once the "
          + "lines are written out, the node stops (exit code 0, or 1 when a line could not be published).")
  boolean publishStdin;

  @Option(
      names = "--metrics",
      paramLabel = "<host:port>",
      description = "Serve Prometheus metrics at /metrics and a status page at / on this address.")
  String metrics;

  @Option(
      names = "--listen",
      paramLabel = "<multiaddr>",
      description = "Address to listen on (repeatable). Default: /ip4/0.0.0.0/tcp/9000.")
  List<String> listen = new ArrayList<>();

  @Option(
      names = "--quic-port",
      paramLabel = "<port>",
      description = "Also listen for QUIC v1 on this UDP port of every IPv4 interface "
          + "(/ip4/0.0.0.0/udp/<port>/quic-v1; the same as adding that --listen). Dials prefer a peer's "
          + "QUIC address and fall back to TCP. With --network the ENR publishes the port as 'quic'.")
  Integer quicPort;

  @Option(
      names = "--advertise",
      paramLabel = "<multiaddr>",
      description = "Address peers can reach us at that this machine cannot see, e.g. the public address of "
          + "a NAT that forwards our port, without /p2p (repeatable); told to peers before the listen addresses.")
  List<String> advertise = new ArrayList<>();

  @Option(
      names = "--peer",
      paramLabel = "<multiaddr>",
      description = "Peer to dial at start and keep connected (redialled with backoff, 1 s doubling to 60 s, "
          + "whenever it drops), with /p2p/<id> (repeatable).")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--muxer",
      paramLabel = "<list>",
      split = ",",
      description = "Muxers in preference order: yamux, mplex. Default: yamux,mplex.")
  List<String> muxers = new ArrayList<>(List.of("yamux", "mplex"));

  @Option(
      names = "--fork-digest",
      paramLabel = "<hex>",
      description = "With --preset ethereum (required there): the 4-byte fork digest, e.g. b5303f2a, sent in "
          + "our req/resp Status; peers on another digest are sent Goodbye and disconnected.")
  String forkDigest;

  @Option(
      names = "--max-inbound-connections",
      paramLabel = "<n>",
      description = "Inbound connections accepted at once, handshakes included (default 128).")
  Integer maxInbound;

  @Option(
      names = "--max-outbound-connections",
      paramLabel = "<n>",
      description = "Outbound connections at once, dials included (default 128).")
  Integer maxOutbound;

  @Option(
      names = "--max-streams-per-peer",
      paramLabel = "<n>",
      description = "Streams one peer may have open with us in each direction (default 1024).")
  Integer maxStreamsPerPeer;

  @Option(
      names = "--max-buffer-memory",
      paramLabel = "<MiB>",
      description = "Unread stream bytes the whole node may hold (default 256); a stream that would pass "
          + "it is reset.")
  Integer maxBufferMiB;

  @Option(
      names = "--max-peer-buffer-memory",
      paramLabel = "<MiB>",
      description = "Unread stream bytes one peer's streams may hold (default 32).")
  Integer maxPeerBufferMiB;

  @Option(
      names = "--max-peers",
      paramLabel = "<n>",
      description = "Connected peers kept; beyond it the lowest-scored peers that are not --peer peers are "
          + "disconnected at once. Default: no such cap; --max-inbound-connections and the connection "
          + "manager's watermarks bound the peers.")
  Integer maxPeers;

  @Option(names = "--json", description = "Print one JSON object per line instead of text.")
  boolean json;

  @Option(
      names = "--exit-after",
      paramLabel = "<seconds>",
      description = "Stop after this many seconds (default: run until interrupted).")
  Long exitAfter;

  /** The --max-* options over {@code base}; nonsense values are usage errors naming the option. */
  HostConfig applyLimits(HostConfig base) {
    HostConfig.Builder b = base.toBuilder();
    io.serenity.p2p.host.ResourceLimits r = base.resources();
    if (maxInbound != null) {
      b.maxInboundConnections(positive("--max-inbound-connections", maxInbound));
    }
    if (maxOutbound != null) {
      b.maxOutboundConnections(positive("--max-outbound-connections", maxOutbound));
    }
    if (maxStreamsPerPeer != null) {
      int n = positive("--max-streams-per-peer", maxStreamsPerPeer);
      r = r.withPeer(n, n, r.peerMemory());
    }
    if (maxBufferMiB != null) {
      r = r.withSystem(r.systemInboundStreams(), r.systemOutboundStreams(),
          (long) positive("--max-buffer-memory", maxBufferMiB) << 20);
    }
    if (maxPeerBufferMiB != null) {
      r = r.withPeer(r.peerInboundStreams(), r.peerOutboundStreams(),
          (long) positive("--max-peer-buffer-memory", maxPeerBufferMiB) << 20);
    }
    try {
      return b.resources(r).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("limits: " + e.getMessage());
    }
  }

  private static int positive(String option, int v) {
    if (v < 1) {
      throw new UsageException(option + " must be >= 1: " + v);
    }
    return v;
  }

  @Override
  public Integer call() throws Exception {
    List<String> listenAddrs = new ArrayList<>();
    for (String a : listen.isEmpty() ? List.of("/ip4/0.0.0.0/tcp/9000") : listen) {
      listenAddrs.add(parseAddr("--listen", a).toString());
    }
    if (quicPort != null) {
      if (quicPort < 0 || quicPort > 65535) {
        throw new UsageException("--quic-port must be in [0, 65535]: " + quicPort);
      }
      listenAddrs.add("/ip4/0.0.0.0/udp/" + quicPort + "/quic-v1");
    }
    for (String a : advertise) {
      parseAddr("--advertise", a);
    }
    for (String p : peers) {
      try {
        PeerInfo.makePeer(p);
      } catch (FormatException e) {
        throw new UsageException("--peer '" + p + "': " + e.getMessage());
      }
    }
    List<String> muxerIds = new ArrayList<>();
    for (String m : muxers) {
      switch (m.trim().toLowerCase(Locale.ROOT)) {
        case "yamux" -> muxerIds.add(HostConfig.YAMUX);
        case "mplex" -> muxerIds.add(HostConfig.MPLEX);
        default -> throw new UsageException(
            "--muxer: unknown muxer '" + m + "' (expected yamux or mplex)");
      }
    }
    if (publishStdin && topics.isEmpty()) {
      throw new UsageException("--publish-stdin needs a --topic to publish on");
    }
    InetSocketAddress metricsAddr = metrics == null ? null : parseHostPort("--metrics", metrics);
    EventPrinter printer = EventPrinter.toStdout(json);
    NetworkConfig net = null;
    EthNetworkOptions.Bootnodes boot = null;
    Bytes4 digest;
    if (eth.enabled()) {
      if (forkDigest != null) {
        throw new UsageException("--fork-digest goes without --network: the network's schedule gives the digest");
      }
      if (!node.preset.equalsIgnoreCase("ethereum") && !node.preset.equalsIgnoreCase("default")) {
        node.gossipParams(); // names the bad --preset
      }
      node.preset = "ethereum";
      net = eth.networkConfig();
      boot = eth.bootnodes(net);
      digest = net.currentForkDigest(Instant.now());
      eth.discoveryPort();
      EthNetworkOptions.maxPeers(maxPeers != null ? positive("--max-peers", maxPeers) : null);
      eth.targetPeers(maxPeers);
      if (eth.dryRun) {
        dryRun(printer, eth.enrKey(key.loadForReading()), net, boot, listenAddrs);
        return 0;
      }
    } else {
      eth.requireNoNetworkOptions();
      boolean ethereum = node.preset.equalsIgnoreCase("ethereum");
      if (!ethereum && forkDigest != null) {
        throw new UsageException("--fork-digest needs --preset ethereum");
      }
      digest = ethereum ? parseForkDigest(forkDigest) : null;
    }
    PrivateKey identity = key.loadForNode();
    if (net != null) {
      EthNetworkOptions.enrKey(identity);
    }
    ServerConfig config = serverConfig(identity, listenAddrs, muxerIds, digest);

    // --preset ethereum: the Ethereum node (the server preset plus req/resp Status with our digest);
    // otherwise a plain server. Either way the node is the Server that library users get.
    Eth2Server eth2 = digest != null
        ? new Eth2Server(config, ReqRespConfig.defaults(), new StatusMessage(digest, Bytes32.ZERO, 0, Bytes32.ZERO, 0))
        : null;
    Server server = eth2 != null ? eth2.server() : new Server(config);
    if (eth2 != null) {
      eth2.addListener(event -> reportEth2(printer, event));
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "p2p-node-timer");
      t.setDaemon(true);
      return t;
    });
    ConnectionReporter connections = new ConnectionReporter(printer, timer);
    // peer events come in order from the server's control thread; a bounded buffer keeps printing
    // off that thread
    server.peerEvents().subscribe(event -> report(printer, connections, event), 1024);
    if (!topics.isEmpty()) {
      // One thread prints received messages: it takes every message waiting and writes them with one
      // flush, instead of a write per line (at tens of thousands of messages a second the writes were
      // the printing's largest cost). Nothing waits for a timer: a lone message is printed at once. A
      // full queue holds up the topics' delivery, whose inboxes then count their drops, as before.
      java.util.concurrent.BlockingQueue<Message<byte[]>> toPrint =
          new java.util.concurrent.ArrayBlockingQueue<>(PRINT_BATCH);
      for (String t : topics) {
        server.joinTopic(t).subscribe(toPrint);
      }
      Thread messagePrinter = new Thread(() -> printMessages(printer, toPrint), "p2p-node-print");
      messagePrinter.setDaemon(true);
      messagePrinter.start();
    }
    MetricsServer[] metricsServer = new MetricsServer[1];
    EthNetworkNode[] ethNode = new EthNetworkNode[1];
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable shutdown = () -> {
      if (!once.compareAndSet(false, true)) {
        return;
      }
      if (metricsServer[0] != null) {
        metricsServer[0].close();
      }
      if (ethNode[0] != null) {
        ethNode[0].stop(); // Goodbye 1 to every peer, then discovery
      }
      server.stop(); // stops redialling first, then req/resp, pubsub and the host
      stopped.countDown();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "p2p-node-shutdown"));
    try {
      server.start();
    } catch (ServerException e) {
      throw new RuntimeFailure("cannot start: " + e.getMessage(), e);
    }
    if (metricsAddr != null) {
      try {
        metricsServer[0] = MetricsServer.start(metricsAddr, server.host(), server.pubSub());
      } catch (UncheckedIOException e) {
        shutdown.run();
        throw new RuntimeFailure("--metrics " + metrics + ": " + e.getMessage(), e);
      }
    }
    List<String> addrs = server.listenAddrs().stream().map(Object::toString).collect(Collectors.toList());
    List<String> advertised = server.advertisedAddrs().stream().map(Object::toString).collect(Collectors.toList());
    printer
        .event("listening")
        .with("peerId", server.peerId().toBase58())
        .with("addrs", addrs)
        .with("advertised", advertised)
        .print("listening as " + server.peerId() + " on " + String.join(" ", addrs)
            + (advertised.equals(addrs) ? "" : "; advertising " + String.join(" ", advertised)));
    if (net != null) {
      try {
        ethNode[0] = EthNetworkNode.start(eth, net, boot, eth2, identity, listenAddrs, printer,
            EthNetworkOptions.maxPeers(maxPeers), eth.targetPeers(maxPeers));
      } catch (RuntimeFailure e) {
        shutdown.run();
        throw e;
      }
    }
    if (metricsServer[0] != null) {
      InetSocketAddress at = metricsServer[0].address();
      String url = "http://" + at.getHostString() + ":" + at.getPort() + "/";
      printer.event("metrics").with("url", url).print("status page and metrics at " + url + " (/metrics)");
    }
    java.util.concurrent.atomic.AtomicInteger exitCode = new java.util.concurrent.atomic.AtomicInteger();
    if (publishStdin) {
      Thread reader = new Thread(() -> {
        // at the end of input: what was read is published and written out, then the node stops
        boolean allPublished = publishLines(printer, server, topics.get(0));
        exitCode.set(allPublished ? 0 : 1);
        shutdown.run();
      }, "p2p-node-stdin");
      reader.setDaemon(true);
      reader.start();
    }
    if (exitAfter != null) {
      stopped.await(exitAfter, TimeUnit.SECONDS);
      shutdown.run();
    } else {
      stopped.await();
    }
    return exitCode.get();
  }

  /**
   * The node's server configuration: the Ethereum preset or the plain server defaults, with the
   * router, signing policy, muxers, advertised addresses, limits and peers of the command line.
   * --peer peers are the server's static peers: kept connected, redialled with backoff ({@link
   * #REDIAL_MIN} doubling to {@link #REDIAL_MAX}) whenever the connection drops, e.g. after a
   * partition longer than the keep-alive timeout.
   */
  ServerConfig serverConfig(PrivateKey identity, List<String> listenAddrs, List<String> muxerIds, Bytes4 digest) {
    boolean floodsub = node.floodsub();
    PubSubConfig pubsubConfig = node.pubsubConfig();
    List<Multiaddr> advertised = new ArrayList<>();
    for (String a : advertise) {
      advertised.add(parseAddr("--advertise", a));
    }
    HostConfig hostConfig;
    try {
      hostConfig = HostConfig.builder().muxers(muxerIds.toArray(String[]::new)).advertiseAddrs(advertised).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--advertise: " + e.getMessage());
    }
    ServerConfig.Builder b;
    if (digest != null) {
      // StrictNoSign, eth2 message ids, payload limits, two-epoch seen TTL, a read buffer for 10 MiB
      // payloads, the Ethereum gossipsub parameters and peer counts
      Eth2GossipProfile profile = Eth2GossipProfile.defaults();
      b = Eth2Server.ethereum(digest.bytes())
          .pubSubConfig(profile.pubSubConfig(pubsubConfig))
          .hostConfig(applyLimits(Eth2Server.hostConfig(profile, hostConfig)));
    } else {
      // the node sends no direct messages: those it accepts are no larger than a gossip message,
      // so the stream read buffer (and the per-peer memory it needs) stays the host's
      b = ServerConfig.builder()
          .pubSubConfig(pubsubConfig)
          .gossipSubParams(node.gossipParams())
          .maxDirectMessageSize(pubsubConfig.maxMessageSize())
          .hostConfig(applyLimits(hostConfig));
    }
    // the printing thread is the node's only consumer: a deeper inbox rides out a pause (a garbage
    // collection, a slow reader of stdout) while the network delivers a burst; still bounded by the
    // server's inboundQueueBytes (64 MiB)
    b.inboundQueue(RUN_INBOUND_QUEUE);
    node.applyScoring(b).privateKey(identity)
        .listen(listenAddrs.toArray(String[]::new))
        .staticPeers(peers.toArray(String[]::new))
        .reconnectBackoff(REDIAL_MIN, REDIAL_MAX)
        .router(floodsub ? ServerConfig.Router.FLOODSUB : ServerConfig.Router.GOSSIPSUB)
        .minPeers(0)
        // without --max-peers the host's limits alone bound the peers: --max-inbound-connections
        // and the connection manager's watermarks
        .maxPeers(maxPeers != null && !eth.enabled() ? positive("--max-peers", maxPeers) : Integer.MAX_VALUE);
    if (eth.enabled()) {
      // the peer manager prunes to --max-peers with Goodbye each round; the connection manager trims
      // without one only past a margin above it (a flood between two rounds)
      int max = EthNetworkOptions.maxPeers(maxPeers);
      HostConfig hc = b.build().hostConfig();
      b.hostConfig(hc.toBuilder().connectionWatermarks(max, max + Math.max(2, max / 5)).build());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static void report(EventPrinter printer, ConnectionReporter connections, PeerEvent event) {
    switch (event) {
      case PeerEvent.Connected e -> connections.connected(e);
      case PeerEvent.Disconnected e -> {
        connections.disconnected(e.peer());
        printer.event("peer_disconnected").with("peerId", e.peer().toBase58()).print("disconnected " + e.peer());
      }
      case PeerEvent.Identified e -> {
        connections.identified(e);
        printer
            .event("peer_identified")
            .with("peerId", e.peer().toBase58())
            .with("agent", e.agentVersion())
            .with("protocols", e.protocols())
            .print("identified " + e.peer() + ": " + e.agentVersion() + " " + e.protocols());
      }
      case PeerEvent.ProtocolViolation e -> printer
          .event("error")
          .with("what", "protocol violation by " + e.peer() + " on " + e.protocol())
          .with("why", e.violation())
          .print("violation by " + e.peer() + " on " + e.protocol() + ": " + e.violation());
      case PeerEvent.DialFailed e -> printer
          .event("error")
          .with("what", "dial " + e.peer())
          .with("why", e.reason())
          .print("dial " + e.peer() + " failed: " + e.reason() + " (retrying with backoff)");
    }
  }

  /** --dry-run: what a network node would do, without opening a socket. */
  private void dryRun(EventPrinter printer, PrivateKey identity, NetworkConfig net,
      EthNetworkOptions.Bootnodes boot, List<String> listenAddrs) {
    Instant now = Instant.now();
    long epoch = net.epochAt(now);
    String fork = net.forkSchedule().forkAt(epoch).name();
    Bytes4 digest = net.currentForkDigest(now);
    long nextEpoch = net.forkSchedule().nextForkEpoch(epoch);
    String next = nextEpoch == ForkSchedule.FAR_FUTURE_EPOCH ? "none scheduled"
        : "epoch " + Long.toUnsignedString(nextEpoch) + ", digest " + net.nextForkDigest(now).toHex();
    printer.event("network")
        .with("network", eth.name(net))
        .with("epoch", epoch)
        .with("fork", fork)
        .with("forkDigest", digest.toHex())
        .with("nextForkEpoch", nextEpoch == ForkSchedule.FAR_FUTURE_EPOCH ? null : Long.toUnsignedString(nextEpoch))
        .with("nextForkDigest", net.nextForkDigest(now).toHex())
        .print("network " + eth.name(net) + ": epoch " + epoch + ", fork " + fork + ", fork digest "
            + digest.toHex() + "; next boundary: " + next);
    Enr enr = eth.localEnr(identity, net, now, listenAddrs);
    printer.event("enr").with("enr", enr.toText()).with("peerId", enr.peerId().toBase58())
        .with("ip", enr.ip().or(enr::ip6).map(java.net.InetAddress::getHostAddress).orElse(null))
        .with("tcp", port(enr.tcp().isPresent() ? enr.tcp() : enr.tcp6()))
        .with("udp", port(enr.udp().isPresent() ? enr.udp() : enr.udp6()))
        .with("quic", port(enr.quic().isPresent() ? enr.quic() : enr.quic6()))
        .print(enr.toText() + "\n  " + enrFields(enr));
    TopicSchedule schedule = EthNetworkOptions.topics(net, enr.nodeId());
    List<String> topicNames = schedule.topicStringsAt(now);
    java.util.Optional<Instant> change = schedule.nextChange(now);
    printer.event("topics").with("topics", topicNames).with("nextChange", change.map(Object::toString).orElse(null))
        .print("gossip topics (" + topicNames.size() + ", no attestation or sync committee subnet; data column"
            + " subnets of a custody of " + EthNetworkOptions.CUSTODY_REQUIREMENT + " groups from Fulu on"
            + change.map(t -> "; the set changes at " + t).orElse("") + "):\n  " + String.join("\n  ", topicNames));
    List<String> bootList = new ArrayList<>();
    boot.enrs().forEach(e -> bootList.add(e.toText()));
    bootList.addAll(boot.multiaddrs());
    printer.event("bootnodes").with("bootnodes", bootList)
        .print("bootnodes (" + bootList.size() + "):\n  " + String.join("\n  ", bootList));
    printer.event("dry_run").print("dry run: no socket opened; without --dry-run the node listens on "
        + String.join(" ", listenAddrs) + ", runs discv5 on UDP " + eth.discoveryPort() + " and keeps "
        + eth.targetPeers(maxPeers) + " to " + EthNetworkOptions.maxPeers(maxPeers) + " peers");
  }

  private static Integer port(java.util.OptionalInt p) {
    return p.isPresent() ? p.getAsInt() : null;
  }

  /** The record's endpoint fields in words: what peers dial us at (QUIC first, as they prefer it). */
  static String enrFields(Enr enr) {
    List<String> f = new ArrayList<>();
    enr.ip().ifPresent(a -> f.add("ip " + a.getHostAddress()));
    enr.ip6().ifPresent(a -> f.add("ip6 " + a.getHostAddress()));
    enr.quic().ifPresent(p -> f.add("quic " + p));
    enr.quic6().ifPresent(p -> f.add("quic6 " + p));
    enr.tcp().ifPresent(p -> f.add("tcp " + p));
    enr.tcp6().ifPresent(p -> f.add("tcp6 " + p));
    enr.udp().ifPresent(p -> f.add("udp " + p));
    enr.udp6().ifPresent(p -> f.add("udp6 " + p));
    String dial = enr.dialMultiaddrs().stream().map(Object::toString).collect(Collectors.joining(", "));
    return (f.isEmpty() ? "no address (give --enr-address)" : String.join(", ", f))
        + (dial.isEmpty() ? "" : "; peers dial " + dial);
  }

  /** Req/resp events of the Ethereum preset: a peer's Status, and Goodbye either way. */
  private static void reportEth2(EventPrinter printer, ReqRespEvent event) {
    switch (event) {
      case ReqRespEvent.StatusReceived e -> {
        StatusMessage st = e.status();
        printer
            .event("status")
            .with("peerId", e.peer().toBase58())
            .with("forkDigest", st.forkDigest().toHex())
            .with("finalizedRoot", st.finalizedRoot().toHex())
            .with("finalizedEpoch", st.finalizedEpoch())
            .with("headRoot", st.headRoot().toHex())
            .with("headSlot", st.headSlot())
            .print("status of " + e.peer() + ": fork digest " + st.forkDigest().toHex() + ", finalized epoch "
                + st.finalizedEpoch() + " root " + st.finalizedRoot().toHex() + ", head slot " + st.headSlot()
                + " root " + st.headRoot().toHex());
      }
      case ReqRespEvent.GoodbyeSent e -> printer
          .event("goodbye")
          .with("peerId", e.peer().toBase58())
          .with("direction", "sent")
          .with("reason", e.reason())
          .print("goodbye sent to " + e.peer() + " (reason " + e.reason() + ")");
      case ReqRespEvent.GoodbyeReceived e -> printer
          .event("goodbye")
          .with("peerId", e.peer().toBase58())
          .with("direction", "received")
          .with("reason", e.reason())
          .print("goodbye from " + e.peer() + " (reason " + e.reason() + ")");
      case ReqRespEvent.MetaDataChanged e -> { }
    }
  }

  /** The --fork-digest value: 4 bytes of hex, with or without 0x. */
  static Bytes4 parseForkDigest(String text) {
    if (text == null) {
      throw new UsageException("--fork-digest <hex> is required with --preset ethereum (4 bytes, e.g. b5303f2a)");
    }
    String h = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (!h.matches("[0-9a-fA-F]{8}")) {
      throw new UsageException("--fork-digest '" + text + "': expected 4 bytes of hex, e.g. b5303f2a");
    }
    return new Bytes4(java.util.HexFormat.of().parseHex(h));
  }

  /** Most received messages written between two flushes of the output. */
  private static final int PRINT_BATCH = 1024;

  /** The message printer's loop: waits for a message, then prints it and every one behind it, flushing once. */
  private static void printMessages(EventPrinter printer, java.util.concurrent.BlockingQueue<Message<byte[]>> queue) {
    List<Message<byte[]>> batch = new ArrayList<>(PRINT_BATCH);
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, PRINT_BATCH - 1);
      printer.batch(() -> {
        for (Message<byte[]> m : batch) {
          printMessage(printer, m);
        }
      });
      batch.clear();
    }
  }

  private static void printMessage(EventPrinter printer, Message<byte[]> m) {
    MessageContext c = m.context();
    String from = c.author().map(PeerId::toBase58).orElse(null);
    String receivedFrom = c.receivedFrom().map(PeerId::toBase58).orElse(null);
    byte[] data = m.data();
    printer
        .event("message")
        .with("topic", c.topic())
        .with("from", from)
        .with("receivedFrom", receivedFrom)
        .with("id", c.messageId())
        .with("size", data.length)
        .with("data", data)
        .print(() -> "message on " + c.topic() + " from " + (from != null ? from : receivedFrom) + " ("
            + data.length + " bytes): " + printable(data));
  }

  /** Most publishes of stdin lines in flight at once, and their most bytes together. */
  private static final int PUBLISHES_IN_FLIGHT = 256;
  private static final long PUBLISH_BYTES_IN_FLIGHT = 8L << 20;

  private record InFlight(byte[] data, CompletableFuture<String> result) {}

  /**
   * Publishes each stdin line on {@code topic}, waiting (bounded) for a first peer on the topic.
   * Publishes are pipelined, at most {@link #PUBLISHES_IN_FLIGHT} (and {@link
   * #PUBLISH_BYTES_IN_FLIGHT} bytes) ahead of the oldest unfinished one; since a publish completes
   * only once it is queued for every chosen peer, stdin is read at the pace of the slowest peer and
   * no line is dropped for a full queue. Events are printed in line order.
   */
  private static boolean publishLines(EventPrinter printer, Server server, String topic) {
    ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    long[] bytesInFlight = {0};
    int[] counts = new int[2]; // published, failed
    int maxLine = server.config().pubSubConfig().maxMessageSize();
    try {
      LineReader in = new LineReader(System.in, maxLine);
      boolean waitForPeer = true;
      long lineNumber = 0;
      while (true) {
        if (!in.ready()) {
          // no more input buffered: report what is in flight before waiting for the next line
          waitForPeer |= !finishAll(printer, topic, inFlight, bytesInFlight, counts);
        }
        byte[] data = in.readLine();
        if (data == null) {
          break;
        }
        lineNumber++;
        if (data == LineReader.TOO_LONG) {
          // not kept, so not published: said in line order, after the lines before it
          waitForPeer |= !finishAll(printer, topic, inFlight, bytesInFlight, counts);
          String why = "line " + lineNumber + " is " + in.lastLength() + " bytes, more than the largest message ("
              + maxLine + ")";
          printer.event("error").with("what", "publish on " + topic).with("why", why)
              .print("publish on " + topic + " failed: " + why);
          counts[1]++;
          continue;
        }
        if (waitForPeer) {
          try {
            server.whenTopicPeers(topic, 1).get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // publish anyway: the message is then only ours, and the event says how it went
          }
          waitForPeer = false;
        }
        if (!inFlight.isEmpty()
            && (inFlight.size() >= PUBLISHES_IN_FLIGHT || bytesInFlight[0] + data.length > PUBLISH_BYTES_IN_FLIGHT)) {
          waitForPeer |= !finishSome(printer, topic, inFlight, bytesInFlight, counts, false, data.length);
        }
        // a fresh array per line, only read from here on: handed over without a copy
        inFlight.add(new InFlight(data, server.publishWithoutCopy(topic, data)));
        bytesInFlight[0] += data.length;
      }
      finishAll(printer, topic, inFlight, bytesInFlight, counts);
      boolean flushed = true;
      try {
        server.whenFlushed().get(FLUSH_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        flushed = false;
      }
      printer.event("input_ended").with("published", counts[0]).with("failed", counts[1]).with("flushed", flushed)
          .print("end of input: " + counts[0] + " lines published, " + counts[1] + " failed"
              + (flushed ? "" : ", some still unsent after " + FLUSH_WAIT_SECONDS + " s") + "; stopping");
      return counts[1] == 0 && flushed;
    } catch (java.io.IOException e) {
      printer.event("error").with("what", "read stdin").with("why", e.getMessage()).print("stdin: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IllegalStateException e) {
      return false; // the node stopped (signal or --exit-after) while reading
    }
  }

  /** Reports every publish in flight, oldest first; false when one failed. */
  private static boolean finishAll(EventPrinter printer, String topic, ArrayDeque<InFlight> inFlight,
      long[] bytesInFlight, int[] counts) throws InterruptedException {
    return finishSome(printer, topic, inFlight, bytesInFlight, counts, true, 0);
  }

  /**
   * Waits for the oldest publish in flight, then reports it and every one behind it that is done
   * with one flush (a run of finished publishes leaves in one write, not one each), until all are
   * reported or, unless {@code all}, there is room for one more publish of {@code room} bytes. The
   * wait is outside the printer's lock, so other events are printed meanwhile. False when one failed.
   */
  private static boolean finishSome(EventPrinter printer, String topic, ArrayDeque<InFlight> inFlight,
      long[] bytesInFlight, int[] counts, boolean all, int room) throws InterruptedException {
    boolean ok = true;
    while (!inFlight.isEmpty()) {
      try {
        // bounded by the publish wait (10 s by default): past it the publish fails, naming the peers
        inFlight.peek().result().get(PUBLISH_RESULT_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // reported below, as the oldest
      }
      int[] failed = {0};
      printer.batch(() -> {
        do {
          failed[0] += reportOldest(printer, topic, inFlight, bytesInFlight, counts) ? 0 : 1;
        } while (!inFlight.isEmpty() && inFlight.peek().result().isDone());
      });
      ok &= failed[0] == 0;
      if (!all && inFlight.size() < PUBLISHES_IN_FLIGHT && bytesInFlight[0] + room <= PUBLISH_BYTES_IN_FLIGHT) {
        break;
      }
    }
    return ok;
  }

  /** Received messages waiting per topic for the printer (the server's default is 1,024). */
  static final int RUN_INBOUND_QUEUE = 16_384;

  /** Longest wait for one publish's result before it is reported failed (its own wait is shorter). */
  private static final long PUBLISH_RESULT_WAIT_SECONDS = 60;

  /** At the end of input, how long the published lines may take to be written out before stopping. */
  private static final long FLUSH_WAIT_SECONDS = 30;

  /** Prints the event of the oldest publish in flight, done or given up on; false when it failed. */
  private static boolean reportOldest(EventPrinter printer, String topic, ArrayDeque<InFlight> inFlight,
      long[] bytesInFlight, int[] counts) {
    InFlight f = inFlight.poll();
    bytesInFlight[0] -= f.data().length;
    String why;
    if (!f.result().isDone()) {
      why = "not queued for its peers after " + PUBLISH_RESULT_WAIT_SECONDS + " s";
    } else {
      try {
        String id = f.result().join();
        printer.event("published").with("topic", topic).with("id", id).with("size", f.data().length)
            .print(() -> "published " + f.data().length + " bytes on " + topic + " (" + id + ")");
        counts[0]++;
        return true;
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        why = rootMessage(e);
      }
    }
    printer.event("error").with("what", "publish on " + topic).with("why", why)
        .print("publish on " + topic + " failed: " + why);
    counts[1]++;
    return false;
  }

  private static String printable(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    boolean text = s.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfffd);
    String shown = text ? s : "0x" + java.util.HexFormat.of().formatHex(data, 0, Math.min(data.length, 32));
    return shown.length() > 120 ? shown.substring(0, 120) + "…" : shown;
  }

  static InetSocketAddress parseHostPort(String option, String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new UsageException(option + " '" + text + "': expected <host>:<port>, e.g. 127.0.0.1:9100");
    }
    String hostPart = text.substring(0, colon);
    if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
      hostPart = hostPart.substring(1, hostPart.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " '" + text + "': port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new UsageException(option + " '" + text + "': port must be 0 to 65535");
    }
    return new InetSocketAddress(hostPart, port);
  }

  static Multiaddr parseAddr(String option, String text) {
    try {
      return Multiaddr.parse(text);
    } catch (FormatException e) {
      throw new UsageException(option + " '" + text + "': " + e.getMessage());
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
  }
}
