package io.serenity.p2p.discv5.message;

import io.serenity.p2p.eth2.enr.Enr;
import java.util.List;
import java.util.Objects;

/**
 * NODES (0x04): {@code [request-id, total, [ENR, ...]]}, one of {@code total} responses to a
 * FINDNODE. Records are verified when decoded; checking them against the requested distances
 * and bounding {@code total} is the caller's job.
 *
 * @param requestId the FINDNODE's request id
 * @param total how many NODES messages answer the request (at least 1 when sent by us)
 * @param enrs the records in this message
 */
public record Nodes(RequestId requestId, int total, List<Enr> enrs) implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x04;

  /** Checks {@code total} and copies the list. */
  public Nodes {
    Objects.requireNonNull(requestId, "requestId");
    if (total < 0) {
      throw new IllegalArgumentException("total must not be negative: " + total);
    }
    enrs = List.copyOf(enrs);
  }

  @Override
  public int type() {
    return TYPE;
  }
}
