package io.serenity.p2p.discv5.session;

import io.serenity.p2p.discv5.table.NodeId;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A node id at one UDP endpoint. Sessions and challenges are keyed by both: the same node at a
 * new IP or port needs a new handshake (hive {@code PingMultiIP}).
 *
 * @param nodeId the node id
 * @param address its UDP endpoint (resolved)
 */
public record NodeAddress(NodeId nodeId, InetSocketAddress address) {

  /** Checks for nulls and an unresolved address. */
  public NodeAddress {
    Objects.requireNonNull(nodeId, "nodeId");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("unresolved address " + address);
    }
  }
}
