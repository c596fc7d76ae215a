package io.serenity.p2p.server;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * A connected peer as the server sees it (a snapshot).
 *
 * @param id the peer id
 * @param addresses known addresses (the connection's remote address first)
 * @param agent the agent version from identify, when known
 * @param protocols protocols the peer announced in identify
 * @param score the gossipsub peer score (0 without scoring or for floodsub)
 * @param direction who dialled
 */
public record Peer(
    PeerId id,
    List<Multiaddr> addresses,
    Optional<String> agent,
    List<String> protocols,
    double score,
    Direction direction) {

  /** Who opened the connection. */
  public enum Direction {
    /** The peer dialled us. */
    INBOUND,
    /** We dialled the peer. */
    OUTBOUND
  }

  /** Copies the lists. */
  public Peer {
    addresses = List.copyOf(addresses);
    protocols = List.copyOf(protocols);
  }
}
