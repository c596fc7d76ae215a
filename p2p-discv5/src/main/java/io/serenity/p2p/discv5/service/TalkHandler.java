package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.session.NodeAddress;
import io.serenity.p2p.eth2.enr.Enr;

/** Answers TALKREQ messages of one protocol; called on the service's event loop, must not block. */
@FunctionalInterface
public interface TalkHandler {

  /**
   * Answers one request.
   *
   * @param from the requester
   * @param enr its record
   * @param request the request bytes
   * @return the response bytes (the TALKRESP must fit in one packet)
   */
  byte[] onTalkRequest(NodeAddress from, Enr enr, byte[] request);
}
