package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;

/**
 * A change in the server's peer set, from {@link Server#peerEvents()}. Sent in order from the
 * server's control thread, which also redials static peers: subscribe with a buffer ({@code
 * subscribe(sink, capacity)}) or keep consumers quick.
 */
public sealed interface PeerEvent {

  /** The peer concerned. */
  PeerId peer();

  /** A first connection to {@code peer} is up. */
  record Connected(PeerId peer, Peer.Direction direction) implements PeerEvent {}

  /** Identify from {@code peer} arrived: agent and protocols are known now. */
  record Identified(PeerId peer) implements PeerEvent {}

  /** The last connection to {@code peer} closed. */
  record Disconnected(PeerId peer) implements PeerEvent {}
}
