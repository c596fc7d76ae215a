package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.discovery.EthEnr;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.gossip.Subnets;
import io.serenity.p2p.eth2.gossip.TopicSchedule;
import io.serenity.p2p.eth2.gossip.TopicSelection;
import io.serenity.p2p.eth2.network.ChainConfig;
import io.serenity.p2p.eth2.network.ConfigException;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.types.MetaData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The Ethereum network options of {@code run}: which network (a preset or a {@code config.yaml}),
 * its bootnodes, discovery and the peer counts. With {@code --network} or {@code --network-config}
 * the node is an Ethereum node whose fork digest follows the wall clock.
 */
final class EthNetworkOptions {

  /** Default target peer count (the Ethereum profile's low watermark). */
  static final int DEFAULT_TARGET_PEERS = 70;
  /** Default maximum peer count with a network (the Ethereum profile's high watermark). */
  static final int DEFAULT_MAX_PEERS = 100;
  /** Default discovery UDP port, as consensus clients use. */
  static final int DEFAULT_DISCOVERY_PORT = 9000;
  /** The custody group count advertised from Fulu on: the specs' CUSTODY_REQUIREMENT for a node without validators. */
  static final long CUSTODY_REQUIREMENT = 4;

  @Option(
      names = "--network",
      paramLabel = "mainnet|sepolia|hoodi",
      description = "Run as an Ethereum node of this network: its fork schedule (the fork digest follows the "
          + "wall clock, Fulu's blob-parameter forks included), genesis and bootnodes; implies --preset ethereum.")
  String network;

  @Option(
      names = "--network-config",
      paramLabel = "<file>",
      description = "A consensus-specs config.yaml for a custom or local network (with --network, its genesis "
          + "and bootnodes are the preset's; otherwise give --genesis-time and --genesis-validators-root).")
  Path networkConfig;

  @Option(
      names = "--genesis-time",
      paramLabel = "<unix seconds>",
      description = "With --network-config and no --network: the network's genesis time.")
  Long genesisTime;

  @Option(
      names = "--genesis-validators-root",
      paramLabel = "<hex>",
      description = "With --network-config and no --network: the network's genesis validators root (32 bytes).")
  String genesisValidatorsRoot;

  @Option(
      names = "--bootnodes",
      paramLabel = "<list>",
      split = ",",
      description = "Bootnodes, comma-separated: enr: records (given to discovery) or multiaddrs with /p2p/<id> "
          + "(dialled once at start). Default: the network's.")
  List<String> bootnodes;

  @Option(
      names = "--discovery-port",
      paramLabel = "<port>",
      description = "UDP port of discv5 discovery (0: any). Default: 9000.")
  Integer discoveryPort;

  @Option(
      names = "--enr-address",
      paramLabel = "<ip>",
      description = "The IP address our ENR advertises (e.g. the public address of a NAT that forwards our TCP "
          + "and UDP ports). Default: the listen address when it is a specific one, else the first "
          + "non-loopback IPv4 interface address (a dry run shows none).")
  String enrAddress;

  @Option(
      names = "--target-peers",
      paramLabel = "<n>",
      description = "With a network: dial peers from discovery while fewer are connected. Default: 70.")
  Integer targetPeers;

  @Option(
      names = "--no-discovery",
      description = "With a network: no discv5 (only --peer and multiaddr bootnodes are dialled).")
  boolean noDiscovery;

  @Option(
      names = "--dry-run",
      description = "With a network: print what the node would do (its ENR, current fork digest, gossip topics, "
          + "bootnodes) and exit without opening any socket.")
  boolean dryRun;

  /** {@return whether a network was asked for} */
  boolean enabled() {
    return network != null || networkConfig != null;
  }

  /** Refuses the options that only mean something with a network. */
  void requireNoNetworkOptions() {
    String opt = genesisTime != null ? "--genesis-time"
        : genesisValidatorsRoot != null ? "--genesis-validators-root"
        : bootnodes != null ? "--bootnodes"
        : discoveryPort != null ? "--discovery-port"
        : enrAddress != null ? "--enr-address"
        : targetPeers != null ? "--target-peers"
        : noDiscovery ? "--no-discovery"
        : dryRun ? "--dry-run" : null;
    if (opt != null) {
      throw new UsageException(opt + " needs --network or --network-config");
    }
  }

