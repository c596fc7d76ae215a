package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.eth2.types.StatusMessage;

/** What {@link ReqResp} reports to its listeners ({@link ReqResp#addListener}); must not block. */
public sealed interface ReqRespEvent {

  /**
   * {@code peer}'s Status arrived (as its request or as its response to ours).
   *
   * @param peer the peer
   * @param status its Status
   */
  record StatusReceived(PeerId peer, StatusMessage status) implements ReqRespEvent {}

  /**
   * {@code peer} said Goodbye with {@code reason}.
   *
   * @param peer the peer
   * @param reason the Goodbye reason
   */
  record GoodbyeReceived(PeerId peer, long reason) implements ReqRespEvent {}

  /**
   * A Ping showed {@code peer}'s MetaData seq_number {@code seqNumber}, which differs from the one we
   * knew (or we knew none): its MetaData may have changed; {@link ReqResp#metaData} fetches it.
   *
   * @param peer the peer
   * @param seqNumber its new MetaData sequence number
   */
  record MetaDataChanged(PeerId peer, long seqNumber) implements ReqRespEvent {}

  /**
   * We said Goodbye to {@code peer} with {@code reason} and disconnect it.
   *
   * @param peer the peer
   * @param reason the Goodbye reason
   */
  record GoodbyeSent(PeerId peer, long reason) implements ReqRespEvent {}
}
