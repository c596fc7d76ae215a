package io.serenity.p2p.discv5.message;

import io.serenity.p2p.discv5.Discv5Exception;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.enr.Rlp;
import io.serenity.p2p.eth2.enr.RlpException;
import io.serenity.p2p.eth2.enr.RlpItem;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes message plaintexts (discv5-wire.md, "Protocol Messages"):
 * {@code message-type || rlp(message-data)}. Decoding is strict: canonical RLP only, exactly the
 * fields of the type (no trailing elements), request ids of at most 8 bytes, distances in 0..256,
 * a 4- or 16-byte PONG address, a 16-bit port, and every NODES record valid and signed;
 * anything else is a {@link Discv5Exception}. Stateless.
 */
public final class MessageCodec {

  /** The largest plaintext accepted: nothing bigger fits in a 1280-byte packet. */
  public static final int MAX_SIZE = 1280;

  private MessageCodec() {}

  /**
   * Encodes a message.
   *
   * @param message the message
   * @return {@code message-type || rlp(message-data)}
   */
  public static byte[] encode(Message message) {
    List<byte[]> fields = new ArrayList<>();
    fields.add(Rlp.encodeBytes(message.requestId().bytes()));
    switch (message) {
      case Ping p -> fields.add(Rlp.encodeUnsigned(p.enrSeq()));
      case Pong p -> {
        fields.add(Rlp.encodeUnsigned(p.enrSeq()));
        fields.add(Rlp.encodeBytes(p.recipientIp().getAddress()));
        fields.add(Rlp.encodeUnsigned(p.recipientPort()));
      }
      case FindNode f -> {
        List<byte[]> distances = new ArrayList<>();
        for (int d : f.distances()) {
          distances.add(Rlp.encodeUnsigned(d));
        }
        fields.add(Rlp.encodeList(distances));
      }
      case Nodes n -> {
        fields.add(Rlp.encodeUnsigned(n.total()));
        fields.add(Rlp.encodeList(n.enrs().stream().map(Enr::toRlp).toList()));
      }
      case TalkReq t -> {
        fields.add(Rlp.encodeBytes(t.protocol()));
        fields.add(Rlp.encodeBytes(t.request()));
      }
      case TalkResp t -> fields.add(Rlp.encodeBytes(t.response()));
    }
    byte[] body = Rlp.encodeList(fields);
    byte[] out = new byte[1 + body.length];
    out[0] = (byte) message.type();
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /**
   * Decodes a message.
   *
   * @param plaintext {@code message-type || rlp(message-data)}, as decrypted from a packet
   * @return the message
   * @throws Discv5Exception on an unknown type or malformed data
   */
  public static Message decode(byte[] plaintext) {
    if (plaintext == null || plaintext.length < 2) {
      throw new Discv5Exception("message too short");
    }
    if (plaintext.length > MAX_SIZE) {
      throw new Discv5Exception("message of " + plaintext.length + " bytes exceeds " + MAX_SIZE);
    }
    int type = plaintext[0] & 0xff;
    try {
      byte[] body = java.util.Arrays.copyOfRange(plaintext, 1, plaintext.length);
      if (!(Rlp.decode(body, MAX_SIZE) instanceof RlpItem.Items list)) {
        throw new Discv5Exception("message type " + type + ": message-data is not an RLP list");
      }
      List<RlpItem> f = list.items();
      return switch (type) {
        case Ping.TYPE -> {
          fieldCount("PING", f, 2);
          yield new Ping(requestId(f), uint64(f.get(1), "PING enr-seq"));
        }
        case Pong.TYPE -> {
          fieldCount("PONG", f, 4);
          yield new Pong(requestId(f), uint64(f.get(1), "PONG enr-seq"), ip(f.get(2)), port(f.get(3)));
        }
        case FindNode.TYPE -> {
          fieldCount("FINDNODE", f, 2);
          yield new FindNode(requestId(f), distances(f.get(1)));
        }
        case Nodes.TYPE -> {
          fieldCount("NODES", f, 3);
          long total = uint64(f.get(1), "NODES total");
          // uint64 read into a long: values of 2^63 and more are negative
          if (total < 0 || total > Integer.MAX_VALUE) {
            throw new Discv5Exception("NODES total " + Long.toUnsignedString(total) + " is absurd");
          }
          yield new Nodes(requestId(f), (int) total, enrs(f.get(2)));
        }
        case TalkReq.TYPE -> {
          fieldCount("TALKREQ", f, 3);
          yield new TalkReq(requestId(f), bytes(f.get(1), "TALKREQ protocol"), bytes(f.get(2), "TALKREQ request"));
        }
        case TalkResp.TYPE -> {
          fieldCount("TALKRESP", f, 2);
          yield new TalkResp(requestId(f), bytes(f.get(1), "TALKRESP response"));
        }
        default -> throw new Discv5Exception("unknown message type " + type);
      };
    } catch (RlpException e) {
      throw new Discv5Exception("message type " + type + ": " + e.getMessage(), e);
    }
  }

  private static void fieldCount(String name, List<RlpItem> fields, int expected) {
    if (fields.size() != expected) {
      throw new Discv5Exception(name + " must have " + expected + " fields, got " + fields.size());
    }
  }

  private static RequestId requestId(List<RlpItem> fields) {
    byte[] id = bytes(fields.get(0), "request-id");
    if (id.length > RequestId.MAX_SIZE) {
      throw new Discv5Exception("request-id of " + id.length + " bytes exceeds " + RequestId.MAX_SIZE);
    }
    return new RequestId(id);
  }

  private static byte[] bytes(RlpItem item, String what) {
    if (item instanceof RlpItem.Bytes b) {
      return b.value();
    }
    throw new Discv5Exception(what + " must be a byte string, got a list");
  }

  private static long uint64(RlpItem item, String what) {
    return Rlp.toUnsigned(bytes(item, what), what);
  }

  private static InetAddress ip(RlpItem item) {
    byte[] raw = bytes(item, "PONG recipient-ip");
    if (raw.length != 4 && raw.length != 16) {
      throw new Discv5Exception("PONG recipient-ip must be 4 or 16 bytes, got " + raw.length);
    }
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new Discv5Exception("PONG recipient-ip: " + e.getMessage(), e);
    }
  }

  private static int port(RlpItem item) {
    long port = uint64(item, "PONG recipient-port");
    if (port < 0 || port > 0xffff) {
      throw new Discv5Exception("PONG recipient-port " + Long.toUnsignedString(port) + " exceeds 65535");
    }
    return (int) port;
  }

  private static List<Integer> distances(RlpItem item) {
    if (!(item instanceof RlpItem.Items list)) {
      throw new Discv5Exception("FINDNODE distances must be a list");
    }
    List<Integer> out = new ArrayList<>(list.items().size());
    for (RlpItem d : list.items()) {
      long v = uint64(d, "FINDNODE distance");
      if (v < 0 || v > FindNode.MAX_DISTANCE) {
        throw new Discv5Exception("FINDNODE distance " + Long.toUnsignedString(v) + " exceeds " + FindNode.MAX_DISTANCE);
      }
      out.add((int) v);
    }
    return out;
  }

  private static List<Enr> enrs(RlpItem item) {
    if (!(item instanceof RlpItem.Items list)) {
      throw new Discv5Exception("NODES records must be a list");
    }
    List<Enr> out = new ArrayList<>(list.items().size());
    for (RlpItem r : list.items()) {
      // the canonical decoder guarantees that re-encoding gives the bytes received
      out.add(Enr.decode(r.encoded()));
    }
    return out;
  }
}
