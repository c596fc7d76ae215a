package io.serenity.p2p.discv5.session;

import java.net.InetSocketAddress;

/** Sends one datagram. */
@FunctionalInterface
public interface Transport {

  /**
   * Sends a datagram.
   *
   * @param to the destination
   * @param datagram the bytes, at most 1280
   */
  void send(InetSocketAddress to, byte[] datagram);
}
