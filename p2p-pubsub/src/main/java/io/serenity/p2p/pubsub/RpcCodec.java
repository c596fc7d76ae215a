package io.serenity.p2p.pubsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.serenity.p2p.pubsub.internal.pb.RpcProtos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts RPCs between the wire (the pubsub spec's protobuf, without the length prefix) and {@link
 * Rpc} records. Decoding is bounded: the caller has already capped the frame size, and the number
 * of subscriptions, messages and control ids per RPC are capped here before records are built.
 */
final class RpcCodec {

  /** Limits applied while decoding one RPC. */
  record Limits(int maxSubscriptions, int maxMessages, int maxControlIds) {
    /** Generous defaults in line with js-libp2p's 5,000 entries per RPC. */
    static Limits defaults() {
      return new Limits(5000, 5000, 5000);
    }
  }

  private RpcCodec() {}

  /**
   * The RPC's protobuf encoding, written straight from our records into one array of its exact size:
   * no protobuf message objects in between (building them was a sixth of the heap allocated per
   * forwarded message). Fields in field-number order, as protobuf-java writes them, so the bytes are
   * the same as {@code toProto(rpc).toByteArray()} (RpcCodecTest checks it).
   */
  static byte[] encode(Rpc rpc) {
    byte[] out = new byte[size(rpc)];
    encodeInto(rpc, out.length, out, 0);
    return out;
  }

  /**
   * Writes the RPC's encoding, {@code size} bytes (its {@link #size}), into {@code out} at {@code off}.
   *
   * @throws IllegalStateException when the encoding does not take exactly {@code size} bytes
   */
  static void encodeInto(Rpc rpc, int size, byte[] out, int off) {
    CodedOutputStream o = CodedOutputStream.newInstance(out, off, size);
    try {
      write(rpc, o);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("RPC encoding does not match its computed size", e);
    }
  }

  // ---- direct encoding: sizes, then fields; field numbers from rpc.proto ----

  private static int nested(int field, int size) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  private static void nestedHeader(CodedOutputStream o, int field, int size) throws IOException {
    o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(size);
  }

