package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.Nodes;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.eth2.enr.Enr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Collects the NODES answering one FINDNODE: up to {@code maxPackets} packets (the first packet's
 * {@code total} sets how many are expected), records checked to be at one of the asked distances
 * from the responder, never our own, deduplicated, at most {@code maxRecords}. A timeout after at
 * least one packet completes with what arrived. (Signatures are verified by the message codec.)
 */
final class NodesCollector implements ResponseHandler {

  private final NodeId responder;
  private final NodeId localId;
  private final Set<Integer> distances;
  private final int maxPackets;
  private final int maxRecords;
  private final CompletableFuture<List<Enr>> result;
  private final Map<NodeId, Enr> records = new LinkedHashMap<>();
  private int received;
  private int expected;
  private int rejected;

  NodesCollector(NodeId responder, NodeId localId, List<Integer> distances, int maxPackets, int maxRecords,
      CompletableFuture<List<Enr>> result) {
    this.responder = responder;
    this.localId = localId;
    this.distances = new HashSet<>(distances);
    this.maxPackets = maxPackets;
    this.maxRecords = maxRecords;
    this.result = result;
  }

  @Override
  public boolean onResponse(Message response) {
    if (!(response instanceof Nodes nodes)) {
      return false;
    }
    received++;
    if (expected == 0) {
      expected = Math.min(Math.max(nodes.total(), 1), maxPackets);
    }
    for (Enr enr : nodes.enrs()) {
      NodeId id = new NodeId(enr.nodeId());
      if (!distances.contains(responder.logDistance(id)) || id.equals(localId)) {
        rejected++;
        continue;
      }
      if (records.size() < maxRecords) {
        records.merge(id, enr, (a, b) -> b.seq() > a.seq() ? b : a);
      }
    }
    if (received >= expected) {
      result.complete(new ArrayList<>(records.values()));
      return true;
    }
    return false;
  }

  @Override
  public void onFailure(Throwable error) {
    if (received > 0 && error instanceof TimeoutException) {
      result.complete(new ArrayList<>(records.values()));
    } else {
      result.completeExceptionally(error);
    }
  }

  /** {@return records refused for their distance or for being ours} */
  int rejected() {
    return rejected;
  }
}
