package io.serenity.p2p.discv5.message;

import java.net.InetAddress;
import java.util.Objects;

/**
 * PONG (0x02): {@code [request-id, enr-seq, recipient-ip, recipient-port]}, the reply to PING,
 * telling the pinger the address its packet came from. An IPv4-mapped IPv6 address decodes as
 * IPv4 (the JDK maps it so) and is then re-encoded in 4 bytes.
 *
 * @param requestId the PING's request id
 * @param enrSeq the sender's record sequence number (uint64, read as unsigned)
 * @param recipientIp the PING's source address, IPv4 (4 bytes) or IPv6 (16 bytes)
 * @param recipientPort the PING's source UDP port
 */
public record Pong(RequestId requestId, long enrSeq, InetAddress recipientIp, int recipientPort)
    implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x02;

  /** Checks the port. */
  public Pong {
    Objects.requireNonNull(requestId, "requestId");
    if (recipientPort < 0 || recipientPort > 0xffff) {
      throw new IllegalArgumentException("port out of range: " + recipientPort);
    }
    if (recipientIp == null) {
      throw new IllegalArgumentException("recipient-ip is required");
    }
  }

  @Override
  public int type() {
    return TYPE;
  }
}
