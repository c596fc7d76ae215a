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
      n += bytesSize(field, ids.get(i).bytes());
    }
    return n;
  }

  private static void writeIds(CodedOutputStream o, int field, List<MessageId> ids) throws IOException {
    for (int i = 0; i < ids.size(); i++) {
      o.writeByteArray(field, ids.get(i).bytes());
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
        h.messageIds().forEach(id -> hb.addMessageIDs(wrap(id.bytes())));
        cb.addIhave(hb);
      }
      for (Rpc.IWant w : c.iwant()) {
        RpcProtos.ControlIWant.Builder wb = RpcProtos.ControlIWant.newBuilder();
        w.messageIds().forEach(id -> wb.addMessageIDs(wrap(id.bytes())));
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
        d.messageIds().forEach(id -> db.addMessageIDs(wrap(id.bytes())));
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
    return decode(UnsafeByteOperations.unsafeWrap(bytes), limits);
  }

  /**
   * Decodes one RPC from the buffer's remaining bytes, in place: nothing returned shares the buffer's
   * memory. Throws as {@link #decode(byte[], Limits)} does.
   */
  static Rpc decode(ByteBuffer buffer, Limits limits) {
    return decode(UnsafeByteOperations.unsafeWrap(buffer), limits);
  }

  private static Rpc decode(ByteString input, Limits limits) {
    RpcProtos.RPC p;
    try {
      // bytes fields become views on the input (only protobuf's "immutable" input allows that; ours is
      // not changed while the parse and fromProto run): fromProto copies each field once into our
      // records, instead of the parser copying it first
      CodedInputStream in = input.newCodedInput();
      in.enableAliasing(true);
      in.setRecursionLimit(8);
      p = RpcProtos.RPC.parseFrom(in);
      in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw new PubSubException("malformed RPC: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new PubSubException("malformed RPC: " + e, e);
    }
    if (p.getSubscriptionsCount() > limits.maxSubscriptions()) {
      throw new PubSubException(
          "RPC carries " + p.getSubscriptionsCount() + " subscriptions, limit " + limits.maxSubscriptions());
    }
    if (p.getPublishCount() > limits.maxMessages()) {
      throw new PubSubException(
          "RPC carries " + p.getPublishCount() + " messages, limit " + limits.maxMessages());
    }
    List<Rpc.SubOpts> subs = new ArrayList<>(p.getSubscriptionsCount());
    for (RpcProtos.RPC.SubOpts s : p.getSubscriptionsList()) {
      if (!s.hasTopicid()) {
        throw new PubSubException("subscription without a topic");
      }
      subs.add(new Rpc.SubOpts(s.getSubscribe(), s.getTopicid()));
    }
    List<PubSubMessage> msgs = new ArrayList<>(p.getPublishCount());
    for (RpcProtos.Message m : p.getPublishList()) {
      msgs.add(fromProto(m));
    }
    Rpc.Control control = Rpc.Control.EMPTY;
    if (p.hasControl()) {
      control = control(p.getControl(), limits);
    }
    return new Rpc(subs, msgs, control);
  }

  static PubSubMessage fromProto(RpcProtos.Message m) {
    return new PubSubMessage(
        m.hasFrom() ? m.getFrom().toByteArray() : null,
        m.hasData() ? m.getData().toByteArray() : new byte[0],
        m.hasSeqno() ? m.getSeqno().toByteArray() : null,
        m.getTopic(),
        m.hasSignature() ? m.getSignature().toByteArray() : null,
        m.hasKey() ? m.getKey().toByteArray() : null);
  }

  private static Rpc.Control control(RpcProtos.ControlMessage c, Limits limits) {
    int ids = 0;
    for (RpcProtos.ControlIHave h : c.getIhaveList()) {
      ids += h.getMessageIDsCount();
    }
    for (RpcProtos.ControlIWant w : c.getIwantList()) {
      ids += w.getMessageIDsCount();
    }
    for (RpcProtos.ControlIDontWant d : c.getIdontwantList()) {
      ids += d.getMessageIDsCount();
    }
    int entries = ids + c.getGraftCount() + c.getPruneCount();
    if (entries > limits.maxControlIds()) {
      throw new PubSubException(
          "RPC control carries " + entries + " entries, limit " + limits.maxControlIds());
    }
    List<Rpc.IHave> ihave = new ArrayList<>();
    for (RpcProtos.ControlIHave h : c.getIhaveList()) {
      ihave.add(new Rpc.IHave(h.getTopicID(), ids(h.getMessageIDsList())));
    }
    List<Rpc.IWant> iwant = new ArrayList<>();
    for (RpcProtos.ControlIWant w : c.getIwantList()) {
      iwant.add(new Rpc.IWant(ids(w.getMessageIDsList())));
    }
    List<Rpc.Graft> graft = new ArrayList<>();
    for (RpcProtos.ControlGraft g : c.getGraftList()) {
      graft.add(new Rpc.Graft(g.getTopicID()));
    }
    List<Rpc.Prune> prune = new ArrayList<>();
    for (RpcProtos.ControlPrune p : c.getPruneList()) {
      if (p.getPeersCount() > limits.maxControlIds()) {
        throw new PubSubException("PRUNE carries " + p.getPeersCount() + " peers");
      }
      List<Rpc.PxPeer> px = new ArrayList<>();
      for (RpcProtos.PeerInfo i : p.getPeersList()) {
        px.add(
            new Rpc.PxPeer(
                i.hasPeerID() ? i.getPeerID().toByteArray() : null,
                i.hasSignedPeerRecord() ? i.getSignedPeerRecord().toByteArray() : null));
      }
      prune.add(new Rpc.Prune(p.getTopicID(), px, p.hasBackoff() ? p.getBackoff() : -1));
    }
    List<Rpc.IDontWant> idontwant = new ArrayList<>();
    for (RpcProtos.ControlIDontWant d : c.getIdontwantList()) {
      idontwant.add(new Rpc.IDontWant(ids(d.getMessageIDsList())));
    }
    return new Rpc.Control(ihave, iwant, graft, prune, idontwant);
  }

  private static List<MessageId> ids(List<ByteString> raw) {
    List<MessageId> out = new ArrayList<>(raw.size());
    for (ByteString b : raw) {
      out.add(new MessageId(b.toByteArray()));
    }
    return out;
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
