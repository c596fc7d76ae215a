package io.serenity.p2p.pubsub;

import java.util.List;

/**
 * One pubsub RPC as records (converted from and to the generated protobuf only in {@code RpcCodec}).
 * Lists are immutable; an RPC with nothing in it is never sent.
 */
record Rpc(List<SubOpts> subscriptions, List<PubSubMessage> publish, Control control) {

  static final Rpc EMPTY = new Rpc(List.of(), List.of(), Control.EMPTY);

  Rpc {
    subscriptions = List.copyOf(subscriptions);
    publish = List.copyOf(publish);
    control = control == null ? Control.EMPTY : control;
  }

  static Rpc control(Control control) {
    return new Rpc(List.of(), List.of(), control);
  }

  static Rpc publish(PubSubMessage message) {
    return new Rpc(List.of(), List.of(message), Control.EMPTY);
  }

  boolean isEmpty() {
    return subscriptions.isEmpty() && publish.isEmpty() && control.isEmpty();
  }

  /** A subscription change announced by a peer. */
  record SubOpts(boolean subscribe, String topic) {}

  /** Gossipsub control messages. */
  record Control(
      List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune, List<IDontWant> idontwant) {

    static final Control EMPTY = new Control(List.of(), List.of(), List.of(), List.of(), List.of());

    Control {
      ihave = List.copyOf(ihave);
      iwant = List.copyOf(iwant);
      graft = List.copyOf(graft);
      prune = List.copyOf(prune);
      idontwant = List.copyOf(idontwant);
    }

    boolean isEmpty() {
      return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty() && idontwant.isEmpty();
    }
  }

  record IHave(String topic, List<MessageId> messageIds) {
    IHave {
      messageIds = List.copyOf(messageIds);
    }
  }

  record IWant(List<MessageId> messageIds) {
    IWant {
      messageIds = List.copyOf(messageIds);
    }
  }

  record Graft(String topic) {}

  /**
   * @param backoffSeconds the backoff the pruning peer asks for, or -1 when absent (v1.0 peers)
   */
  record Prune(String topic, List<PxPeer> peers, long backoffSeconds) {
    Prune {
      peers = List.copyOf(peers);
    }
  }

  /** Peer exchange entry: a PeerId and optionally its signed peer record (both raw bytes). */
  record PxPeer(byte[] peerId, byte[] signedPeerRecord) {}

  record IDontWant(List<MessageId> messageIds) {
    IDontWant {
      messageIds = List.copyOf(messageIds);
    }
  }
}
