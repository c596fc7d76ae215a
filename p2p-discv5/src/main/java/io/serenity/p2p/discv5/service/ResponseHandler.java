package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.message.Message;

/** Receives the responses to one request. */
interface ResponseHandler {

  /**
   * A response with the request's id arrived from the node asked.
   *
   * @param response the response
   * @return true when the call is complete
   */
  boolean onResponse(Message response);

  /**
   * The call ended without completing.
   *
   * @param error why
   */
  void onFailure(Throwable error);
}
