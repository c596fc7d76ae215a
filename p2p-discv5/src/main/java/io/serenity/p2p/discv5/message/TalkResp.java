package io.serenity.p2p.discv5.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * TALKRESP (0x06): {@code [request-id, response]}, the answer to TALKREQ; empty when the protocol
 * is unknown to the responder.
 *
 * @param requestId the TALKREQ's request id
 * @param response the application payload
 */
public record TalkResp(RequestId requestId, byte[] response) implements Message {

  /** The message-type byte. */
  public static final int TYPE = 0x06;

  /** Copies the payload. */
  public TalkResp {
    Objects.requireNonNull(requestId, "requestId");
    response = response.clone();
  }

  /** {@return a copy of the payload} */
  @Override
  public byte[] response() {
    return response.clone();
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TalkResp t && requestId.equals(t.requestId) && Arrays.equals(response, t.response);
  }

  @Override
  public int hashCode() {
    return requestId.hashCode() * 31 + Arrays.hashCode(response);
  }

  @Override
  public String toString() {
    return "TalkResp[requestId=" + requestId + ", response=" + response.length + " bytes]";
  }
}
