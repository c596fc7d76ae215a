package io.serenity.p2p.discv5.lookup;

import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.eth2.enr.Enr;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One iterative lookup (discv5-theory.md, "Lookup"): keep the closest nodes seen to the target, ask
 * up to {@code alpha} at a time with one FINDNODE of {@link #distances three distances} each, and
 * finish when the {@code k} closest have all answered or failed. A node whose query fails is asked
 * once more before it counts as failed: one lost datagram or a handshake that crossed one of the
 * node's own must not drop one of the closest nodes from the result (a dead node costs a second
 * timeout). Runs on the service's event loop:
 * the querier's futures must complete there. The caller bounds the total time with
 * {@link #finish()}.
 */
public final class Lookup {

  /** Sends one FINDNODE. */
  @FunctionalInterface
  public interface Querier {
    /**
     * Asks a peer for nodes.
     *
     * @param peer the peer
     * @param distances the distances to ask for
     * @return the verified records it returned; fails when it did not answer
     */
    CompletableFuture<List<Enr>> findNode(Enr peer, List<Integer> distances);
  }

  private enum State { NEW, ASKING, ANSWERED, FAILED }

  /** Queries a node gets before it counts as failed. */
  static final int ATTEMPTS = 2;

  private static final class Candidate {
    final Enr enr;
    State state = State.NEW;
    int attempts;

    Candidate(Enr enr) {
      this.enr = enr;
    }
  }

  private final NodeId target;
  private final NodeId localId;
  private final int k;
  private final int alpha;
  private final Querier querier;
  private final TreeMap<NodeId, Candidate> candidates;
  private final CompletableFuture<List<Enr>> result = new CompletableFuture<>();
  private int inFlight;

  /**
   * Creates a lookup.
   *
   * @param target the id looked for
   * @param localId our id (never queried or returned)
   * @param k how many closest nodes to find
   * @param alpha queries in flight at most
   * @param querier sends FINDNODE
   */
  public Lookup(NodeId target, NodeId localId, int k, int alpha, Querier querier) {
    this.target = target;
    this.localId = localId;
    this.k = k;
    this.alpha = alpha;
    this.querier = querier;
    this.candidates = new TreeMap<>(target::compareDistance);
  }

  /**
   * {@return the three distances asked of a peer: its log distance to the target (1 if 0), then
   * one further and one nearer, staying within 1..256}
   *
   * @param peer the peer
   * @param target the target
   */
  public static List<Integer> distances(NodeId peer, NodeId target) {
    int d = Math.max(1, peer.logDistance(target));
    List<Integer> out = new ArrayList<>(3);
    out.add(d);
    for (int step = 1; out.size() < 3 && step < 256; step++) {
      if (d + step <= 256) {
        out.add(d + step);
      }
      if (out.size() < 3 && d - step >= 1) {
        out.add(d - step);
      }
    }
    return out;
  }

  /**
   * Starts the lookup from the given nodes.
   *
   * @param seeds the closest nodes we know
   * @return completes with up to {@code k} answering nodes, closest to the target first
   */
  public CompletableFuture<List<Enr>> start(List<Enr> seeds) {
    seeds.forEach(this::offer);
    step();
    return result;
  }

  /** Ends the lookup now with what it has. */
  public void finish() {
    result.complete(answered());
  }

  /** {@return whether the lookup has ended} */
  public boolean isDone() {
    return result.isDone();
  }

  private void offer(Enr enr) {
    NodeId id = new NodeId(enr.nodeId());
    if (!id.equals(localId)) {
      candidates.putIfAbsent(id, new Candidate(enr));
    }
  }

  private void step() {
    if (result.isDone()) {
      return;
    }
    int seen = 0;
    boolean waiting = false;
    for (Candidate c : new ArrayList<>(candidates.values())) {
      if (seen >= k) {
        break;
      }
      if (c.state == State.FAILED) {
        continue;
      }
      seen++;
      if (c.state == State.NEW) {
        if (inFlight < alpha) {
          ask(c);
          if (result.isDone()) {
            return;
          }
        }
        waiting = true;
      } else if (c.state == State.ASKING) {
        waiting = true;
      }
    }
    if (!waiting && inFlight == 0) {
      finish();
    }
  }

  private void ask(Candidate c) {
    c.state = State.ASKING;
    c.attempts++;
    inFlight++;
    NodeId peer = new NodeId(c.enr.nodeId());
    querier.findNode(c.enr, distances(peer, target)).whenComplete((enrs, error) -> {
      inFlight--;
      if (error != null) {
        c.state = c.attempts < ATTEMPTS ? State.NEW : State.FAILED;
      } else {
        c.state = State.ANSWERED;
        enrs.forEach(this::offer);
      }
      step();
    });
  }

  private List<Enr> answered() {
    List<Enr> out = new ArrayList<>();
    int seen = 0;
    for (Candidate c : candidates.values()) {
      if (seen >= k) {
        break;
      }
      if (c.state == State.ANSWERED) {
        out.add(c.enr);
        seen++;
      }
    }
    return out;
  }
}
