package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.table.NodeId;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Endpoint votes from PONGs: each voter's latest report of the address and port it saw us at, kept
 * for a lifetime, at most {@code maxVoters} voters (the oldest vote goes first). Owned by the loop.
 */
final class EndpointVotes {

  private record Vote(InetSocketAddress endpoint, long atNanos) {}

  private final int minVoters;
  private final long ttlNanos;
  private final int maxVoters;
  /** Voter to vote, oldest vote first. */
  private final LinkedHashMap<NodeId, Vote> votes = new LinkedHashMap<>();

  EndpointVotes(int minVoters, long ttlNanos, int maxVoters) {
    this.minVoters = minVoters;
    this.ttlNanos = ttlNanos;
    this.maxVoters = maxVoters;
  }

  /**
   * Records a vote and returns the winning endpoint, if any: at least {@code minVoters} live votes,
   * and more than any other endpoint has.
   */
  Optional<InetSocketAddress> vote(NodeId voter, InetSocketAddress endpoint, long nowNanos) {
    if (minVoters <= 0) {
      return Optional.empty();
    }
    votes.remove(voter);
    votes.put(voter, new Vote(endpoint, nowNanos));
    Iterator<Vote> it = votes.values().iterator();
    while (it.hasNext()) {
      Vote v = it.next();
      if (votes.size() > maxVoters || nowNanos - v.atNanos() > ttlNanos) {
        it.remove();
      } else {
        break; // votes are in time order: the rest are younger
      }
    }
    Map<InetSocketAddress, Integer> counts = new HashMap<>();
    for (Vote v : votes.values()) {
      counts.merge(v.endpoint(), 1, Integer::sum);
    }
    InetSocketAddress best = null;
    int bestCount = 0;
    int second = 0;
    for (Map.Entry<InetSocketAddress, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        second = bestCount;
        best = e.getKey();
        bestCount = e.getValue();
      } else if (e.getValue() > second) {
        second = e.getValue();
      }
    }
    return bestCount >= minVoters && bestCount > second ? Optional.of(best) : Optional.empty();
  }

  int size() {
    return votes.size();
  }
}
