package io.serenity.p2p.pubsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.serenity.p2p.pubsub.internal.pb.RpcProtos;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference for {@link RpcCodec}'s decoder: the RPC parsed by the generated protobuf classes
 * (protobuf-java's own proto2 rules), then converted to records with the same limits. This was the
 * production decoder before the direct one; tests hold the direct one to it.
 */
final class GeneratedRpcDecoder {
  private GeneratedRpcDecoder() {}

  /**
   * Decodes one RPC. Throws {@link PubSubException} on malformed protobuf or when a count limit is
   * exceeded; never anything else.
   */
  static Rpc decode(byte[] bytes, RpcCodec.Limits limits) {
    return decode(UnsafeByteOperations.unsafeWrap(bytes), limits);
  }

  
  private static Rpc decode(ByteString input, RpcCodec.Limits limits) {
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

  private static Rpc.Control control(RpcProtos.ControlMessage c, RpcCodec.Limits limits) {
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

}
