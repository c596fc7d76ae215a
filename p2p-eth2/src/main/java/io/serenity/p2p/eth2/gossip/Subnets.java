package io.serenity.p2p.eth2.gossip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which subnets of one kind (attestation, sync committee, data column) a node subscribes to: all of
 * them, whatever their count on the chain, or a given set of subnet ids.
 *
 * <pre>{@code
 * Subnets.all();              // every subnet the fork defines
 * Subnets.of(3, 17);          // e.g. the node's long-lived attestation subnets
 * Subnets.none();
 * }</pre>
 *
 * @param allSubnets true for every subnet ({@code ids} is then empty)
 * @param ids the chosen subnet ids, ascending, each ≥ 0 (empty when {@code allSubnets})
 */
public record Subnets(boolean allSubnets, SortedSet<Integer> ids) {

  private static final Subnets ALL = new Subnets(true, new TreeSet<>());
  private static final Subnets NONE = new Subnets(false, new TreeSet<>());

  /**
   * Checks and copies.
   *
   * @throws IllegalArgumentException for a negative id, or ids given together with {@code all}
   */
  public Subnets {
    TreeSet<Integer> copy = new TreeSet<>();
    for (Integer id : ids) {
      if (id == null || id < 0) {
        throw new IllegalArgumentException("subnet ids must be >= 0, got " + id);
      }
      copy.add(id);
    }
    if (allSubnets && !copy.isEmpty()) {
      throw new IllegalArgumentException("Subnets.all() takes no ids");
    }
    ids = java.util.Collections.unmodifiableSortedSet(copy);
  }

  /** {@return every subnet} */
  public static Subnets all() {
    return ALL;
  }

  /** {@return no subnet} */
  public static Subnets none() {
    return NONE;
  }

  /**
   * {@return these subnets}
   *
   * @param ids subnet ids, each ≥ 0
   */
  public static Subnets of(int... ids) {
    List<Integer> list = new ArrayList<>(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return of(list);
  }

  /**
   * {@return these subnets}
   *
   * @param ids subnet ids, each ≥ 0
   */
  public static Subnets of(Collection<Integer> ids) {
    return new Subnets(false, new TreeSet<>(ids));
  }

  /**
   * The chosen ids among {@code count} subnets.
   *
   * @param count how many subnets the fork defines
   * @param kind what they are, for the error message
   * @return {@code 0 .. count-1} for {@link #all()}, else {@link #ids()}
   * @throws IllegalArgumentException when an id is {@code count} or more
   */
  public List<Integer> resolve(int count, String kind) {
    if (allSubnets) {
      List<Integer> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(i);
      }
      return out;
    }
    if (!ids.isEmpty() && ids.last() >= count) {
      throw new IllegalArgumentException(kind + " subnet " + ids.last() + " out of range: the fork has " + count);
    }
    return List.copyOf(ids);
  }

  @Override
  public String toString() {
    return allSubnets ? "all" : ids.toString();
  }
}
