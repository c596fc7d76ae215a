package io.serenity.p2p.discv5.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Authdata of an ordinary message packet ({@code flag = 0}): the sender's node id.
 *
 * @param srcId the 32-byte node id of the sender
 */
public record MessageAuthdata(byte[] srcId) implements Authdata {

  /** Size on the wire. */
  public static final int SIZE = 32;

  /** Checks and copies the id. */
  public MessageAuthdata {
    if (srcId.length != SIZE) {
      throw new IllegalArgumentException("src-id must be 32 bytes, got " + srcId.length);
    }
    srcId = srcId.clone();
  }

  /** {@return a copy of the sender's node id} */
  @Override
  public byte[] srcId() {
    return srcId.clone();
  }

  @Override
  public Flag flag() {
    return Flag.MESSAGE;
  }

  @Override
  public byte[] encode() {
    return srcId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageAuthdata a && Arrays.equals(srcId, a.srcId);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(srcId);
  }

  @Override
  public String toString() {
    return "MessageAuthdata[srcId=" + HexFormat.of().formatHex(srcId) + "]";
  }
}
