package io.serenity.p2p.discv5.table;

/**
 * Subnet diversity limits of the routing table: at most {@code perBucket} entries of one IPv4 /24
 * in a bucket and {@code perTable} in the table. Loopback, site-local and link-local addresses are
 * exempt; {@link #OFF} disables the check entirely.
 *
 * @param perBucket entries of one /24 per bucket
 * @param perTable entries of one /24 in the table
 */
public record IpLimits(int perBucket, int perTable) {

  /** No limits. */
  public static final IpLimits OFF = new IpLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
  /** ≤ 2 per /24 per bucket, ≤ 10 per /24 in the table (as go-ethereum). */
  public static final IpLimits DEFAULT = new IpLimits(2, 10);

  /** Checks the values. */
  public IpLimits {
    if (perBucket < 1 || perTable < 1) {
      throw new IllegalArgumentException("IP limits must be at least 1");
    }
  }
}
