package io.serenity.p2p.discv5.session;

import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.InetSocketAddress;

/** What the {@link SessionLayer} reports to its owner, on the event loop. */
public interface SessionListener {

  /**
   * A message arrived and decrypted.
   *
   * @param from the sender
   * @param enr the sender's verified record (from the handshake or as known)
   * @param message the message
   */
  void onMessage(NodeAddress from, Enr enr, Message message);

  /**
   * A datagram was dropped.
   *
   * @param reason a short constant reason
   * @param source where it came from
   * @param detail what was wrong
   */
  void onDrop(String reason, InetSocketAddress source, String detail);

  /**
   * Asked for every packet that names its sender (message and handshake packets) before any work is
   * done on it; false drops the packet (the listener counts the drop). The default admits all.
   *
   * @param from the claimed sender and the packet's source
   * @return whether to handle the packet
   */
  default boolean admit(NodeAddress from) {
    return true;
  }

  /**
   * Asked before a new WHOAREYOU challenge is created and sent (not for re-sending a live one);
   * false sends nothing (the listener counts the drop). The default allows all.
   *
   * @param from the node to challenge
   * @return whether to challenge it
   */
  default boolean allowChallenge(NodeAddress from) {
    return true;
  }
}
