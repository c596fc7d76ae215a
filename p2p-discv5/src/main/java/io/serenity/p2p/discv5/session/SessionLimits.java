package io.serenity.p2p.discv5.session;

import java.time.Duration;

/**
 * The bounds of the session layer.
 *
 * @param sessions sessions kept (LRU)
 * @param sessionIdle how long an unused session lives
 * @param challenges live WHOAREYOU challenges kept
 * @param challengeTtl how long a challenge accepts a handshake
 * @param requestMemory how long a sent request's nonce is remembered, so that a WHOAREYOU naming
 *     it is answered; also how long requests queue behind a handshake in progress
 * @param requests request nonces remembered in all
 * @param queuedPerNode requests queued behind one handshake in progress
 * @param handshakesPerSecond handshake packets verified per second (one ECDH and one signature check
 *     each), with a burst of as many; 0 = no limit
 */
public record SessionLimits(int sessions, Duration sessionIdle, int challenges, Duration challengeTtl,
    Duration requestMemory, int requests, int queuedPerNode, double handshakesPerSecond) {

  /** Checks the values. */
  public SessionLimits {
    if (sessions < 1 || challenges < 1 || requests < 1 || queuedPerNode < 1) {
      throw new IllegalArgumentException("session limits must be at least 1");
    }
  }
}
