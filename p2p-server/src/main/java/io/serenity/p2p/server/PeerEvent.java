package io.serenity.p2p.server;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import java.util.List;
import java.util.Objects;

/**
 * A change in the server's peer set, or a problem with a peer, from {@link Server#peerEvents()}.
 * Sent in order from the server's control thread, which also redials static peers: subscribe with a
 * buffer ({@code subscribe(sink, capacity)}) or keep consumers quick.
 */
public sealed interface PeerEvent {

  /** {@return the peer concerned} */
  PeerId peer();

  /**
   * A first connection to {@code peer} is up.
   *
   * @param peer the newly connected peer
   * @param direction who dialled
   * @param remoteAddr the peer's address on this connection
   * @param muxer the negotiated stream muxer protocol id, e.g. {@code /yamux/1.0.0}
   */
  record Connected(PeerId peer, Peer.Direction direction, Multiaddr remoteAddr, String muxer) implements PeerEvent {
    /** Checks that no component is null. */
    public Connected {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(remoteAddr, "remoteAddr");
      Objects.requireNonNull(muxer, "muxer");
    }
  }

  /**
   * Identify from {@code peer} arrived.
   *
   * @param peer the peer that identified itself
   * @param agentVersion what the peer calls itself; empty when it did not say
   * @param protocols the protocols it serves
   */
  record Identified(PeerId peer, String agentVersion, List<String> protocols) implements PeerEvent {
    /** Checks for nulls and copies the protocol list. */
    public Identified {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(agentVersion, "agentVersion");
      protocols = List.copyOf(protocols);
    }
  }

  /**
   * The last connection to {@code peer} closed.
   *
   * @param peer the peer, now without a connection
   */
  record Disconnected(PeerId peer) implements PeerEvent {}

  /**
   * A dial to a bootstrap or static peer failed; static peers are redialled with backoff ({@link
   * ServerConfig#reconnectBackoffMin()} doubling to {@link ServerConfig#reconnectBackoffMax()}).
   *
   * @param peer the peer we dialled
   * @param reason why, e.g. "connection refused"
   */
  record DialFailed(PeerId peer, String reason) implements PeerEvent {}

  /**
   * {@code peer} broke a protocol's rules (oversize frame, malformed message, ...); the stream or
   * connection concerned was closed.
   *
   * @param peer the peer that broke them
   * @param protocol the protocol id, or the layer (e.g. {@code noise}) below protocols
   * @param violation what it did
   */
  record ProtocolViolation(PeerId peer, String protocol, String violation) implements PeerEvent {}
}
