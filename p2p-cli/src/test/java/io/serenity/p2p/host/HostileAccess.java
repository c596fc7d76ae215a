package io.serenity.p2p.host;

/** Test-only reach into a connection, for attackers that misbehave below the stream API. */
public final class HostileAccess {
  private HostileAccess() {}

  /** Stops reading the connection's socket: the remote's writes pile up in its own buffers. */
  public static void stopReading(Connection c) {
    c.channel().config().setAutoRead(false);
  }
}
