package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.eth2.enr.Enr;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A source of candidate peers and the holder of our own node record, as the {@link PeerManager}
 * needs it. {@code p2p-discv5} implements it over a discv5 service; tests may implement it over a
 * fixed list. Implementations are thread-safe.
 */
public interface PeerDiscovery {

  /**
   * Looks for nodes: one discovery round (for discv5, a lookup of a random target), completing with
   * the records found, in no particular order and unfiltered.
   *
   * @return the records found; completes exceptionally when the round failed
   */
  CompletableFuture<List<Enr>> findNodes();

  /**
   * Looks for nodes whose record satisfies {@code wanted} (a subnet search: an {@code attnets} or
   * {@code syncnets} bit, or a custody that covers a data column subnet), completing with at most
   * {@code count} of them, possibly none. The default runs one {@link #findNodes()} and filters it;
   * an implementation may walk further (several lookups) until it has {@code count}.
   *
   * @param wanted the test a record must pass; must not throw
   * @param count how many matching records are enough (at least 1)
   * @return the matching records found
   */
  default CompletableFuture<List<Enr>> findNodes(Predicate<Enr> wanted, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    return findNodes().thenApply(found -> found.stream().filter(wanted).limit(count).toList());
  }

  /** {@return our current node record} */
  Enr localEnr();

  /**
   * Changes fields of our record (e.g. {@code eth2} at a fork boundary, {@code attnets}), which is
   * then re-signed with the next sequence number.
   *
   * @param change edits the record's builder
   * @return the new record
   */
  CompletableFuture<Enr> updateLocalEnr(Consumer<Enr.Builder> change);
}
