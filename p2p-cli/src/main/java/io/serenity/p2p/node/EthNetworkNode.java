package io.serenity.p2p.node;

import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.discv5.service.Discv5Config;
import io.serenity.p2p.discv5.service.Discv5PeerDiscovery;
import io.serenity.p2p.discv5.service.Discv5Service;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.discovery.EthEnr;
import io.serenity.p2p.eth2.discovery.PeerDiscovery;
import io.serenity.p2p.eth2.discovery.PeerManager;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.StatusMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What {@code run --network} adds to the Ethereum node once it listens: discv5 with our ENR (ip,
 * tcp, udp, quic when listening on QUIC, eth2, attnets, syncnets and from Fulu cgc and nfd), the
 * bootnodes, the peer manager
 * (following the fork schedule, with at least two peers wanted on each data column subnet of our
 * custody), and a watch of the wall clock that moves Status and the ENR to the next fork digest at a
 * boundary and reports it.
 */
final class EthNetworkNode {

  /** Time between peer manager rounds. */
  static final Duration ROUND = Duration.ofSeconds(5);
  /** The longest wait for discv5 to bind and for our Goodbyes at stop. */
  static final Duration WAIT = Duration.ofSeconds(5);

  private final Discv5Service discv5;
  private final PeerManager peers;
  private final ScheduledExecutorService clock;

  private EthNetworkNode(Discv5Service discv5, PeerManager peers, ScheduledExecutorService clock) {
    this.discv5 = discv5;
    this.peers = peers;
    this.clock = clock;
  }

