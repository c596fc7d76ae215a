package io.serenity.p2p.host;

/**
 * Serves inbound streams of one protocol; see {@link Host#setStreamHandler}. Called on the
 * connection's event loop once the protocol is agreed: do not block; read with {@link
 * Stream#readMessage} or {@link Stream#receive}, and hand long work to an executor.
 */
@FunctionalInterface
public interface StreamHandler {
  /**
   * Takes over an inbound stream of the protocol.
   *
   * @param stream the inbound stream, its protocol agreed
   */
  void handle(Stream stream);
}
