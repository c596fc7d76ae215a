package io.serenity.p2p.node;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.server.Peer;
import io.serenity.p2p.server.PeerEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints {@code peer_connected} once a new peer's agent is known: when identify completes, or after
 * {@link #IDENTIFY_WAIT_SECONDS} without it (agent then empty), so every connection is reported once.
 */
final class ConnectionReporter {
  static final long IDENTIFY_WAIT_SECONDS = 5;

  private final EventPrinter printer;
  private final ScheduledExecutorService timer;
  private final Map<PeerId, PeerEvent.Connected> pending = new ConcurrentHashMap<>();

  ConnectionReporter(EventPrinter printer, ScheduledExecutorService timer) {
    this.printer = printer;
    this.timer = timer;
  }

  void connected(PeerEvent.Connected e) {
    pending.put(e.peer(), e);
    timer.schedule(() -> report(e.peer(), ""), IDENTIFY_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  void identified(PeerEvent.Identified e) {
    report(e.peer(), e.agentVersion());
  }

  void disconnected(PeerId peer) {
    pending.remove(peer);
  }

  private void report(PeerId peer, String agent) {
    PeerEvent.Connected c = pending.remove(peer);
    if (c == null) {
      return; // already reported, or gone
    }
    String direction = c.direction() == Peer.Direction.OUTBOUND ? "outbound" : "inbound";
    printer
        .event("peer_connected")
        .with("peerId", peer.toBase58())
        .with("direction", direction)
        .with("agent", agent)
        .with("addr", c.remoteAddr().toString())
        .with("muxer", c.muxer())
        .print("connected " + peer + " (" + direction + ", " + c.remoteAddr() + ", " + c.muxer()
            + (agent.isEmpty() ? "" : ", " + agent) + ")");
  }
}
