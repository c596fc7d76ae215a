package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.eth2.enr.Enr;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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
