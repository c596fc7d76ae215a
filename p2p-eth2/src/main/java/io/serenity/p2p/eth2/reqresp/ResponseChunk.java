package io.serenity.p2p.eth2.reqresp;

/**
 * A decoded success chunk and its context bytes (empty unless the method has {@link
 * Method#forkDigestContext()}; then the 4-byte fork digest the responder put before it).
 *
 * @param context context bytes
 * @param value the decoded chunk
 * @param <R> chunk type
 */
public record ResponseChunk<R>(byte[] context, R value) {

  /** Copies the context. */
  public ResponseChunk {
    context = context.clone();
  }

  /** {@return a copy of the context bytes} */
  @Override
  public byte[] context() {
    return context.clone();
  }
}
