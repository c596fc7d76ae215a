package io.serenity.p2p.transport.tcp;

import java.time.Duration;

/**
 * Operational settings of the TCP transport.
 *
 * @param connectTimeout how long a dial may take to establish the TCP connection (default 10 s)
 * @param backlog the listen backlog (default 1024)
 * @param tcpNoDelay disable Nagle's algorithm (default true: libp2p frames are small and latency
 *     matters for ping and gossip control)
 */
public record TcpConfig(Duration connectTimeout, int backlog, boolean tcpNoDelay) {

  /** {@return the defaults listed on the record components} */
  public static TcpConfig defaults() {
    return new TcpConfig(Duration.ofSeconds(10), 1024, true);
  }

  /**
   * Returns a copy with a different connect timeout.
   *
   * @param timeout the new connect timeout
   * @return the copy
   */
  public TcpConfig withConnectTimeout(Duration timeout) {
    return new TcpConfig(timeout, backlog, tcpNoDelay);
  }

  /**
   * Rejects nonsense values with a message naming the field.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public TcpConfig validate() {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
    if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("connectTimeout too large: " + connectTimeout);
    }
    if (backlog < 1) {
      throw new IllegalArgumentException("backlog must be >= 1: " + backlog);
    }
    return this;
  }
}
