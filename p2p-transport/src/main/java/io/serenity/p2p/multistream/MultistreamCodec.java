package io.serenity.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stateless multistream-select 1.0 framing: {@code uvarint(len) || UTF-8 text || '\n'}, where
 * {@code len} counts the newline (libp2p connections spec, "multistream-select").
 */
final class MultistreamCodec {

  private MultistreamCodec() {}

  /** Appends the encoding of {@code message} to {@code out}. */
  static void encode(MultistreamMessage message, ByteBuf out) {
    if (message instanceof MultistreamMessage.ProtocolList list) {
      ByteBuf body = Unpooled.buffer();
      try {
        for (String p : list.protocols()) {
          writeLine(utf8(p), body);
        }
        body.writeByte('\n');
        writeVarint(body.readableBytes(), out);
        out.writeBytes(body);
      } finally {
        body.release();
      }
      return;
    }
    writeLine(utf8(text(message)), out);
  }

  /** Encodes {@code messages} into one new heap buffer (so they leave in one write). */
  static ByteBuf encode(List<? extends MultistreamMessage> messages) {
    ByteBuf out = Unpooled.buffer();
    for (MultistreamMessage m : messages) {
      encode(m, out);
    }
    return out;
  }

  /** The encoded length of {@code message}, as the receiver's limit check sees it. */
  static int announcedLength(String text) {
    return utf8(text).length + 1;
  }

  /**
   * Reads one message body (the bytes between the length prefix and the newline) from {@code in}.
   * Returns null, leaving the reader index unchanged, when the message is not complete yet.
   *
   * @throws MultistreamException when the length exceeds {@code maxLength}, the varint is not
   *     minimal, or the message does not end in a newline
   */
  static byte[] decodeBody(ByteBuf in, int maxLength) {
    int start = in.readerIndex();
    int maxVarintBytes = varintLength(maxLength);
    long length = 0;
    int shift = 0;
    int i = 0;
    while (true) {
      if (i >= in.readableBytes()) {
        return null;
      }
      if (i >= maxVarintBytes) {
        throw new MultistreamException("message length prefix exceeds limit of " + maxLength);
      }
      int b = in.getUnsignedByte(start + i);
      length |= (long) (b & 0x7f) << shift;
      i++;
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 1) {
          throw new MultistreamException("non-minimal varint length prefix");
        }
        break;
      }
      shift += 7;
    }
    if (length > maxLength) {
      throw new MultistreamException(
          "message of " + length + " bytes exceeds limit of " + maxLength);
    }
    if (length == 0) {
      throw new MultistreamException("empty message (no trailing newline)");
    }
    if (in.readableBytes() < i + length) {
      return null;
    }
    int bodyLength = (int) length - 1;
    if (in.getByte(start + i + bodyLength) != '\n') {
      throw new MultistreamException("message does not end with a newline");
    }
    byte[] body = new byte[bodyLength];
    in.getBytes(start + i, body);
    in.readerIndex(start + i + (int) length);
    return body;
  }

  /**
   * Reads one message from {@code in}, or returns null when it is not complete yet. The text
   * decides the type: the header, {@code na}, {@code ls}, else a protocol id.
   */
  static MultistreamMessage decode(ByteBuf in, int maxLength) {
    byte[] body = decodeBody(in, maxLength);
    return body == null ? null : classify(body);
  }

  /** Interprets a message body as text; rejects malformed UTF-8. */
  static MultistreamMessage classify(byte[] body) {
    String text = strictUtf8(body);
    return switch (text) {
      case MultistreamSelect.PROTOCOL_ID -> MultistreamMessage.HEADER;
      case MultistreamSelect.NA -> MultistreamMessage.NA;
      case MultistreamSelect.LS -> MultistreamMessage.LS;
      default -> new MultistreamMessage.Protocol(text);
    };
  }

  /** Parses the body of an {@code ls} answer: embedded messages, then a final newline. */
  static MultistreamMessage.ProtocolList decodeList(byte[] body, int maxLength) {
    // The outer message's newline was stripped with the body; the embedded list ends with
    // the final '\n' of the last protocol line. An empty list is an empty body.
    ByteBuf in = Unpooled.wrappedBuffer(body);
    List<String> protocols = new ArrayList<>();
    while (in.isReadable()) {
      byte[] line = decodeBody(in, maxLength);
      if (line == null) {
        throw new MultistreamException("truncated protocol in ls response");
      }
      protocols.add(strictUtf8(line));
    }
    return new MultistreamMessage.ProtocolList(protocols);
  }

  private static String text(MultistreamMessage message) {
    return switch (message) {
      case MultistreamMessage.Header h -> MultistreamSelect.PROTOCOL_ID;
      case MultistreamMessage.Na n -> MultistreamSelect.NA;
      case MultistreamMessage.Ls l -> MultistreamSelect.LS;
      case MultistreamMessage.Protocol p -> p.id();
      case MultistreamMessage.ProtocolList l -> throw new IllegalArgumentException("not a text message: " + message);
    };
  }

  private static void writeLine(byte[] text, ByteBuf out) {
    writeVarint(text.length + 1, out);
    out.writeBytes(text);
    out.writeByte('\n');
  }

  private static void writeVarint(int value, ByteBuf out) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.writeByte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int varintLength(int value) {
    int n = 1;
    int v = value >>> 7;
    while (v != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MultistreamException("message is not valid UTF-8", e);
    }
  }
}
