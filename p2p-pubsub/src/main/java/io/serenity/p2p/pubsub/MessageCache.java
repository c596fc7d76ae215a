package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gossipsub message cache (gossipsub v1.0 spec, "Message Cache"): the last {@code historyLength}
 * heartbeat windows of messages, answering IWANT from any window and offering the ids of the newest
 * {@code historyGossip} windows for IHAVE. {@link #shift()} runs once per heartbeat and forgets the
 * oldest window with its messages. Also counts how often each peer asked for each message, so one
 * peer cannot make us retransmit a message without limit (go's GossipRetransmission).
 */
final class MessageCache {
  private record Entry(MessageId id, String topic) {}

  private final int historyLength;
  private final int historyGossip;
  private final ArrayDeque<List<Entry>> windows = new ArrayDeque<>();
  private final Map<MessageId, PubSubMessage> messages = new HashMap<>();
  private final Map<MessageId, Map<PeerId, Integer>> transmissions = new HashMap<>();

  MessageCache(int historyLength, int historyGossip) {
    if (historyGossip < 1 || historyGossip > historyLength) {
      throw new IllegalArgumentException(
          "need 1 <= historyGossip <= historyLength, got " + historyGossip + " and " + historyLength);
    }
    this.historyLength = historyLength;
    this.historyGossip = historyGossip;
    windows.addFirst(new ArrayList<>());
  }

  /** Adds a message to the newest window; a message already cached is left where it is. */
  void put(MessageId id, PubSubMessage message) {
    if (messages.putIfAbsent(id, message) == null) {
      windows.getFirst().add(new Entry(id, message.topic()));
    }
  }

  Optional<PubSubMessage> get(MessageId id) {
    return Optional.ofNullable(messages.get(id));
  }

  /**
   * The message for an IWANT from {@code peer}, counting the request; empty when it is no longer
   * cached or the peer already had it {@code maxTransmissions} times.
   */
  Optional<PubSubMessage> getForPeer(MessageId id, PeerId peer, int maxTransmissions) {
    PubSubMessage m = messages.get(id);
    if (m == null) {
      return Optional.empty();
    }
    Map<PeerId, Integer> counts = transmissions.computeIfAbsent(id, k -> new HashMap<>());
    int n = counts.merge(peer, 1, Integer::sum);
    return n > maxTransmissions ? Optional.empty() : Optional.of(m);
  }

  /** Ids of {@code topic}'s messages in the newest {@code historyGossip} windows, newest first. */
  List<MessageId> gossipIds(String topic) {
    LinkedHashSet<MessageId> out = new LinkedHashSet<>();
    int i = 0;
    for (List<Entry> window : windows) {
      if (i++ >= historyGossip) {
        break;
      }
      for (Entry e : window) {
        if (e.topic().equals(topic)) {
          out.add(e.id());
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Opens a new window; the oldest beyond {@code historyLength} is forgotten with its messages. */
  void shift() {
    windows.addFirst(new ArrayList<>());
    while (windows.size() > historyLength) {
      for (Entry e : windows.removeLast()) {
        messages.remove(e.id());
        transmissions.remove(e.id());
      }
    }
  }

  /** Number of messages held. */
  int size() {
    return messages.size();
  }
}
