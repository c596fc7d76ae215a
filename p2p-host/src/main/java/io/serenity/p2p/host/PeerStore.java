package io.serenity.p2p.host;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the host knows about other peers: addresses, public keys, supported protocols, agent and
 * protocol versions, and the address at which each peer saw us. Filled by dials and identify;
 * thread-safe.
 */
public final class PeerStore {

  /** Addresses kept per peer: identify lists beyond this are truncated. */
  static final int MAX_ADDRS_PER_PEER = 64;

  /**
   * One peer's entry.
   *
   * @param addrs known dialable addresses (without {@code /p2p}), most recent last
   * @param publicKey identity key, when learnt from Noise or identify
   * @param protocols protocols the peer announced in identify
   * @param agentVersion from identify
   * @param protocolVersion from identify
   * @param observedAddr our address as this peer observed it
   */
  public record PeerData(
      List<Multiaddr> addrs,
      Optional<PublicKey> publicKey,
      List<String> protocols,
      Optional<String> agentVersion,
      Optional<String> protocolVersion,
      Optional<Multiaddr> observedAddr) {

    static final PeerData EMPTY =
        new PeerData(
            List.of(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private final ConcurrentHashMap<PeerId, PeerData> peers = new ConcurrentHashMap<>();

  /** An empty peer store. */
  public PeerStore() {}

  /**
   * {@return the entry for {@code peer}, if any}
   *
   * @param peer the peer
   */
  public Optional<PeerData> get(PeerId peer) {
    return Optional.ofNullable(peers.get(peer));
  }

  /** {@return peers with an entry} */
  public Set<PeerId> peers() {
    return Set.copyOf(peers.keySet());
  }

  /**
   * Adds addresses for {@code peer} (a {@code /p2p} suffix is stripped).
   *
   * @param peer the peer
   * @param addrs its addresses
   */
  public void addAddrs(PeerId peer, Collection<Multiaddr> addrs) {
    update(
        peer,
        d -> {
          LinkedHashSet<Multiaddr> merged = new LinkedHashSet<>(d.addrs());
          for (Multiaddr a : addrs) {
            merged.add(a.withoutPeerId());
          }
          List<Multiaddr> list = new ArrayList<>(merged);
          if (list.size() > MAX_ADDRS_PER_PEER) {
            list = list.subList(list.size() - MAX_ADDRS_PER_PEER, list.size());
          }
          return new PeerData(
              List.copyOf(list), d.publicKey(), d.protocols(), d.agentVersion(), d.protocolVersion(),
              d.observedAddr());
        });
  }

  /**
   * {@return known addresses of {@code peer}}
   *
   * @param peer the peer
   */
  public List<Multiaddr> addrs(PeerId peer) {
    return get(peer).map(PeerData::addrs).orElse(List.of());
  }

  /**
   * Records the identity key of {@code peer}.
   *
   * @param peer the peer
   * @param key its key
   */
  public void setPublicKey(PeerId peer, PublicKey key) {
    update(
        peer,
        d ->
            new PeerData(
                d.addrs(), Optional.of(key), d.protocols(), d.agentVersion(), d.protocolVersion(),
                d.observedAddr()));
  }

  /**
   * {@return the identity key of {@code peer}, if known}
   *
   * @param peer the peer
   */
  public Optional<PublicKey> publicKey(PeerId peer) {
    return get(peer).flatMap(PeerData::publicKey);
  }

  /**
   * Replaces the protocols {@code peer} supports.
   *
   * @param peer the peer
   * @param protocols its protocol ids
   */
  public void setProtocols(PeerId peer, Collection<String> protocols) {
    List<String> copy = List.copyOf(new LinkedHashSet<>(protocols));
    update(
        peer,
        d ->
            new PeerData(
                d.addrs(), d.publicKey(), copy, d.agentVersion(), d.protocolVersion(), d.observedAddr()));
  }

  /**
   * Protocols {@code peer} announced.
   *
   * @param peer the peer
   * @return the protocol ids, empty when unknown
   */
  public List<String> protocols(PeerId peer) {
    return get(peer).map(PeerData::protocols).orElse(List.of());
  }

  /**
   * Records versions and our observed address as reported by {@code peer}.
   *
   * @param peer the peer
   * @param agentVersion what it calls itself
   * @param protocolVersion its protocol version
   * @param observedAddr our address as it sees it
   */
  public void setIdentity(
      PeerId peer,
      Optional<String> agentVersion,
      Optional<String> protocolVersion,
      Optional<Multiaddr> observedAddr) {
    update(
        peer,
        d ->
            new PeerData(
                d.addrs(),
                d.publicKey(),
                d.protocols(),
                agentVersion.or(d::agentVersion),
                protocolVersion.or(d::protocolVersion),
                observedAddr.or(d::observedAddr)));
  }

  /**
   * {@return the agent version {@code peer} announced}
   *
   * @param peer the peer
   */
  public Optional<String> agentVersion(PeerId peer) {
    return get(peer).flatMap(PeerData::agentVersion);
  }

  /**
   * {@return the protocol version {@code peer} announced}
   *
   * @param peer the peer
   */
  public Optional<String> protocolVersion(PeerId peer) {
    return get(peer).flatMap(PeerData::protocolVersion);
  }

  /**
   * {@return our address as {@code peer} observed it}
   *
   * @param peer the peer
   */
  public Optional<Multiaddr> observedAddr(PeerId peer) {
    return get(peer).flatMap(PeerData::observedAddr);
  }

  /**
   * Forgets {@code peer}.
   *
   * @param peer the peer
   */
  public void remove(PeerId peer) {
    peers.remove(peer);
  }

  private void update(PeerId peer, UnaryOperator<PeerData> f) {
    peers.compute(peer, (k, v) -> f.apply(v == null ? PeerData.EMPTY : v));
  }
}
