package io.serenity.p2p.host;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.protocol.identify.IdentifyInfo;
import java.util.List;

/**
 * What a {@link Host} reports to its listeners ({@link Host#addListener}). Delivered on a Netty
 * event loop (or the caller's thread for {@link ProtocolsChanged}): listeners must not block.
 */
public sealed interface HostEvent {

  /**
   * The first connection to {@code peer} is up (secured and multiplexed).
   *
   * @param peer the peer
   * @param connection the new connection
   */
  record PeerConnected(PeerId peer, Connection connection) implements HostEvent {}

  /**
   * The last connection to {@code peer} closed.
   *
   * @param peer the peer
   */
  record PeerDisconnected(PeerId peer) implements HostEvent {}

  /**
   * A stream was opened by {@code stream.remotePeer()} and its protocol agreed.
   *
   * @param stream the new stream
   */
  record StreamOpened(Stream stream) implements HostEvent {}

  /**
   * Our own protocol set changed (handler added or removed); identify push follows.
   *
   * @param protocols the protocols we serve now
   */
  record ProtocolsChanged(List<String> protocols) implements HostEvent {}

  /**
   * Identify (or identify push) from {@code peer} arrived; the peer store is updated.
   *
   * @param peer the peer
   * @param info what it said
   */
  record PeerIdentified(PeerId peer, IdentifyInfo info) implements HostEvent {}

  /**
   * A peer broke a protocol; its stream was reset or its connection closed.
   *
   * @param peer the peer
   * @param protocol the protocol id, or the layer below protocols
   * @param violation what it did
   */
  record ProtocolViolation(PeerId peer, String protocol, String violation) implements HostEvent {}
}
