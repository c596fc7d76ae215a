package io.serenity.p2p.discv5.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * TALKREQ (0x05): {@code [request-id, protocol, request]}, an application request for the
 * protocol named by {@code protocol}; always answered by TALKRESP.
 *
 * @param requestId the request id
 * @param protocol the application protocol name, as bytes
 * @param request the application payload
 */
public record TalkReq(RequestId requestId, byte[] protocol, byte[] request) implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x05;

  /** Copies the arrays. */
  public TalkReq {
    Objects.requireNonNull(requestId, "requestId");
    protocol = protocol.clone();
    request = request.clone();
  }

  /** {@return a copy of the protocol name} */
  @Override
  public byte[] protocol() {
    return protocol.clone();
  }

  /** {@return a copy of the payload} */
  @Override
  public byte[] request() {
    return request.clone();
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TalkReq t
        && requestId.equals(t.requestId)
        && Arrays.equals(protocol, t.protocol)
        && Arrays.equals(request, t.request);
  }

  @Override
  public int hashCode() {
    return (requestId.hashCode() * 31 + Arrays.hashCode(protocol)) * 31 + Arrays.hashCode(request);
  }

  @Override
  public String toString() {
    return "TalkReq[requestId=" + requestId + ", protocol=" + HexFormat.of().formatHex(protocol) + ", request="
        + request.length + " bytes]";
  }
}
