package io.serenity.p2p.core;

import java.util.List;
import java.util.Objects;

/**
 * A peer and the addresses it can be dialled at (transport addresses, without {@code /p2p}).
 *
 * <pre>{@code
 * PeerInfo p = PeerInfo.makePeer("/ip4/1.2.3.4/tcp/4000/p2p/16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
 * p.id();      // 16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY
 * p.addrs();   // [/ip4/1.2.3.4/tcp/4000]
 * }</pre>
 *
 * @param id the peer id
 * @param addrs transport addresses (immutable copy)
 */
public record PeerInfo(PeerId id, List<Multiaddr> addrs) {
  /** Copies the address list. */
  public PeerInfo {
    Objects.requireNonNull(id, "id");
    addrs = List.copyOf(addrs);
  }

  /**
   * Splits a peer multiaddr such as {@code /ip4/1.2.3.4/tcp/4000/p2p/<id>} ({@code /ipfs/<id>} is accepted too)
   * into the peer id and its transport address. {@code /p2p/<id>} alone gives an empty address list.
   *
   * @param multiaddr the peer's multiaddr, ending in {@code /p2p/<id>}
   * @return the peer id and its addresses
   * @throws FormatException naming what is wrong, e.g. {@code "invalid multiaddr, must begin with /"},
   *     {@code "missing /p2p component"}, {@code "unknown protocol 'foo'"}, or a bad peer id such as
   *     {@code "bad base58 in peer id at offset 7"}
   */
  public static PeerInfo makePeer(String multiaddr) {
    Multiaddr addr = Multiaddr.parse(multiaddr);
    List<Multiaddr.Component> c = addr.components();
    int last = c.size() - 1;
    for (int i = 0; i < last; i++) {
      if (c.get(i).protocol() == Multiaddr.Protocol.P2P) {
        throw new FormatException("invalid p2p multiaddr: /p2p must be the last component in " + multiaddr);
      }
    }
    PeerId id = addr.peerId().orElseThrow(() -> new FormatException("missing /p2p component in " + multiaddr));
    Multiaddr transport = addr.withoutPeerId();
    return new PeerInfo(id, transport.isEmpty() ? List.of() : List.of(transport));
  }
}
