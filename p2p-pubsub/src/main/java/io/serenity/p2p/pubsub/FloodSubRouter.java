package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.util.List;

/**
 * floodsub (pubsub spec, "The FloodSub Router"): every message goes to every peer subscribed to its
 * topic, except the one it came from and its author.
 */
final class FloodSubRouter implements Router {
  static final String PROTOCOL_ID = "/floodsub/1.0.0";

  private RouterContext context;

  @Override
  public List<String> protocols() {
    return List.of(PROTOCOL_ID);
  }

  @Override
  public void attach(RouterContext context) {
    this.context = context;
  }

  @Override
  public void addPeer(PeerId peer, String protocol, boolean outbound) {}

  @Override
  public void removePeer(PeerId peer) {}

  @Override
  public void onSubscription(PeerId peer, String topic, boolean subscribed) {}

  @Override
  public boolean acceptFrom(PeerId peer) {
    return true;
  }

  @Override
  public void handleControl(PeerId peer, Rpc.Control control) {}

  @Override
  public void join(String topic) {}

  @Override
  public void leave(String topic) {}

  @Override
  public void publish(MessageId id, PubSubMessage message, PeerId receivedFrom) {
    byte[] author = message.from();
    Rpc rpc = Rpc.publish(message);
    Lane lane = receivedFrom == null ? Lane.PUBLISH : Lane.FORWARD;
    for (PeerId peer : context.peersInTopic(message.topic())) {
      if (peer.equals(receivedFrom) || peer.hasBytes(author)) {
        continue;
      }
      context.send(peer, rpc, lane);
    }
  }

  @Override
  public void detach() {}
}
