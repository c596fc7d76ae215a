package io.serenity.p2p.discv5.session;

import io.serenity.p2p.eth2.enr.Enr;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The WHOAREYOU challenges we sent and still accept a handshake for: one per {@link NodeAddress},
 * each live for {@code ttlNanos}, at most {@code capacity}. A handshake attempt consumes its
 * challenge whether or not it verifies, so a replayed bad handshake costs no second ECDH. Not
 * thread-safe.
 */
public final class ChallengeStore {

  /**
   * A challenge as sent.
   *
   * @param datagram the encoded WHOAREYOU, re-sent unchanged while live
   * @param challengeData masking-iv ‖ static header ‖ authdata
   * @param knownEnr the challenged node's record we held (its seq was in the challenge), or null
   * @param expiresNanos when it stops being accepted
   */
  public record Challenge(byte[] datagram, byte[] challengeData, Enr knownEnr, long expiresNanos) {}

  private final int capacity;
  private final long ttlNanos;
  private final LinkedHashMap<NodeAddress, Challenge> challenges = new LinkedHashMap<>();

  /**
   * Creates an empty store.
   *
   * @param capacity the most live challenges
   * @param ttlNanos how long a challenge is live
   */
  public ChallengeStore(int capacity, long ttlNanos) {
    this.capacity = capacity;
    this.ttlNanos = ttlNanos;
  }

  /**
   * {@return the live challenge sent to a peer, or null}
   *
   * @param address the peer
   * @param nowNanos the current time
   */
  public Challenge live(NodeAddress address, long nowNanos) {
    expire(nowNanos);
    return challenges.get(address);
  }

  /**
   * Stores a new challenge, unless the store is full of live ones.
   *
   * @param address the peer
   * @param datagram the encoded WHOAREYOU
   * @param challengeData its challenge data
   * @param knownEnr the record we hold of the peer, or null
   * @param nowNanos the current time
   * @return false when full (then the challenge must not be sent)
   */
  public boolean add(NodeAddress address, byte[] datagram, byte[] challengeData, Enr knownEnr, long nowNanos) {
    expire(nowNanos);
    if (challenges.size() >= capacity && !challenges.containsKey(address)) {
      return false;
    }
    challenges.remove(address);
    challenges.put(address, new Challenge(datagram, challengeData, knownEnr, nowNanos + ttlNanos));
    return true;
  }

  /**
   * Removes and returns the live challenge of a peer.
   *
   * @param address the peer
   * @param nowNanos the current time
   * @return the challenge, or null when none is live
   */
  public Challenge consume(NodeAddress address, long nowNanos) {
    expire(nowNanos);
    return challenges.remove(address);
  }

  /** {@return the number of challenges held} */
  public int size() {
    return challenges.size();
  }

  private void expire(long nowNanos) {
    // insertion order is expiry order: every challenge lives equally long
    Iterator<Map.Entry<NodeAddress, Challenge>> it = challenges.entrySet().iterator();
    while (it.hasNext() && nowNanos - it.next().getValue().expiresNanos() >= 0) {
      it.remove();
    }
  }
}
