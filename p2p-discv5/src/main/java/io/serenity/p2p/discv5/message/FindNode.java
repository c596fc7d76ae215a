package io.serenity.p2p.discv5.message;

import java.util.List;
import java.util.Objects;

/**
 * FINDNODE (0x03): {@code [request-id, [distance, ...]]}, asking for records at the given log2
 * distances from the recipient's node id; distance 0 asks for the recipient's own record.
 *
 * @param requestId the request id
 * @param distances each in 0..256
 */
public record FindNode(RequestId requestId, List<Integer> distances) implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x03;
  /** The largest log2 distance between two 256-bit ids. */
  public static final int MAX_DISTANCE = 256;

  /** Checks the distances and copies the list. */
  public FindNode {
    Objects.requireNonNull(requestId, "requestId");
    distances = List.copyOf(distances);
    for (int d : distances) {
      if (d < 0 || d > MAX_DISTANCE) {
        throw new IllegalArgumentException("distance " + d + " is outside 0.." + MAX_DISTANCE);
      }
    }
  }

  @Override
  public int type() {
    return TYPE;
  }
}
