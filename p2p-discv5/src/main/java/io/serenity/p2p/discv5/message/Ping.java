package io.serenity.p2p.discv5.message;

import java.util.Objects;
/**
 * PING (0x01): {@code [request-id, enr-seq]}; checks liveness and announces the sender's record seq.
 *
 * @param requestId the request id
 * @param enrSeq the sender's record sequence number (uint64, read as unsigned)
 */
public record Ping(RequestId requestId, long enrSeq) implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x01;

  /** Requires a request id. */
  public Ping {
    Objects.requireNonNull(requestId, "requestId");
  }

  @Override
  public int type() {
    return TYPE;
  }
}
