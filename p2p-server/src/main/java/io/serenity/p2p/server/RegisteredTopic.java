package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered topic: its type, its assembled adapter chain, and the bounded inbox that decouples
 * network threads (pubsub delivery, Netty) from decoding, adapters and the feed. Its own thread
 * drains the inbox, one message at a time, so a slow feed subscriber can only fill this topic's
 * inbox (drops counted), never stall the network.
 */
final class RegisteredTopic<T> {

  private static final Logger LOG = LoggerFactory.getLogger(RegisteredTopic.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);
  private static final long STOP_WAIT_MS = 5_000;

  /**
   * Bytes as they arrived, before decoding.
   *
   * @param author the signed author, null when the message has none
   * @param receivedFrom the connected peer that handed it to us
   */
  record Inbound(byte[] data, PeerId author, PeerId receivedFrom, MessageContext.Source source, String messageId,
      Instant receivedAt) {

    /** The author when known, else the peer that handed it to us: a {@link Message}'s peer. */
    PeerId peer() {
      return author != null ? author : receivedFrom;
    }
  }

  final String topic;
  final Class<T> type;
  final String protocolId;
  private final Handler chain;
  private final Function<byte[], T> decoder;
  private final String codecName;
  private final ArrayBlockingQueue<Inbound> inbox;
  /** Most payload bytes the inbox holds together; a message that would pass it is dropped. */
  private final long inboxBytes;
  /** Payload bytes in the inbox now. */
  private final AtomicLong queuedBytes = new AtomicLong();
  /** Shared by every registration of the topic's name, so the counts survive a leave and a rejoin. */
  private final AtomicLong dropped;
  private final AtomicLong undecodable;
  private volatile Thread worker;
  private volatile boolean stopped;
  /** The pubsub subscription, once active. */
  volatile io.serenity.p2p.pubsub.Subscription pubsubSubscription;

  /**
   * @param decoder bytes to a fresh {@code T}; throws on undecodable input
   * @param codecName the decoder's name, for logs
   * @param counters the topic's drop counters: full inbox (and discarded on leave), undecodable
   */
  RegisteredTopic(String topic, Class<T> type, String protocolId, Handler chain, Function<byte[], T> decoder,
      String codecName, int inboxSize, long inboxBytes, Counters counters) {
    this.topic = topic;
    this.type = type;
    this.protocolId = protocolId;
    this.chain = chain;
    this.decoder = decoder;
    this.codecName = codecName;
    this.inbox = new ArrayBlockingQueue<>(inboxSize);
    this.inboxBytes = inboxBytes;
    this.dropped = counters.dropped;
    this.undecodable = counters.undecodable;
  }

  /** A topic's drop counts, kept by the server per topic name across leaves and rejoins. */
  static final class Counters {
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong undecodable = new AtomicLong();
  }

  /** Starts the delivery thread. */
  void start(String owner) {
    Thread t = new Thread(this::run, "server-" + owner + "-topic-" + topic);
    t.setDaemon(true);
    worker = t;
    t.start();
  }

  /**
   * Queues a received message; never blocks. An inbox full in messages or in bytes drops it and
   * counts.
   */
  void offer(Inbound in) {
    if (stopped) {
      dropped.incrementAndGet(); // in flight while the topic was left or the server stopped
      RLOG.debug("topic {}: message from {} arrived after the topic was left; dropped", topic, in.peer());
      return;
    }
    int size = in.data().length;
    // reserve the bytes first: offers come from several threads (router, direct streams)
    boolean room = queuedBytes.addAndGet(size) <= inboxBytes;
    if (!room || !inbox.offer(in)) {
      queuedBytes.addAndGet(-size);
      long n = dropped.incrementAndGet();
      if (n == 1 || Long.bitCount(n) == 1) { // 1, 2, 4, 8, ...: visible without flooding the log
        RLOG.warn("topic {}: inbox full ({} of {} messages, {} of {} bytes), dropped a message of {} bytes from {}"
                + " ({} dropped so far)",
            topic, inbox.size(), inbox.remainingCapacity() + inbox.size(), queuedBytes.get(), inboxBytes, size,
            in.peer(), n);
      }
    }
  }

  /**
   * Refuses further messages: from here on the delivery thread delivers nothing more, and what is
   * offered or taken is counted as dropped. Called before the feed closes, so the feed's end is not
   * reported as a failed handler.
   */
  void halt() {
    stopped = true;
  }

  /**
   * For a topic being left: {@link #halt()}, then stops the thread (the caller closed the feed in
   * between, releasing a blocked send) and counts what was still queued as dropped.
   *
   * @return how many queued messages were discarded
   */
  int leave() {
    halt();
    stopThread();
    int n = 0;
    Inbound in;
    while ((in = inbox.poll()) != null) {
      queuedBytes.addAndGet(-in.data().length);
      n++;
    }
    if (n > 0) {
      dropped.addAndGet(n);
      RLOG.info("topic {}: left with {} received messages not yet delivered; dropped", topic, n);
    }
    return n;
  }

  /** Stops the thread (the caller first closed the feed, releasing a blocked send). */
  void stop() {
    halt();
    stopThread();
    inbox.clear();
    queuedBytes.set(0);
  }

  private void stopThread() {
    Thread t = worker;
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(STOP_WAIT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("topic {}: delivery thread still busy after {} ms (a handler is stuck)", topic, STOP_WAIT_MS);
    }
  }

  private void run() {
    while (!stopped) {
      Inbound in;
      try {
        in = inbox.take();
        queuedBytes.addAndGet(-in.data().length);
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
        continue;
      }
      if (stopped) {
        dropped.incrementAndGet(); // taken just as the topic was left
        return;
      }
      deliver(in);
    }
  }

  /** Decodes into a fresh object and runs the chain; failures are logged and skipped (as the seed). */
  void deliver(Inbound in) {
    T data;
    try {
      data = decoder.apply(in.data());
    } catch (RuntimeException e) {
      undecodable.incrementAndGet();
      RLOG.info("Failed to decode data on topic {} from {} ({} bytes, {}): {}",
          topic, in.peer(), in.data().length, codecName, e.getMessage());
      return;
    }
    MessageContext ctx = new MessageContext(topic, in.source(), in.messageId(), in.data().length, in.receivedAt(),
        Optional.ofNullable(in.author()), Optional.of(in.receivedFrom()), Map.of());
    try {
      chain.handle(new Message<>(ctx, in.peer(), data));
    } catch (RuntimeException e) {
      if (stopped) {
        dropped.incrementAndGet(); // the feed closed under it: the topic was left or the server stopped
        return;
      }
      RLOG.warn("topic {}: handler failed on a message from {}; message dropped", topic, in.peer(), e);
    }
  }
}
