package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.ssz.Bitvector;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.EnrForkId;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.server.Peer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A node and a discovery for {@link PeerManager} unit tests: peers come and go when the test says,
 * dials stay pending until the test completes them, Goodbyes are recorded and disconnect at once.
 */
final class FakeNode implements ManagedNode {

  final PeerId self = id(9999);
  final Map<PeerId, Peer> connected = new LinkedHashMap<>();
  final Map<PeerId, CompletableFuture<Object>> pendingDials = new LinkedHashMap<>();
  final List<PeerId> dialled = new ArrayList<>();
  final List<Map.Entry<PeerId, Long>> goodbyes = new CopyOnWriteArrayList<>();
  final Map<PeerId, Integer> values = new HashMap<>();
  final Set<PeerId> protectedPeers = new HashSet<>();
  final Map<PeerId, MetaData> metaData = new HashMap<>();
  final Map<PeerId, Long> cgc = new HashMap<>();
  final Map<PeerId, Bytes4> statusDigests = new HashMap<>();
  volatile Predicate<Bytes4> relevant;
  final List<Bytes4> statusDigestsSet = new ArrayList<>();

  static PrivateKey key(int seed) {
    return PrivateKey.fromSeed(KeyType.SECP256K1, seed);
  }

  static PeerId id(int seed) {
    return PeerId.fromPublicKey(key(seed).publicKey());
  }

  /** A plain record on {@code digest} announcing {@code nfd} as its next fork digest. */
  static Enr withNfd(int seed, Bytes4 digest, Bytes4 nfd) {
    return Enr.builder().from(plain(seed, digest)).set(EthEnr.KEY_NFD, nfd.bytes()).seq(2).sign(key(seed));
  }

  /** A record on {@code digest} with an ip and tcp port, optionally with attnets, syncnets and cgc. */
  static Enr record(int seed, Bytes4 digest, int[] attnets, int[] syncnets, long cgc) {
    try {
      Enr.Builder b = Enr.builder().ip(InetAddress.getByName("127.0.0.1")).tcp(10_000 + seed)
          .eth2(new EnrForkId(digest, digest, EnrForkId.FAR_FUTURE_EPOCH))
          .attnets(Bitvector.of(64, attnets)).syncnets(Bitvector.of(4, syncnets));
      if (cgc >= 0) {
        b.set(EthEnr.KEY_CGC, EthEnr.uintBytes(cgc));
      }
      return b.sign(key(seed));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Enr plain(int seed, Bytes4 digest) {
    return record(seed, digest, new int[0], new int[0], -1);
  }

  Peer connect(PeerId id, Peer.Direction direction) {
    Peer p = new Peer(id, List.of(), Optional.empty(), List.of(), 0, direction);
    connected.put(id, p);
    return p;
  }

  /** Completes every pending dial: the peers become connected outbound peers. */
  void completeDials() {
    for (Map.Entry<PeerId, CompletableFuture<Object>> e : new ArrayList<>(pendingDials.entrySet())) {
      connect(e.getKey(), Peer.Direction.OUTBOUND);
      pendingDials.remove(e.getKey());
      e.getValue().complete(e.getKey());
    }
  }

  List<PeerId> goodbyeTo(long reason) {
    List<PeerId> out = new ArrayList<>();
    for (Map.Entry<PeerId, Long> g : goodbyes) {
      if (g.getValue() == reason) {
        out.add(g.getKey());
      }
    }
    return out;
  }

  @Override
  public PeerId self() {
    return self;
  }

  @Override
  public List<Peer> peers() {
    return List.copyOf(connected.values());
  }

  @Override
  public CompletableFuture<?> dial(List<Multiaddr> addresses) {
    PeerId id = addresses.get(0).peerId().orElseThrow();
    dialled.add(id);
    CompletableFuture<Object> f = new CompletableFuture<>();
    pendingDials.put(id, f);
    return f;
  }

  @Override
  public CompletableFuture<Void> goodbye(PeerId peer, long reason) {
    goodbyes.add(Map.entry(peer, reason));
    connected.remove(peer);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public int value(PeerId peer) {
    return values.getOrDefault(peer, 0);
  }

  @Override
  public boolean isProtected(PeerId peer) {
    return protectedPeers.contains(peer);
  }

  @Override
  public Optional<MetaData> metaData(PeerId peer) {
    return Optional.ofNullable(metaData.get(peer));
  }

  final List<PeerId> metaDataRequests = new ArrayList<>();

  @Override
  public CompletableFuture<?> requestMetaData(PeerId peer) {
    metaDataRequests.add(peer);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Optional<Bytes4> statusForkDigest(PeerId peer) {
    return connected.containsKey(peer) ? Optional.ofNullable(statusDigests.get(peer)) : Optional.empty();
  }

  @Override
  public void relevantForkDigests(Predicate<Bytes4> relevant) {
    this.relevant = relevant;
  }

  @Override
  public void useForkDigest(Bytes4 digest) {
    statusDigestsSet.add(digest);
  }

  @Override
  public OptionalLong custodyGroupCount(PeerId peer) {
    Long v = cgc.get(peer);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** Discovery over a changeable list; counts plain and subnet searches; keeps our record. */
  static final class Discovery implements PeerDiscovery {
    final List<Enr> records = new CopyOnWriteArrayList<>();
    volatile Enr local = Enr.builder().sign(key(9999));
    int plainSearches;
    int subnetSearches;
    final List<Integer> subnetSearchCounts = new ArrayList<>();

    @Override
    public CompletableFuture<List<Enr>> findNodes() {
      plainSearches++;
      return CompletableFuture.completedFuture(List.copyOf(records));
    }

    @Override
    public CompletableFuture<List<Enr>> findNodes(Predicate<Enr> wanted, int count) {
      subnetSearches++;
      subnetSearchCounts.add(count);
      return CompletableFuture.completedFuture(records.stream().filter(wanted).limit(count).toList());
    }

    @Override
    public Enr localEnr() {
      return local;
    }

    @Override
    public synchronized CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change) {
      Enr.Builder b = Enr.builder().from(local);
      change.accept(b);
      local = b.seq(local.seq() + 1).sign(key(9999));
      return CompletableFuture.completedFuture(local);
    }
  }
}
