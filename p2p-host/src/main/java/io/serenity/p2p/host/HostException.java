package io.serenity.p2p.host;

/**
 * A host operation failed: dial refused by a limit, no address known, protocol not supported by the
 * peer, host closed. The message names the peer.
 */
public class HostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HostException(String message) {
    super(message);
  }

  public HostException(String message, Throwable cause) {
    super(message, cause);
  }
}
