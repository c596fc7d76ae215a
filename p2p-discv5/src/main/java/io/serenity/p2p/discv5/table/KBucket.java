package io.serenity.p2p.discv5.table;

import io.serenity.p2p.eth2.enr.Enr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Kademlia bucket: at most {@link #K} entries, least recently seen first, and a replacement
 * list of the {@link #REPLACEMENTS} most recent candidates that did not fit. Not thread-safe; the
 * service's event loop owns it.
 */
public final class KBucket {

  /** Entries per bucket. */
  public static final int K = 16;
  /** Candidates kept per bucket while it is full. */
  public static final int REPLACEMENTS = 10;

  /** What {@link #offer} did with a record. */
  public enum Result {
    /** The node was new and took a free slot. */
    ADDED,
    /** The node was already there; its record (if newer) and its position were updated. */
    UPDATED,
    /** The bucket was full; the node went to the replacement list. */
    REPLACEMENT,
    /** Refused: an older record than the one held. */
    IGNORED
  }

  private final LinkedHashMap<NodeId, TableEntry> entries = new LinkedHashMap<>();
  private final LinkedHashMap<NodeId, Enr> replacements = new LinkedHashMap<>();

  /** Creates an empty bucket. */
  public KBucket() {}

  /**
   * Offers a record.
   *
   * @param id the node id of the record
   * @param enr the record
   * @param live true when the node has just answered us (marks it live and most recently seen)
   * @return what happened
   */
  public Result offer(NodeId id, Enr enr, boolean live) {
    TableEntry old = entries.get(id);
    if (old != null) {
      if (enr.seq() < old.enr().seq()) {
        return Result.IGNORED;
      }
      if (live) {
        entries.remove(id);
      }
      entries.put(id, new TableEntry(id, enr, live || old.live()));
      return Result.UPDATED;
    }
    if (entries.size() < K) {
      replacements.remove(id);
      entries.put(id, new TableEntry(id, enr, live));
      return Result.ADDED;
    }
    replacements.remove(id);
    replacements.put(id, enr);
    while (replacements.size() > REPLACEMENTS) {
      replacements.remove(replacements.keySet().iterator().next());
    }
    return Result.REPLACEMENT;
  }

  /**
   * Removes a node (it did not answer), promoting the most recent replacement, not yet live.
   *
   * @param id the node
   * @return the promoted record, if any
   */
  public Optional<Enr> remove(NodeId id) {
    replacements.remove(id);
    if (entries.remove(id) == null || replacements.isEmpty()) {
      return Optional.empty();
    }
    Map.Entry<NodeId, Enr> last = replacements.pollLastEntry();
    entries.put(last.getKey(), new TableEntry(last.getKey(), last.getValue(), false));
    return Optional.of(last.getValue());
  }

  /**
   * {@return the entry of a node}
   *
   * @param id the node
   */
  public Optional<TableEntry> get(NodeId id) {
    return Optional.ofNullable(entries.get(id));
  }

  /** {@return the least recently seen entry} */
  public Optional<TableEntry> oldest() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.firstEntry().getValue());
  }

  /** {@return the entries, least recently seen first} */
  public List<TableEntry> entries() {
    return new ArrayList<>(entries.values());
  }

  /** {@return the replacement candidates, oldest first} */
  public List<Enr> replacements() {
    return new ArrayList<>(replacements.values());
  }

  /** {@return the number of entries} */
  public int size() {
    return entries.size();
  }
}