  /** The network: a preset, a config file, or both (the file's schedule, the preset's genesis). */
  NetworkConfig networkConfig() {
    Network preset = null;
    if (network != null) {
      preset = Network.byName(network).orElseThrow(() -> new UsageException(
          "--network: unknown network '" + network + "' (expected mainnet, sepolia or hoodi)"));
    }
    if (networkConfig == null) {
      if (genesisTime != null || genesisValidatorsRoot != null) {
        throw new UsageException("--genesis-time and --genesis-validators-root go with --network-config");
      }
      return preset.config();
    }
    ChainConfig chain;
    try {
      chain = ChainConfig.parse(networkConfig);
    } catch (ConfigException e) {
      throw new UsageException("--network-config " + networkConfig + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UsageException("--network-config " + networkConfig + ": cannot read: " + e.getMessage());
    }
    if (preset != null) {
      if (genesisTime != null || genesisValidatorsRoot != null) {
        throw new UsageException("--genesis-time and --genesis-validators-root: the --network preset gives them");
      }
      NetworkConfig p = preset.config();
      return build(chain, p.genesisTime(), p.genesisValidatorsRoot(), p.bootnodes());
    }
    if (genesisTime == null || genesisValidatorsRoot == null) {
      throw new UsageException("--network-config without --network needs --genesis-time and --genesis-validators-root");
    }
    if (genesisTime < 0) {
      throw new UsageException("--genesis-time must be >= 0: " + genesisTime);
    }
    Bytes32 root;
    try {
      String h = genesisValidatorsRoot.startsWith("0x") ? genesisValidatorsRoot.substring(2) : genesisValidatorsRoot;
      root = Bytes32.fromHex(h);
    } catch (RuntimeException e) {
      throw new UsageException("--genesis-validators-root '" + genesisValidatorsRoot + "': expected 32 bytes of hex");
    }
    return build(chain, Instant.ofEpochSecond(genesisTime), root, List.of());
  }

  private static NetworkConfig build(ChainConfig chain, Instant genesis, Bytes32 root, List<String> boot) {
    try {
      return NetworkConfig.of(chain, genesis, root, boot);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--network-config: " + e.getMessage());
    }
  }

  /** The bootnodes: --bootnodes, else the network's; each an ENR or a multiaddr with /p2p. */
  Bootnodes bootnodes(NetworkConfig net) {
    List<String> given = bootnodes != null ? bootnodes : net.bootnodes();
    List<Enr> enrs = new ArrayList<>();
    List<String> addrs = new ArrayList<>();
    for (String s : given) {
      String t = s.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith(Enr.TEXT_PREFIX)) {
        try {
          enrs.add(Enr.fromText(t));
        } catch (RuntimeException e) {
          throw new UsageException("--bootnodes '" + abbreviate(t) + "': not a valid ENR: " + e.getMessage());
        }
      } else {
        try {
          PeerInfo.makePeer(t);
        } catch (FormatException e) {
          throw new UsageException("--bootnodes '" + t + "': expected enr:... or a multiaddr with /p2p/<id>: "
              + e.getMessage());
        }
        addrs.add(t);
      }
    }
    return new Bootnodes(enrs, addrs);
  }

  /** Bootnodes split by kind. */
  record Bootnodes(List<Enr> enrs, List<String> multiaddrs) {}

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  int targetPeers(Integer maxPeers) {
    int max = maxPeers(maxPeers);
    int target = targetPeers != null ? targetPeers : Math.min(DEFAULT_TARGET_PEERS, max);
    if (target < 1) {
      throw new UsageException("--target-peers must be >= 1: " + target);
    }
    if (target > max) {
      throw new UsageException("--target-peers " + target + " is above --max-peers " + max);
    }
    return target;
  }

  static int maxPeers(Integer maxPeers) {
    return maxPeers != null ? maxPeers : DEFAULT_MAX_PEERS;
  }

  int discoveryPort() {
    int p = discoveryPort != null ? discoveryPort : DEFAULT_DISCOVERY_PORT;
    if (p < 0 || p > 65535) {
      throw new UsageException("--discovery-port must be in 0..65535: " + p);
    }
    return p;
  }