  private static int bytesSize(int field, byte[] b) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(b.length) + b.length;
  }

  private static int idsSize(int field, List<MessageId> ids) {
    int n = 0;
    for (int i = 0; i < ids.size(); i++) {
      n += bytesSize(field, ids.get(i).unsafeBytes());
    }
    return n;
  }

  private static void writeIds(CodedOutputStream o, int field, List<MessageId> ids) throws IOException {
    for (int i = 0; i < ids.size(); i++) {
      o.writeByteArray(field, ids.get(i).unsafeBytes());
    }
  }

  private static int subSize(Rpc.SubOpts s) {
    return CodedOutputStream.computeBoolSize(1, s.subscribe()) + CodedOutputStream.computeStringSize(2, s.topic());
  }

  static int messageSize(PubSubMessage m) {
    int n = CodedOutputStream.computeStringSize(4, m.topic());
    if (m.from() != null) {
      n += bytesSize(1, m.from());
    }
    if (m.data() != null) {
      n += bytesSize(2, m.data());
    }
    if (m.seqno() != null) {
      n += bytesSize(3, m.seqno());
    }
    if (m.signature() != null) {
      n += bytesSize(5, m.signature());
    }
    if (m.key() != null) {
      n += bytesSize(6, m.key());
    }
    return n;
  }

  private static void writeMessage(CodedOutputStream o, PubSubMessage m) throws IOException {
    if (m.from() != null) {
      o.writeByteArray(1, m.from());
    }
    if (m.data() != null) {
      o.writeByteArray(2, m.data());
    }
    if (m.seqno() != null) {
      o.writeByteArray(3, m.seqno());
    }
    o.writeString(4, m.topic());
    if (m.signature() != null) {
      o.writeByteArray(5, m.signature());
    }
    if (m.key() != null) {
      o.writeByteArray(6, m.key());
    }
  }

  private static int pxSize(Rpc.PxPeer px) {
    int n = 0;
    if (px.peerId() != null) {
      n += bytesSize(1, px.peerId());
    }
    if (px.signedPeerRecord() != null) {
      n += bytesSize(2, px.signedPeerRecord());
    }
    return n;
  }

  private static int pruneSize(Rpc.Prune p) {
    int n = CodedOutputStream.computeStringSize(1, p.topic());
    for (Rpc.PxPeer px : p.peers()) {
      n += nested(2, pxSize(px));
    }
    if (p.backoffSeconds() >= 0) {
      n += CodedOutputStream.computeUInt64Size(3, p.backoffSeconds());
    }
    return n;
  }

  private static int controlSize(Rpc.Control c) {
    int n = 0;
    for (Rpc.IHave h : c.ihave()) {
      n += nested(1, CodedOutputStream.computeStringSize(1, h.topic()) + idsSize(2, h.messageIds()));
    }
    for (Rpc.IWant w : c.iwant()) {
      n += nested(2, idsSize(1, w.messageIds()));
    }
    for (Rpc.Graft g : c.graft()) {
      n += nested(3, CodedOutputStream.computeStringSize(1, g.topic()));
    }
    for (Rpc.Prune p : c.prune()) {
      n += nested(4, pruneSize(p));
    }
    for (Rpc.IDontWant d : c.idontwant()) {
      n += nested(5, idsSize(1, d.messageIds()));
    }
    return n;
  }

  static int size(Rpc rpc) {
    int n = 0;
    List<Rpc.SubOpts> subs = rpc.subscriptions();
    for (int i = 0; i < subs.size(); i++) {
      n += nested(1, subSize(subs.get(i)));
    }
    List<PubSubMessage> publish = rpc.publish();
    for (int i = 0; i < publish.size(); i++) {
      n += nested(2, messageSize(publish.get(i)));
    }
    if (!rpc.control().isEmpty()) {
      n += nested(3, controlSize(rpc.control()));
    }
    return n;
  }

  private static void write(Rpc rpc, CodedOutputStream o) throws IOException {
    List<Rpc.SubOpts> subs = rpc.subscriptions();
    for (int i = 0; i < subs.size(); i++) {
      Rpc.SubOpts s = subs.get(i);
      nestedHeader(o, 1, subSize(s));
      o.writeBool(1, s.subscribe());
      o.writeString(2, s.topic());
    }
    List<PubSubMessage> publish = rpc.publish();
    for (int i = 0; i < publish.size(); i++) {
      PubSubMessage m = publish.get(i);
      nestedHeader(o, 2, messageSize(m));
      writeMessage(o, m);
    }
    Rpc.Control c = rpc.control();
    if (c.isEmpty()) {
      return;
    }
    nestedHeader(o, 3, controlSize(c));
    for (Rpc.IHave h : c.ihave()) {
      nestedHeader(o, 1, CodedOutputStream.computeStringSize(1, h.topic()) + idsSize(2, h.messageIds()));
      o.writeString(1, h.topic());
      writeIds(o, 2, h.messageIds());
    }
    for (Rpc.IWant w : c.iwant()) {
      nestedHeader(o, 2, idsSize(1, w.messageIds()));
      writeIds(o, 1, w.messageIds());
    }
    for (Rpc.Graft g : c.graft()) {
      nestedHeader(o, 3, CodedOutputStream.computeStringSize(1, g.topic()));
      o.writeString(1, g.topic());
    }
    for (Rpc.Prune p : c.prune()) {
      nestedHeader(o, 4, pruneSize(p));
      o.writeString(1, p.topic());
      for (Rpc.PxPeer px : p.peers()) {
        nestedHeader(o, 2, pxSize(px));
        if (px.peerId() != null) {
          o.writeByteArray(1, px.peerId());
        }
        if (px.signedPeerRecord() != null) {
          o.writeByteArray(2, px.signedPeerRecord());
        }
      }
      if (p.backoffSeconds() >= 0) {
        o.writeUInt64(3, p.backoffSeconds());
      }
    }
    for (Rpc.IDontWant d : c.idontwant()) {
      nestedHeader(o, 5, idsSize(1, d.messageIds()));
      writeIds(o, 1, d.messageIds());
    }
  }

  static RpcProtos.RPC toProto(Rpc rpc) {
    RpcProtos.RPC.Builder b = RpcProtos.RPC.newBuilder();
    // indexed: an iterator per list per RPC was 3 % of the heap allocated per forwarded message
    List<Rpc.SubOpts> subs = rpc.subscriptions();
    for (int i = 0; i < subs.size(); i++) {
      Rpc.SubOpts s = subs.get(i);
      b.addSubscriptions(RpcProtos.RPC.SubOpts.newBuilder().setSubscribe(s.subscribe()).setTopicid(s.topic()));
    }
    List<PubSubMessage> publish = rpc.publish();
    for (int i = 0; i < publish.size(); i++) {
      b.addPublish(toProto(publish.get(i)));
    }
    Rpc.Control c = rpc.control();
    if (!c.isEmpty()) {
      RpcProtos.ControlMessage.Builder cb = RpcProtos.ControlMessage.newBuilder();
      for (Rpc.IHave h : c.ihave()) {
        RpcProtos.ControlIHave.Builder hb = RpcProtos.ControlIHave.newBuilder().setTopicID(h.topic());
        h.messageIds().forEach(id -> hb.addMessageIDs(wrap(id.unsafeBytes())));
        cb.addIhave(hb);
      }
      for (Rpc.IWant w : c.iwant()) {
        RpcProtos.ControlIWant.Builder wb = RpcProtos.ControlIWant.newBuilder();
        w.messageIds().forEach(id -> wb.addMessageIDs(wrap(id.unsafeBytes())));
        cb.addIwant(wb);
      }
      for (Rpc.Graft g : c.graft()) {
        cb.addGraft(RpcProtos.ControlGraft.newBuilder().setTopicID(g.topic()));
      }
      for (Rpc.Prune p : c.prune()) {
        RpcProtos.ControlPrune.Builder pb = RpcProtos.ControlPrune.newBuilder().setTopicID(p.topic());
        for (Rpc.PxPeer px : p.peers()) {
          RpcProtos.PeerInfo.Builder ib = RpcProtos.PeerInfo.newBuilder();
          if (px.peerId() != null) {
            ib.setPeerID(wrap(px.peerId()));
          }
          if (px.signedPeerRecord() != null) {
            ib.setSignedPeerRecord(wrap(px.signedPeerRecord()));
          }
          pb.addPeers(ib);
        }
        if (p.backoffSeconds() >= 0) {
          pb.setBackoff(p.backoffSeconds());
        }
        cb.addPrune(pb);
      }
      for (Rpc.IDontWant d : c.idontwant()) {
        RpcProtos.ControlIDontWant.Builder db = RpcProtos.ControlIDontWant.newBuilder();
        d.messageIds().forEach(id -> db.addMessageIDs(wrap(id.unsafeBytes())));
        cb.addIdontwant(db);
      }
      b.setControl(cb);
    }
    return b.build();
  }

  static RpcProtos.Message toProto(PubSubMessage m) {
    RpcProtos.Message.Builder b = RpcProtos.Message.newBuilder().setTopic(m.topic());
    if (m.from() != null) {
      b.setFrom(wrap(m.from()));
    }
    if (m.data() != null) {
      b.setData(wrap(m.data()));
    }
    if (m.seqno() != null) {
      b.setSeqno(wrap(m.seqno()));
    }
    if (m.signature() != null) {
      b.setSignature(wrap(m.signature()));
    }
    if (m.key() != null) {
      b.setKey(wrap(m.key()));
    }
    return b.build();
  }

  /**
   * Decodes one RPC. Throws {@link PubSubException} on malformed protobuf or when a count limit is
   * exceeded; never anything else.
   */
  static Rpc decode(byte[] bytes, Limits limits) {
    return decode(CodedInputStream.newInstance(bytes), limits);
  }

  /**
   * Decodes one RPC from the buffer's remaining bytes, in place: nothing returned shares the buffer's
   * memory. Throws as {@link #decode(byte[], Limits)} does.
   */
  static Rpc decode(ByteBuffer buffer, Limits limits) {
    return decode(CodedInputStream.newInstance(buffer), limits);
  }

  // ---- direct decoding: the wire straight into our records ----
  //
  // Reads the fields with CodedInputStream into Rpc records, with no generated protobuf objects in
  // between (a message object, a builder and a ByteString view per field, then the copy out of each
  // view: about a tenth of the heap allocated per forwarded message). It accepts and refuses exactly
  // what RpcProtos.RPC.parseFrom does, as proto2 parsing defines it: a known field number with another
  // wire type is an unknown field and skipped, unknown fields (groups included) are skipped, a
  // non-repeated scalar field seen twice keeps the last value, the control message seen twice merges
  // (its lists append), a Message without its required topic, an end-group tag without its group,
  // and groups or messages nested deeper than RECURSION_LIMIT are errors, strings are UTF-8 with
  // malformed bytes replaced. RpcDecodeParityTest holds it to the generated parser.

  /** Nesting allowed (messages and unknown groups), as the generated parser's recursion limit. */
  static final int RECURSION_LIMIT = 8;

  private static final int RPC_SUBSCRIPTIONS = 10; // field 1, length-delimited
  private static final int RPC_PUBLISH = 18; // field 2, length-delimited
  private static final int RPC_CONTROL = 26; // field 3, length-delimited

  private static Rpc decode(CodedInputStream in, Limits limits) {
    try {
      return readRpc(in, limits);
    } catch (InvalidProtocolBufferException e) {
      throw new PubSubException("malformed RPC: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof PubSubException p) {
        throw p;
      }
      throw new PubSubException("malformed RPC: " + e, e);
    }
  }

  /** Collected while reading; the count limits are checked once the whole RPC is read. */
  private static final class ControlParts {
    final List<Rpc.IHave> ihave = new ArrayList<>(2);
    final List<Rpc.IWant> iwant = new ArrayList<>(2);
    final List<Rpc.Graft> graft = new ArrayList<>(2);
    final List<Rpc.Prune> prune = new ArrayList<>(2);
    final List<Rpc.IDontWant> idontwant = new ArrayList<>(2);
    int ids;
    int maxPrunePeers;
  }

  private static Rpc readRpc(CodedInputStream in, Limits limits) throws IOException {
    List<Rpc.SubOpts> subs = null;
    boolean subscriptionWithoutTopic = false;
    PubSubMessage firstMsg = null; // the usual RPC carries one message: no list until a second
    List<PubSubMessage> msgs = null;
    ControlParts control = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (tag) {
        case RPC_SUBSCRIPTIONS -> {
          int limit = enter(in, 0);
          boolean subscribe = false;
          String topic = null;
          int t;
          while ((t = in.readTag()) != 0) {
            switch (t) {
              case 8 -> subscribe = in.readBool();
              case 18 -> topic = in.readString();
              default -> skipUnknown(in, t, 1);
            }
          }
          leave(in, limit);
          if (topic == null) {
            subscriptionWithoutTopic = true;
          }
          if (subs == null) {
            subs = new ArrayList<>(4);
          }
          subs.add(new Rpc.SubOpts(subscribe, topic));
        }
        case RPC_PUBLISH -> {
          PubSubMessage m = readMessage(in);
          if (firstMsg == null) {
            firstMsg = m;
          } else {
            if (msgs == null) {
              msgs = new ArrayList<>(4);
              msgs.add(firstMsg);
            }
            msgs.add(m);
          }
        }
        case RPC_CONTROL -> {
          if (control == null) {
            control = new ControlParts();
          }
          readControl(in, control);
        }
        default -> skipUnknown(in, tag, 0);
      }
    }
    int subCount = subs == null ? 0 : subs.size();
    if (subCount > limits.maxSubscriptions()) {
      throw new PubSubException("RPC carries " + subCount + " subscriptions, limit " + limits.maxSubscriptions());
    }
    int msgCount = msgs != null ? msgs.size() : firstMsg != null ? 1 : 0;
    if (msgCount > limits.maxMessages()) {
      throw new PubSubException("RPC carries " + msgCount + " messages, limit " + limits.maxMessages());
    }
    if (subscriptionWithoutTopic) {
      throw new PubSubException("subscription without a topic");
    }
    Rpc.Control c = Rpc.Control.EMPTY;
    if (control != null) {
      int entries = control.ids + control.graft.size() + control.prune.size();
      if (entries > limits.maxControlIds()) {
        throw new PubSubException("RPC control carries " + entries + " entries, limit " + limits.maxControlIds());
      }
      if (control.maxPrunePeers > limits.maxControlIds()) {
        throw new PubSubException("PRUNE carries " + control.maxPrunePeers + " peers");
      }
      c = new Rpc.Control(immutable(control.ihave), immutable(control.iwant), immutable(control.graft),
          immutable(control.prune), immutable(control.idontwant));
    }
    return new Rpc(immutable(subs), msgs != null ? List.copyOf(msgs) : firstMsg != null ? List.of(firstMsg)
        : List.of(), c);
  }

  private static PubSubMessage readMessage(CodedInputStream in) throws IOException {
    int limit = enter(in, 0);
    byte[] from = null;
    byte[] data = null;
    byte[] seqno = null;
    String topic = null;
    byte[] signature = null;
    byte[] key = null;
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case 10 -> from = in.readByteArray();
        case 18 -> data = in.readByteArray();
        case 26 -> seqno = in.readByteArray();
        case 34 -> topic = in.readString();
        case 42 -> signature = in.readByteArray();
        case 50 -> key = in.readByteArray();
        default -> skipUnknown(in, t, 1);
      }
    }
    leave(in, limit);
    if (topic == null) {
      throw new InvalidProtocolBufferException("Message missing required fields: topic");
    }
    return new PubSubMessage(from, data != null ? data : new byte[0], seqno, topic, signature, key);
  }

  private static void readControl(CodedInputStream in, ControlParts c) throws IOException {
    int limit = enter(in, 0);
    int t;
    while ((t = in.readTag()) != 0) {
      switch (t) {
        case 10 -> { // ihave
          int l = enter(in, 1);
          String topic = "";
          List<MessageId> ids = null;
          int u;
          while ((u = in.readTag()) != 0) {
            switch (u) {
              case 10 -> topic = in.readString();
              case 18 -> ids = addId(in, ids, c);
              default -> skipUnknown(in, u, 2);
            }
          }
          leave(in, l);
          c.ihave.add(new Rpc.IHave(topic, immutable(ids)));
        }
        case 18 -> c.iwant.add(new Rpc.IWant(readIds(in, c))); // iwant
        case 26 -> { // graft
          int l = enter(in, 1);
          String topic = "";
          int u;
          while ((u = in.readTag()) != 0) {
            if (u == 10) {
              topic = in.readString();
            } else {
              skipUnknown(in, u, 2);
            }
          }
          leave(in, l);
          c.graft.add(new Rpc.Graft(topic));
        }
        case 34 -> c.prune.add(readPrune(in, c)); // prune
        case 42 -> c.idontwant.add(new Rpc.IDontWant(readIds(in, c))); // idontwant
        default -> skipUnknown(in, t, 1);
      }
    }
    leave(in, limit);
  }

  /** An IWANT or IDONTWANT: field 1, repeated message ids. */
  private static List<MessageId> readIds(CodedInputStream in, ControlParts c) throws IOException {
    int l = enter(in, 1);
    List<MessageId> ids = null;
    int u;
    while ((u = in.readTag()) != 0) {
      if (u == 10) {
        ids = addId(in, ids, c);
      } else {
        skipUnknown(in, u, 2);
      }
    }
    leave(in, l);
    return immutable(ids);
  }

  private static List<MessageId> addId(CodedInputStream in, List<MessageId> ids, ControlParts c)
      throws IOException {
    List<MessageId> out = ids == null ? new ArrayList<>() : ids;
    out.add(MessageId.withoutCopy(in.readByteArray()));
    c.ids++;
    return out;
  }

  private static Rpc.Prune readPrune(CodedInputStream in, ControlParts c) throws IOException {
    int l = enter(in, 1);
    String topic = "";
    List<Rpc.PxPeer> peers = null;
    long backoff = -1;
    int u;
    while ((u = in.readTag()) != 0) {
      switch (u) {
        case 10 -> topic = in.readString();
        case 18 -> {
          int pl = enter(in, 2);
          byte[] peerId = null;
          byte[] record = null;
          int v;
          while ((v = in.readTag()) != 0) {
            switch (v) {
              case 10 -> peerId = in.readByteArray();
              case 18 -> record = in.readByteArray();
              default -> skipUnknown(in, v, 3);
            }
          }
          leave(in, pl);
          if (peers == null) {
            peers = new ArrayList<>();
          }
          peers.add(new Rpc.PxPeer(peerId, record));
        }
        case 24 -> backoff = in.readUInt64();
        default -> skipUnknown(in, u, 2);
      }
    }
    leave(in, l);
    int n = peers == null ? 0 : peers.size();
    c.maxPrunePeers = Math.max(c.maxPrunePeers, n);
    return new Rpc.Prune(topic, immutable(peers), backoff);
  }

  /**
   * Enters a length-delimited embedded message read at nesting {@code depth} (0 for the RPC's own
   * fields): reads its length and limits the input to it. {@return the limit to restore}
   */
  private static int enter(CodedInputStream in, int depth) throws IOException {
    int length = in.readRawVarint32();
    if (depth >= RECURSION_LIMIT) {
      throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
    }
    return in.pushLimit(length);
  }

  /** Leaves an embedded message entered with {@link #enter}: its bytes must all have been read. */
  private static void leave(CodedInputStream in, int oldLimit) throws IOException {
    // readTag returned 0 at the limit; an end-group tag never gets here (skipUnknown throws)
    if (in.getBytesUntilLimit() != 0) {
      throw new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly");
    }
    in.popLimit(oldLimit);
  }

  /**
   * Skips an unknown field read at nesting {@code depth}. A group is skipped up to its matching
   * end-group tag, one level deeper; an end-group tag outside a group is an error.
   */
  private static void skipUnknown(CodedInputStream in, int tag, int depth) throws IOException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_START_GROUP -> {
        if (depth >= RECURSION_LIMIT) {
          throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
        }
        int end = (WireFormat.getTagFieldNumber(tag) << 3) | WireFormat.WIRETYPE_END_GROUP;
        int t;
        while (true) {
          t = in.readTag();
          if (t == 0 || WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_END_GROUP) {
            break;
          }
          skipUnknown(in, t, depth + 1);
        }
        if (t != end) {
          throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
        }
      }
      case WireFormat.WIRETYPE_END_GROUP ->
          throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
      default -> in.skipField(tag);
    }
  }

  /** Immutable as the records want it, without a second copy: none, one, or a copy of the list. */
  private static <T> List<T> immutable(List<T> list) {
    if (list == null || list.isEmpty()) {
      return List.of();
    }
    return list.size() == 1 ? List.of(list.get(0)) : List.copyOf(list);
  }

  /**
   * Wraps without copying. The arrays come from our records (PubSubMessage's are read-only by contract,
   * PxPeer's are never changed, MessageId returns a fresh copy) and the protobuf message lives only until
   * it is encoded.
   */
  private static ByteString wrap(byte[] bytes) {
    return UnsafeByteOperations.unsafeWrap(bytes);
  }
}
