package io.serenity.p2p.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address validation for a QUIC listener (RFC 9000 section 8.1). While new connection attempts
 * stay at or below {@code retryAbovePerSecond}, handshakes take one round trip and no token is
 * asked for. Above that rate a client's first Initial is answered with a Retry carrying a token it
 * must echo, which proves it receives packets at the address it claims, before the listener keeps
 * any state for it or sends anything larger than the Retry.
 *
 * <p>A token is {@code issued (8 bytes, ms) || HMAC-SHA256 (32 bytes) || original destination
 * connection id (at most 20 bytes)}; the MAC covers the time, the connection id and the client's
 * IP address and port under a key random per process. A token is accepted only from the address it
 * was issued to and for {@code lifetime}; anything else is dropped (the packet is ignored, as RFC
 * 9000 allows) and counted.
 */
final class RetryTokens implements QuicTokenHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RetryTokens.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  static final int TIME_LENGTH = 8;
  static final int MAC_LENGTH = 32;
  static final int MAX_CID_LENGTH = 20;
  /** Where the original destination connection id starts in a token. */
  static final int ODCID_OFFSET = TIME_LENGTH + MAC_LENGTH;

  private final byte[] key;
  private final int retryAbovePerSecond;
  private final long lifetimeMillis;
  private final LongSupplier millis;
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private long windowStart = Long.MIN_VALUE;
  private int inWindow;

  /**
   * Tokens under a fresh random key.
   *
   * @param retryAbovePerSecond new connection attempts per second before Retry is used (0: always)
   * @param lifetimeMillis how long a token is valid
   * @param millis wall clock in milliseconds
   */
  RetryTokens(int retryAbovePerSecond, long lifetimeMillis, LongSupplier millis) {
    this(randomKey(), retryAbovePerSecond, lifetimeMillis, millis);
  }

  /** Tokens under {@code key} (tests: a fixed key makes tokens reproducible). */
  RetryTokens(byte[] key, int retryAbovePerSecond, long lifetimeMillis, LongSupplier millis) {
    this.key = key.clone();
    this.retryAbovePerSecond = retryAbovePerSecond;
    this.lifetimeMillis = lifetimeMillis;
    this.millis = millis;
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /** {@return Retry packets sent so far} */
  long retries() {
    return retries.get();
  }

  /** {@return tokens refused so far (forged, expired, from another address, malformed)} */
  long invalidTokens() {
    return invalid.get();
  }

  @Override
  public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
    if (!overRate()) {
      return false;
    }
    int cidLength = dcid.readableBytes();
    if (cidLength > MAX_CID_LENGTH) {
      return false; // cannot happen for QUIC v1 (at most 20 bytes); the handshake goes on without Retry
    }
    byte[] cid = new byte[cidLength];
    dcid.getBytes(dcid.readerIndex(), cid);
    long now = millis.getAsLong();
    out.writeLong(now);
    out.writeBytes(mac(now, cid, address));
    out.writeBytes(cid);
    retries.incrementAndGet();
    return true;
  }

  @Override
  public int validateToken(ByteBuf token, InetSocketAddress address) {
    int length = token.readableBytes();
    if (length < ODCID_OFFSET || length > ODCID_OFFSET + MAX_CID_LENGTH) {
      return refuse(address, "a token of " + length + " bytes");
    }
    int start = token.readerIndex();
    long issued = token.getLong(start);
    long age = millis.getAsLong() - issued;
    if (age < 0 || age > lifetimeMillis) {
      return refuse(address, "a token issued " + age + " ms ago");
    }
    byte[] mac = new byte[MAC_LENGTH];
    token.getBytes(start + TIME_LENGTH, mac);
    byte[] cid = new byte[length - ODCID_OFFSET];
    token.getBytes(start + ODCID_OFFSET, cid);
    if (!MessageDigest.isEqual(mac, mac(issued, cid, address))) {
      return refuse(address, "a token that is forged or was issued to another address");
    }
    return ODCID_OFFSET;
  }

  @Override
  public int maxTokenLength() {
    return ODCID_OFFSET + MAX_CID_LENGTH;
  }

  /** Counts a new connection attempt; true when this one is above the rate and gets a Retry. */
  private synchronized boolean overRate() {
    if (retryAbovePerSecond == 0) {
      return true;
    }
    long now = millis.getAsLong();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= 1000 || now < windowStart) {
      windowStart = now;
      inWindow = 0;
    }
    inWindow++;
    return inWindow > retryAbovePerSecond;
  }

  private int refuse(InetSocketAddress address, String what) {
    invalid.incrementAndGet();
    RLOG.info("quic: dropping an Initial from {} with {}", address, what);
    return -1;
  }

  private byte[] mac(long issued, byte[] cid, InetSocketAddress address) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      for (int i = 7; i >= 0; i--) {
        m.update((byte) (issued >>> (8 * i)));
      }
      m.update((byte) cid.length);
      m.update(cid);
      byte[] ip = address.getAddress() == null ? new byte[0] : address.getAddress().getAddress();
      m.update((byte) ip.length);
      m.update(ip);
      m.update((byte) (address.getPort() >>> 8));
      m.update((byte) address.getPort());
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