  static EthNetworkNode start(EthNetworkOptions eth, NetworkConfig net, EthNetworkOptions.Bootnodes boot,
      Eth2Server node, PrivateKey identity, List<String> listenAddrs, EventPrinter printer, int maxPeers,
      int targetPeers) {
    Instant now = Instant.now();
    java.util.concurrent.atomic.AtomicReference<Bytes4> digest =
        new java.util.concurrent.atomic.AtomicReference<>(net.currentForkDigest(now));
    Discv5Service discv5 = null;
    PeerDiscovery discovery;
    if (eth.noDiscovery) {
      discovery = new NoDiscovery(eth.localEnr(identity, net, now, listenAddrs), identity);
    } else {
      InetAddress advertised = eth.enrAddress(listenAddrs);
      if (advertised == null) {
        // a wildcard listen address: the first interface address the node listens on, not loopback
        // unless there is nothing else (no endpoint voting yet: behind a NAT give --enr-address)
        advertised = interfaceAddress(node.server().listenAddrs().stream().map(Object::toString).toList());
      }
      int tcp = node.server().listenAddrs().isEmpty() ? -1
          : EthNetworkOptions.tcpPort(List.of(node.server().listenAddrs().get(0).toString()));
      // the bound QUIC port (--quic-port 0 binds any), published as quic / quic6
      int quic = EthNetworkOptions.quicPort(node.server().listenAddrs().stream().map(Object::toString).toList());
      InetAddress bindIp = bindAddress(listenAddrs);
      Discv5Config.Builder cb = Discv5Config.builder(identity.raw())
          .bind(new InetSocketAddress(bindIp, eth.discoveryPort()));
      if (advertised != null) {
        cb.advertisedIp(advertised);
      }
      if (tcp > 0) {
        cb.tcpPort(tcp);
      }
      if (quic > 0) {
        cb.quicPort(quic);
      }
      discv5 = new Discv5Service(cb.build());
      try {
        discv5.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        discv5.updateLocalEnr(b -> EthNetworkOptions.writeEthFields(b, net, now))
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        discv5.stop();
        throw new RuntimeFailure("--discovery-port " + eth.discoveryPort() + ": cannot start discv5: "
            + rootMessage(e), e);
      }
      for (Enr e : boot.enrs()) {
        discv5.addEnr(e);
      }
      discovery = new Discv5PeerDiscovery(discv5);
    }
    Enr enr = discovery.localEnr();
    printer.event("enr").with("enr", enr.toText()).with("forkDigest", digest.get().toHex())
        .print("enr " + enr.toText() + " (fork digest " + digest.get().toHex() + ")");
    for (String a : boot.multiaddrs()) {
      node.server().connect(a);
    }
    PeerManager pm = PeerManager.builder(node, discovery)
        .forkSchedule(EthNetworkOptions.topics(net, enr.nodeId()), java.time.InstantSource.system())
        .targetPeers(targetPeers).maxPeers(maxPeers).interval(ROUND).build();
    if (EthEnr.isFuluOrLater(net, net.epochAt(now))) {
      // the data column subnets of our custody: at least two peers on each
      pm.wantDataColumnSubnets(EthEnr.dataColumnSubnets(enr.nodeId(), EthNetworkOptions.CUSTODY_REQUIREMENT));
    }
    pm.start();
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "p2p-node-fork-clock");
      t.setDaemon(true);
      return t;
    });
    PeerDiscovery d = discovery;
    long slotMs = Math.max(1000, net.slotDuration().toMillis());
    clock.scheduleAtFixedRate(() -> {
      try {
        followTheClock(net, node, d, digest, printer);
      } catch (RuntimeException e) { // keep the clock running; the next slot tries again
        printer.event("error").with("what", "fork clock").with("why", e.toString()).print("fork clock: " + e);
      }
    }, slotMs, slotMs, TimeUnit.MILLISECONDS);
    return new EthNetworkNode(discv5, pm, clock);
  }

  /** At a fork boundary: the new digest in Status and the ENR, and a {@code fork} event. */
  private static void followTheClock(NetworkConfig net, Eth2Server node, PeerDiscovery d,
      java.util.concurrent.atomic.AtomicReference<Bytes4> digest, EventPrinter printer) {
    Instant t = Instant.now();
    Bytes4 current = net.currentForkDigest(t);
    Bytes4 old = digest.getAndSet(current);
    if (!current.equals(old)) {
      node.setStatus(new StatusMessage(current, Bytes32.ZERO, 0, Bytes32.ZERO, 0));
      d.updateLocalEnr(b -> EthNetworkOptions.writeEthFields(b, net, t)).whenComplete((r, err) -> {
        if (r != null) {
          printer.event("fork").with("from", old.toHex()).with("to", current.toHex()).with("enr", r.toText())
              .print("fork boundary: digest " + old.toHex() + " -> " + current.toHex() + "; enr " + r.toText());
        }
      });
    }
  }

  private static InetAddress interfaceAddress(List<String> addrs) {
    InetAddress loopback = null;
    for (String a : addrs) {
      String[] parts = a.split("/");
      if (parts.length > 2 && parts[1].equals("ip4")) {
        try {
          InetAddress ip = InetAddress.getByName(parts[2]);
          if (ip.isLoopbackAddress()) {
            loopback = loopback == null ? ip : loopback;
          } else if (!ip.isLinkLocalAddress() && !ip.isAnyLocalAddress()) {
            return ip;
          }
        } catch (java.net.UnknownHostException e) {
          // look further
        }
      }
    }
    return loopback != null ? loopback : InetAddress.getLoopbackAddress();
  }

  private static InetAddress bindAddress(List<String> listenAddrs) {
    for (String a : listenAddrs) {
      String[] parts = a.split("/");
      if (parts.length > 2 && (parts[1].equals("ip4") || parts[1].equals("ip6"))) {
        try {
          return InetAddress.getByName(parts[2]);
        } catch (java.net.UnknownHostException e) {
          // look further
        }
      }
    }
    return new InetSocketAddress(0).getAddress();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** Goodbye 1 to every peer (bounded), then discovery and the clock stop. */
  void stop() {
    clock.shutdownNow();
    peers.stop(WAIT);
    if (discv5 != null) {
      try {
        discv5.stop().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // closing anyway
      }
    }
  }

  /** --no-discovery: no candidates, our record kept in memory. */
  private static final class NoDiscovery implements PeerDiscovery {
    private final PrivateKey key;
    private volatile Enr enr;

    NoDiscovery(Enr enr, PrivateKey key) {
      this.enr = enr;
      this.key = key;
    }

    @Override
    public CompletableFuture<List<Enr>> findNodes() {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public Enr localEnr() {
      return enr;
    }

    @Override
    public synchronized CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change) {
      Enr.Builder b = Enr.builder().from(enr);
      change.accept(b);
      enr = b.seq(enr.seq() + 1).sign(key);
      return CompletableFuture.completedFuture(enr);
    }
  }
}
