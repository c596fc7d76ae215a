package io.serenity.p2p.pubsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
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

  static byte[] encode(Rpc rpc) {
    return toProto(rpc).toByteArray();
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
