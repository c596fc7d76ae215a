package io.serenity.p2p.host;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.protocol.identify.IdentifyInfo;
import java.util.List;

/**
 * What a {@link Host} reports to its listeners ({@link Host#addListener}). Delivered on a Netty
 * event loop (or the caller's thread for {@link ProtocolsChanged}): listeners must not block.
 */
public sealed interface HostEvent {

  /** The first connection to {@code peer} is up (secured and multiplexed). */
  record PeerConnected(PeerId peer, Connection connection) implements HostEvent {}

  /** The last connection to {@code peer} closed. */
  record PeerDisconnected(PeerId peer) implements HostEvent {}

  /** A stream was opened by {@code stream.remotePeer()} and its protocol agreed. */
  record StreamOpened(Stream stream) implements HostEvent {}

  /** Our own protocol set changed (handler added or removed); identify push follows. */
  record ProtocolsChanged(List<String> protocols) implements HostEvent {}

  /** Identify (or identify push) from {@code peer} arrived; the peer store is updated. */
  record PeerIdentified(PeerId peer, IdentifyInfo info) implements HostEvent {}

  /** A peer broke a protocol; its stream was reset or its connection closed. */
  record ProtocolViolation(PeerId peer, String protocol, String violation) implements HostEvent {}
}
