package io.serenity.p2p.pubsub;

import java.util.function.Function;

/**
 * Values found by their message id in an open-addressing table: the value and its id's hash code per
 * slot, linear probing, at most half full, removal by shifting the entries of the run behind back (no
 * tombstones). For the caches that add and drop an id per message for as long as a node runs: no node
 * object per entry (a hash map allocates one per put), and about half the memory per entry held. The
 * table grows and never shrinks, as a hash map's does. Not thread-safe.
 *
 * @param <T> the values
 */
final class IdTable<T> {
  private final Function<T, MessageId> idOf;
  private Object[] values = new Object[32];
  private int[] hashes = new int[32];
  private int size;

  IdTable(Function<T, MessageId> idOf) {
    this.idOf = idOf;
  }

  int size() {
    return size;
  }

  /** {@return the value whose id equals {@code id}, or null} */
  @SuppressWarnings("unchecked")
  T get(MessageId id) {
    int h = id.hashCode();
    int mask = values.length - 1;
    for (int i = home(h, mask); ; i = (i + 1) & mask) {
      Object v = values[i];
      if (v == null) {
        return null;
      }
      if (hashes[i] == h && idOf.apply((T) v).equals(id)) {
        return (T) v;
      }
    }
  }

  /** Adds {@code value}, whose id must not be in the table yet (look it up first). */
  void add(T value) {
    if ((size + 1) * 2 > values.length) {
      rehash(values.length * 2);
    }
    insert(value, idOf.apply(value).hashCode());
    size++;
  }

  /** Removes this very value (by identity); false when it is not in the table. */
  boolean remove(T value) {
    int mask = values.length - 1;
    int i = home(idOf.apply(value).hashCode(), mask);
    while (values[i] != value) {
      if (values[i] == null) {
        return false;
      }
      i = (i + 1) & mask;
    }
    values[i] = null;
    size--;
    // Shift back every entry of the run after the hole that may sit there: one whose home slot is
    // not cyclically between the hole and its own slot.
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int k = home(hashes[j], mask);
      if (((j - k) & mask) >= ((j - i) & mask)) {
        values[i] = values[j];
        hashes[i] = hashes[j];
        values[j] = null;
        i = j;
      }
    }
    return true;
  }

  /** Empties the table, keeping its size. */
  void clear() {
    java.util.Arrays.fill(values, null);
    size = 0;
  }

  /** The home slot of a hash code (mixed: ids' hash codes are array hashes of similar bytes). */
  private static int home(int h, int mask) {
    int m = h * 0x9E3779B9;
    return (m ^ (m >>> 16)) & mask;
  }

  private void insert(Object value, int h) {
    int mask = values.length - 1;
    int i = home(h, mask);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    values[i] = value;
    hashes[i] = h;
  }

  private void rehash(int slots) {
    Object[] oldValues = values;
    int[] oldHashes = hashes;
    values = new Object[slots];
    hashes = new int[slots];
    for (int i = 0; i < oldValues.length; i++) {
      if (oldValues[i] != null) {
        insert(oldValues[i], oldHashes[i]);
      }
    }
  }
}