  /** The address our ENR advertises: --enr-address, else the first specific listen address, else none. */
  InetAddress enrAddress(List<String> listenAddrs) {
    if (enrAddress != null) {
      try {
        if (!enrAddress.matches("[0-9a-fA-F:.]+")) {
          throw new UnknownHostException("not an IP address");
        }
        return InetAddress.getByName(enrAddress);
      } catch (UnknownHostException e) {
        throw new UsageException("--enr-address '" + enrAddress + "': expected an IPv4 or IPv6 address");
      }
    }
    for (String a : listenAddrs) {
      String[] parts = a.split("/");
      if (parts.length > 2 && (parts[1].equals("ip4") || parts[1].equals("ip6"))) {
        try {
          InetAddress ip = InetAddress.getByName(parts[2]);
          if (!ip.isAnyLocalAddress()) {
            return ip;
          }
        } catch (UnknownHostException e) {
          // not an address: look further
        }
      }
    }
    return null;
  }

  /** The TCP port of the first listen address, or -1. */
  static int tcpPort(List<String> listenAddrs) {
    for (String a : listenAddrs) {
      String[] parts = a.split("/");
      for (int i = 0; i + 1 < parts.length; i++) {
        if (parts[i].equals("tcp")) {
          return Integer.parseInt(parts[i + 1]);
        }
      }
    }
    return -1;
  }

  /** The UDP port of the first QUIC v1 listen address ({@code /udp/<port>/quic-v1}), or -1. */
  static int quicPort(List<String> listenAddrs) {
    for (String a : listenAddrs) {
      String[] parts = a.split("/");
      for (int i = 0; i + 2 < parts.length; i++) {
        if (parts[i].equals("udp") && parts[i + 2].equals("quic-v1")) {
          return Integer.parseInt(parts[i + 1]);
        }
      }
    }
    return -1;
  }

  /** The key as the ENR needs it: secp256k1 only (discv5's "v4" identity scheme). */
  static PrivateKey enrKey(PrivateKey identity) {
    if (identity.type() != KeyType.SECP256K1) {
      throw new UsageException("a network node needs a secp256k1 identity (the ENR's v4 scheme): "
          + "use --key-type secp256k1");
    }
    return identity;
  }

  /**
   * Our ENR at {@code now} without discovery running (the dry run, --no-discovery): ip, tcp, udp,
   * quic (when listening on QUIC) and the eth2 fields.
   */
  Enr localEnr(PrivateKey identity, NetworkConfig net, Instant now, List<String> listenAddrs) {
    Enr.Builder b = Enr.builder().seq(1);
    InetAddress ip = enrAddress(listenAddrs);
    int tcp = tcpPort(listenAddrs);
    int quic = quicPort(listenAddrs);
    if (ip != null) {
      b.ip(ip);
      boolean v6 = ip.getAddress().length == 16;
      if (tcp > 0) {
        if (v6) {
          b.tcp6(tcp);
        } else {
          b.tcp(tcp);
        }
      }
      if (quic > 0) {
        if (v6) {
          b.quic6(quic);
        } else {
          b.quic(quic);
        }
      }
      int udp = discoveryPort();
      if (udp > 0) {
        if (v6) {
          b.udp6(udp);
        } else {
          b.udp(udp);
        }
      }
    }
    writeEthFields(b, net, now);
    return b.sign(enrKey(identity));
  }

  /** The consensus fields of our record at {@code now}: no subnets served, the minimum custody. */
  static Enr.Builder writeEthFields(Enr.Builder b, NetworkConfig net, Instant now) {
    return EthEnr.writeFields(b, net, now, Bitvector.empty(MetaData.ATTESTATION_SUBNET_COUNT),
        Bitvector.empty(MetaData.SYNC_COMMITTEE_SUBNET_COUNT), CUSTODY_REQUIREMENT);
  }

  /**
   * The standard topics a node without validators takes: every global topic, no attestation or sync
   * committee subnet, the data column subnets of its custody (from Fulu: {@value #CUSTODY_REQUIREMENT}
   * custody groups derived from the node id), no light-client topics.
   */
  static TopicSchedule topics(NetworkConfig net, byte[] nodeId) {
    return TopicSchedule.of(net, TopicSelection.all().withAttestationSubnets(Subnets.none())
        .withSyncCommitteeSubnets(Subnets.none())
        .withDataColumnSubnets(Subnets.of(EthEnr.custodyGroups(nodeId, CUSTODY_REQUIREMENT,
            EthEnr.NUMBER_OF_CUSTODY_GROUPS)))
        .withLightClient(false));
  }

  /** The name a network is reported by. */
  String name(NetworkConfig net) {
    return network != null ? network.toLowerCase(Locale.ROOT) : net.name();
  }
}
