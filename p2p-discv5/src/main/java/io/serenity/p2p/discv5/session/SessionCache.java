package io.serenity.p2p.discv5.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sessions by {@link NodeAddress}, least recently used evicted beyond {@code capacity}, and
 * sessions idle longer than {@code idleNanos} dropped when looked up. Not thread-safe.
 */
public final class SessionCache {

  private final int capacity;
  private final long idleNanos;
  private final LinkedHashMap<NodeAddress, Session> sessions;

  /**
   * Creates an empty cache.
   *
   * @param capacity the most sessions kept
   * @param idleNanos how long an unused session lives
   */
  public SessionCache(int capacity, long idleNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.idleNanos = idleNanos;
    this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<NodeAddress, Session> eldest) {
        return size() > SessionCache.this.capacity;
      }
    };
  }

  /**
   * {@return the live session with a peer, or null}
   *
   * @param address the peer
   * @param nowNanos the current time
   */
  public Session get(NodeAddress address, long nowNanos) {
    Session s = sessions.get(address);
    if (s != null && nowNanos - s.lastUsedNanos() > idleNanos) {
      sessions.remove(address);
      return null;
    }
    return s;
  }

  /**
   * Stores a session, replacing any earlier one with the same peer.
   *
   * @param address the peer
   * @param session the session
   */
  public void put(NodeAddress address, Session session) {
    sessions.put(address, session);
  }

  /**
   * Forgets the session with a peer.
   *
   * @param address the peer
   */
  public void remove(NodeAddress address) {
    sessions.remove(address);
  }

  /** {@return the number of sessions held} */
  public int size() {
    return sessions.size();
  }

  /** {@return the most sessions held} */
  public int capacity() {
    return capacity;
  }
}
