package io.serenity.p2p.eth2.reqresp;

import io.serenity.p2p.core.Varint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encoders of the ssz_snappy wire form (phase0 p2p-interface.md "SSZ-snappy encoding strategy"):
 * a request is {@code uvarint(len(ssz)) || framed_snappy(ssz)}; a response chunk is {@code result
 * || [context] || uvarint(len) || framed_snappy(payload)}. Decoding is {@link ChunkDecoder}.
 */
final class ChunkCodec {

  private ChunkCodec() {}

  /** The request bytes for {@code ssz}. */
  static byte[] request(byte[] ssz) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ssz.length + 32);
    out.writeBytes(Varint.encode(ssz.length));
    out.writeBytes(SnappyFrames.encode(ssz));
    return out.toByteArray();
  }

  /** A success chunk; {@code context} is empty unless the method carries context bytes. */
  static byte[] success(byte[] context, byte[] ssz) {
    return chunk(ResultCode.SUCCESS, context, ssz);
  }

  /** An error chunk with {@code message} as ErrorMessage (UTF-8, cut to 256 bytes). */
  static byte[] error(int code, String message) {
    if (code == ResultCode.SUCCESS || code < 0 || code > 255) {
      throw new IllegalArgumentException("not an error result code: " + code);
    }
    return chunk(code, new byte[0], errorMessage(message));
  }

  /** ErrorMessage is {@code List[byte, 256]}, whose SSZ form is the bytes themselves. */
  static byte[] errorMessage(String message) {
    byte[] b = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
    return b.length <= ChunkDecoder.MAX_ERROR_MESSAGE ? b : Arrays.copyOf(b, ChunkDecoder.MAX_ERROR_MESSAGE);
  }

  /** The text of an ErrorMessage; any bytes are valid (malformed UTF-8 is replaced). */
  static String errorText(byte[] payload) {
    return new String(payload, StandardCharsets.UTF_8);
  }

  private static byte[] chunk(int code, byte[] context, byte[] ssz) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ssz.length + 40);
    out.write(code);
    out.writeBytes(context);
    out.writeBytes(Varint.encode(ssz.length));
    out.writeBytes(SnappyFrames.encode(ssz));
    return out.toByteArray();
  }
}
