package io.serenity.p2p.discv5.session;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.crypto.SessionKeys;
import io.serenity.p2p.discv5.wire.Packet;
import io.serenity.p2p.eth2.enr.Enr;
import java.nio.ByteBuffer;

/**
 * The keys shared with one {@link NodeAddress} after a handshake, the peer's record, and our send
 * counter. Message nonces are the 4-byte big-endian counter followed by 8 random bytes, so a nonce
 * never repeats under one key. The read key of the session it replaced is kept until
 * {@code previousUntilNanos}, for packets the peer sent before it saw the new handshake. Not
 * thread-safe; the service's event loop owns it.
 */
public final class Session {

  private final SessionKeys keys;
  private final boolean initiator;
  private final Enr remoteEnr;
  private final byte[] previousReadKey;
  private final long previousUntilNanos;
  private int counter;
  private long lastUsedNanos;

  /**
   * Creates a session.
   *
   * @param keys the derived keys
   * @param initiator true when we answered the WHOAREYOU (we write with the initiator key)
   * @param remoteEnr the peer's verified record
   * @param previous the session this one replaces, or null
   * @param previousUntilNanos until when the replaced session's read key is still accepted
   * @param nowNanos the current time
   */
  public Session(SessionKeys keys, boolean initiator, Enr remoteEnr, Session previous, long previousUntilNanos,
      long nowNanos) {
    this.keys = keys;
    this.initiator = initiator;
    this.remoteEnr = remoteEnr;
    this.previousReadKey = previous == null ? null : previous.readKey();
    this.previousUntilNanos = previousUntilNanos;
    this.lastUsedNanos = nowNanos;
  }

  /** {@return the key we encrypt with} */
  public byte[] writeKey() {
    return initiator ? keys.initiatorKey() : keys.recipientKey();
  }

  /** {@return the key the peer encrypts with} */
  public byte[] readKey() {
    return initiator ? keys.recipientKey() : keys.initiatorKey();
  }

  /** {@return the peer's record} */
  public Enr remoteEnr() {
    return remoteEnr;
  }

  /** {@return the number of messages sent in this session} */
  public int sent() {
    return counter;
  }

  /** {@return when the session was last used} */
  public long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * {@return a fresh message nonce: counter ‖ 8 random bytes}
   *
   * @param random the source of the random part
   */
  public byte[] nextNonce(RandomSource random) {
    return ByteBuffer.allocate(12).putInt(counter++).put(random.bytes(8)).array();
  }

  /**
   * Decrypts a packet with the read key, or with the replaced session's read key while allowed.
   *
   * @param packet an ordinary message packet
   * @param nowNanos the current time
   * @return the plaintext
   * @throws Discv5Exception when neither key authenticates it
   */
  public byte[] open(Packet packet, long nowNanos) {
    try {
      byte[] plain = packet.open(readKey());
      lastUsedNanos = nowNanos;
      return plain;
    } catch (Discv5Exception e) {
      if (previousReadKey != null && nowNanos - previousUntilNanos < 0) {
        return packet.open(previousReadKey);
      }
      throw e;
    }
  }

  /**
   * Marks the session used (sending).
   *
   * @param nowNanos the current time
   */
  void touch(long nowNanos) {
    lastUsedNanos = nowNanos;
  }
}
