package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.internal.RateLimitedLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The gossipsub message cache (gossipsub v1.0 spec, "Message Cache"): the last {@code historyLength}
 * heartbeat windows of messages, answering IWANT from any window and offering the ids of the newest
 * {@code historyGossip} windows for IHAVE. {@link #shift()} runs once per heartbeat and forgets the
 * oldest window with its messages. Also counts how often each peer asked for each message, so one
 * peer cannot make us retransmit a message without limit (go's GossipRetransmission).
 *
 * <p>A message lives here for seconds, long enough to survive several young collections, and a
 * collector that copied every cached payload at each of them spent more time on 100 KiB messages
 * than the whole gossip path. So a payload of {@link #RECYCLE_THRESHOLD} bytes or more is copied
 * into an array the cache recycles: when the message leaves, its array (a power of two in size) is
 * kept for a later payload, so once the cache has reached its working size its arrays are old and
 * stay put, and the payload the message came with dies young. An IWANT answer gets a fresh copy.
 * Netty's pooled allocator did not fit here: it frees chunks that empty and makes new ones, which
 * with windows of messages leaving at each heartbeat meant allocating and zeroing memory all the
 * time. The payloads held are bounded by {@code maxBytes}, and the arrays kept for reuse by the
 * same amount: beyond it the oldest messages leave early (counted and logged), so a flood of large
 * valid messages cannot grow the cache without limit.
 *
 * <p>Not thread-safe: the router's thread only. {@link #clear()} forgets everything.
 */
final class MessageCache {
  private static final RateLimitedLog RLOG =
      RateLimitedLog.perMinute(LoggerFactory.getLogger(MessageCache.class), 5);

  /** Payloads at least this large are copied into recycled arrays. */
  static final int RECYCLE_THRESHOLD = 8 * 1024;
  /** Default bound on the payload bytes held: 256 MiB. */
  static final long DEFAULT_MAX_BYTES = 256L << 20;

  /**
   * A cached message: as it came, or without its payload, which then sits in {@code data}. The same
   * object is in the map by id and in its window, which needs the id and the topic.
   */
  private record Held(MessageId id, PubSubMessage message, byte[] data, int size) {
    PubSubMessage restore() {
      if (data == null) {
        return message;
      }
      PubSubMessage m = message;
      return new PubSubMessage(m.from(), Arrays.copyOf(data, size), m.seqno(), m.topic(), m.signature(), m.key());
    }
  }

  private final int historyLength;
  private final int historyGossip;
  private final long maxBytes;
  /** Arrays for large payloads that left the cache, by size class (2^i bytes), for the next ones. */
  @SuppressWarnings("unchecked")
  private final ArrayDeque<byte[]>[] free = new ArrayDeque[31];
  private long freeBytes;
  private final ArrayDeque<ArrayDeque<Held>> windows = new ArrayDeque<>();
  private final IdTable<Held> messages = new IdTable<>(Held::id);
  private final Map<MessageId, Map<PeerId, Integer>> transmissions = new HashMap<>();
  private long bytes;
  private volatile long evictedEarly; // read by metrics from other threads

  MessageCache(int historyLength, int historyGossip) {
    this(historyLength, historyGossip, DEFAULT_MAX_BYTES);
  }

  MessageCache(int historyLength, int historyGossip, long maxBytes) {
    if (historyGossip < 1 || historyGossip > historyLength) {
      throw new IllegalArgumentException(
          "need 1 <= historyGossip <= historyLength, got " + historyGossip + " and " + historyLength);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("message cache bytes must be > 0, got " + maxBytes);
    }
    this.historyLength = historyLength;
    this.historyGossip = historyGossip;
    this.maxBytes = maxBytes;
    windows.addFirst(new ArrayDeque<>());
  }

  /** Adds a message to the newest window; a message already cached is left where it is. */
  void put(MessageId id, PubSubMessage message) {
    if (messages.get(id) != null) {
      return;
    }
    int size = message.size();
    Held held;
    if (size >= RECYCLE_THRESHOLD) {
      byte[] data = take(size);
      System.arraycopy(message.data(), 0, data, 0, size);
      held = new Held(id, new PubSubMessage(message.from(), null, message.seqno(), message.topic(),
          message.signature(), message.key()), data, size);
    } else {
      held = new Held(id, message, null, size);
    }
    messages.add(held);
    windows.getFirst().add(held);
    bytes += size;
    while (bytes > maxBytes && messages.size() > 1) {
      evictOldest();
    }
  }

  Optional<PubSubMessage> get(MessageId id) {
    Held h = messages.get(id);
    return h == null ? Optional.empty() : Optional.of(h.restore());
  }

  /**
   * The message for an IWANT from {@code peer}, counting the request; empty when it is no longer
   * cached or the peer already had it {@code maxTransmissions} times.
   */
  Optional<PubSubMessage> getForPeer(MessageId id, PeerId peer, int maxTransmissions) {
    Held h = messages.get(id);
    if (h == null) {
      return Optional.empty();
    }
    Map<PeerId, Integer> counts = transmissions.computeIfAbsent(id, k -> new HashMap<>());
    int n = counts.merge(peer, 1, Integer::sum);
    return n > maxTransmissions ? Optional.empty() : Optional.of(h.restore());
  }

  /** Ids of {@code topic}'s messages in the newest {@code historyGossip} windows, newest first. */
  List<MessageId> gossipIds(String topic) {
    LinkedHashSet<MessageId> out = new LinkedHashSet<>();
    int i = 0;
    for (ArrayDeque<Held> window : windows) {
      if (i++ >= historyGossip) {
        break;
      }
      for (Held e : window) {
        if (e.message().topic().equals(topic)) {
          out.add(e.id());
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Opens a new window; the oldest beyond {@code historyLength} is forgotten with its messages. */
  void shift() {
    windows.addFirst(new ArrayDeque<>());
    while (windows.size() > historyLength) {
      for (Held e : windows.removeLast()) {
        forget(e);
      }
    }
  }

  /** Forgets every message and the arrays kept; the cache stays usable. */
  void clear() {
    messages.clear();
    Arrays.fill(free, null);
    freeBytes = 0;
    transmissions.clear();
    windows.clear();
    windows.addFirst(new ArrayDeque<>());
    bytes = 0;
  }

  /** Number of messages held. */
  int size() {
    return messages.size();
  }

  /** {@return payload bytes held} */
  long bytes() {
    return bytes;
  }

  /** {@return messages forgotten before their time because the cache held {@code maxBytes}} */
  long evictedEarly() {
    return evictedEarly;
  }

  private void evictOldest() {
    for (var it = windows.descendingIterator(); it.hasNext(); ) {
      Held e = it.next().pollFirst();
      if (e != null) {
        forget(e);
        evictedEarly++;
        RLOG.warn("message cache holds more than {} bytes of payloads; forgetting the oldest messages early"
            + " ({} so far): IWANT for them goes unanswered", maxBytes, evictedEarly);
        return;
      }
    }
  }

  private void forget(Held h) {
    if (messages.remove(h)) {
      bytes -= h.size();
      if (h.data() != null) {
        give(h.data());
      }
    }
    transmissions.remove(h.id());
  }

  /** {@return an array of at least {@code size} bytes: one that was given back, or a new one} */
  private byte[] take(int size) {
    int c = sizeClass(size);
    ArrayDeque<byte[]> list = free[c];
    byte[] a = list == null ? null : list.pollFirst();
    if (a != null) {
      freeBytes -= a.length;
      return a;
    }
    return new byte[1 << c];
  }

  /** Keeps {@code a} for a later payload while the arrays kept stay within the byte bound. */
  private void give(byte[] a) {
    if (freeBytes + a.length > maxBytes) {
      return; // the collector takes it
    }
    int c = sizeClass(a.length);
    if (free[c] == null) {
      free[c] = new ArrayDeque<>();
    }
    free[c].addFirst(a);
    freeBytes += a.length;
  }

  /** {@return the power of two that fits {@code size}} */
  private static int sizeClass(int size) {
    return 32 - Integer.numberOfLeadingZeros(size - 1);
  }

  /** {@return bytes of arrays kept for later payloads} */
  long freeBytes() {
    return freeBytes;
  }
}
