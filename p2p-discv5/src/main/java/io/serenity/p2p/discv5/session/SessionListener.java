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
}
