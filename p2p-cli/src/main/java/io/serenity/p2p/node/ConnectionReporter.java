package io.serenity.p2p.node;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.HostEvent;
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
  private final Map<PeerId, Connection> pending = new ConcurrentHashMap<>();

  ConnectionReporter(EventPrinter printer, ScheduledExecutorService timer) {
    this.printer = printer;
    this.timer = timer;
  }

  void connected(HostEvent.PeerConnected e) {
    pending.put(e.peer(), e.connection());
    timer.schedule(() -> report(e.peer(), ""), IDENTIFY_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  void identified(HostEvent.PeerIdentified e) {
    report(e.peer(), e.info().agentVersion().orElse(""));
  }

  void disconnected(PeerId peer) {
    pending.remove(peer);
  }

  private void report(PeerId peer, String agent) {
    Connection c = pending.remove(peer);
    if (c == null) {
      return; // already reported, or gone
    }
    String direction = c.isInitiator() ? "outbound" : "inbound";
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
