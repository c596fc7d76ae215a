package io.serenity.p2p.mdns;

/**
 * Bad mDNS input (a DNS message that cannot be decoded: truncated, oversized, a bad name or
 * compression pointer), or an mDNS socket that cannot be set up. The message names what is wrong and
 * where.
 */
public class MdnsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   */
  public MdnsException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, and why
   * @param cause the failure underneath
   */
  public MdnsException(String message, Throwable cause) {
    super(message, cause);
  }
}
