package io.serenity.p2p.pubsub;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the pubsub core, independent of the router.
 *
 * @param signaturePolicy STRICT_SIGN (default, plain libp2p) or STRICT_NO_SIGN (Ethereum)
 * @param messageIdFunction how message ids are computed; default {@code from || seqno}
 * @param maxMessageSize largest message payload accepted or published; default 1 MiB
 * @param maxRpcSize largest RPC frame read from a peer; default 1 MiB + 64 KiB of envelope
 * @param seenTtl how long a message id is remembered; default 2 minutes
 * @param seenCapacity most ids remembered at once; default 1,000,000
 * @param peerQueueBytes bytes queued for one peer before data RPCs are dropped; default 16 MiB
 * @param subscriberQueue messages buffered for one local subscriber before drops; default 1,024
 * @param maxPendingValidations validations in flight before new messages are dropped; default 8,192
 * @param deliverOwnMessages whether local subscribers get our own publishes; default false
 * @param verifyThreads threads checking StrictSign signatures off the router thread; 0 checks them on
 *     the router thread. Messages waiting for a check count against {@code maxPendingValidations}.
 *     Default: the number of processors, at most 4
 * @param publishBacklogBytes bytes of our own publishes that may wait for room in slow peers'
 *     queues; a publish beyond it fails at once (nothing is dropped silently). Default 32 MiB
 * @param publishWait how long one of our publishes waits for room in a peer's queue; past it the
 *     message is not sent to that peer, counted, and the publish completes exceptionally. Default 10 s
 */
public record PubSubConfig(
    SignaturePolicy signaturePolicy,
    MessageIdFunction messageIdFunction,
    int maxMessageSize,
    int maxRpcSize,
    Duration seenTtl,
    int seenCapacity,
    long peerQueueBytes,
    int subscriberQueue,
    int maxPendingValidations,
    boolean deliverOwnMessages,
    int verifyThreads,
    long publishBacklogBytes,
    Duration publishWait) {

  /**
   * The Ethereum consensus seen TTL: two epochs on mainnet (2 x 32 slots x 12 s), as the
   * consensus specs' p2p-interface asks ("seen_ttl").
   */
  public static final Duration ETHEREUM_SEEN_TTL = Duration.ofSeconds(768);

  /** The default own-publish backlog. */
  static final long DEFAULT_PUBLISH_BACKLOG = 32L << 20;
  /** The default own-publish wait. */
  static final Duration DEFAULT_PUBLISH_WAIT = Duration.ofSeconds(10);

  /** Checks for nulls; {@link #validate()} checks the values. */
  public PubSubConfig {
    Objects.requireNonNull(signaturePolicy, "signaturePolicy");
    Objects.requireNonNull(messageIdFunction, "messageIdFunction");
    Objects.requireNonNull(seenTtl, "seenTtl");
    Objects.requireNonNull(publishWait, "publishWait");
  }

  /**
   * All settings but the own-publish backlog and wait, which take their defaults.
   *
   * @param signaturePolicy see {@link #signaturePolicy()}
   * @param messageIdFunction see {@link #messageIdFunction()}
   * @param maxMessageSize see {@link #maxMessageSize()}
   * @param maxRpcSize see {@link #maxRpcSize()}
   * @param seenTtl see {@link #seenTtl()}
   * @param seenCapacity see {@link #seenCapacity()}
   * @param peerQueueBytes see {@link #peerQueueBytes()}
   * @param subscriberQueue see {@link #subscriberQueue()}
   * @param maxPendingValidations see {@link #maxPendingValidations()}
   * @param deliverOwnMessages see {@link #deliverOwnMessages()}
   * @param verifyThreads see {@link #verifyThreads()}
   */
  public PubSubConfig(
      SignaturePolicy signaturePolicy,
      MessageIdFunction messageIdFunction,
      int maxMessageSize,
      int maxRpcSize,
      Duration seenTtl,
      int seenCapacity,
      long peerQueueBytes,
      int subscriberQueue,
      int maxPendingValidations,
      boolean deliverOwnMessages,
      int verifyThreads) {
    this(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity, peerQueueBytes,
        subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, DEFAULT_PUBLISH_BACKLOG,
        DEFAULT_PUBLISH_WAIT);
  }

  /** {@return the defaults listed on the record components} */
  public static PubSubConfig defaults() {
    return new PubSubConfig(
        SignaturePolicy.STRICT_SIGN,
        MessageIdFunction.fromAndSeqno(),
        1 << 20,
        (1 << 20) + (64 << 10),
        Duration.ofMinutes(2),
        1_000_000,
        16L << 20,
        1024,
        8192,
        false,
        Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * {@return a copy with {@link #signaturePolicy()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withSignaturePolicy(SignaturePolicy v) {
    return new PubSubConfig(v, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #messageIdFunction()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withMessageIdFunction(MessageIdFunction v) {
    return new PubSubConfig(signaturePolicy, v, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * Sets the message limit and an RPC limit 64 KiB above it.
   *
   * @param v the new message limit in bytes
   * @return a copy with both limits set
   */
  public PubSubConfig withMaxMessageSize(int v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, v, v + (64 << 10), seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #seenTtl()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withSeenTtl(Duration v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, v, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #peerQueueBytes()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withPeerQueueBytes(long v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        v, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #deliverOwnMessages()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withDeliverOwnMessages(boolean v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, v, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #subscriberQueue()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withSubscriberQueue(int v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, v, maxPendingValidations, deliverOwnMessages, verifyThreads, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #verifyThreads()} set to {@code v}}
   *
   * @param v the new value
   */
  public PubSubConfig withVerifyThreads(int v) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, v, publishBacklogBytes, publishWait);
  }

  /**
   * {@return a copy with {@link #publishBacklogBytes()} and {@link #publishWait()} set}
   *
   * @param bytes the new own-publish backlog, in bytes
   * @param wait the new own-publish wait
   */
  public PubSubConfig withPublishBacklog(long bytes, Duration wait) {
    return new PubSubConfig(signaturePolicy, messageIdFunction, maxMessageSize, maxRpcSize, seenTtl, seenCapacity,
        peerQueueBytes, subscriberQueue, maxPendingValidations, deliverOwnMessages, verifyThreads, bytes, wait);
  }

  /**
   * Checks every setting; returns this for chaining.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad setting
   */
  public PubSubConfig validate() {
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive, got " + maxMessageSize);
    }
    if (maxRpcSize < maxMessageSize) {
      throw new IllegalArgumentException(
          "maxRpcSize (" + maxRpcSize + ") must be at least maxMessageSize (" + maxMessageSize + ")");
    }
    if (seenTtl.isZero() || seenTtl.isNegative()) {
      throw new IllegalArgumentException("seenTtl must be positive, got " + seenTtl);
    }
    if (seenCapacity < 1 || subscriberQueue < 1 || maxPendingValidations < 1) {
      throw new IllegalArgumentException("seenCapacity, subscriberQueue and maxPendingValidations must be positive");
    }
    if (verifyThreads < 0 || verifyThreads > 64) {
      throw new IllegalArgumentException("verifyThreads must be in [0, 64], got " + verifyThreads);
    }
    if (peerQueueBytes < maxRpcSize) {
      throw new IllegalArgumentException(
          "peerQueueBytes (" + peerQueueBytes + ") must hold at least one RPC of maxRpcSize (" + maxRpcSize + ")");
    }
    if (publishBacklogBytes < maxRpcSize) {
      throw new IllegalArgumentException("publishBacklogBytes (" + publishBacklogBytes
          + ") must hold at least one RPC of maxRpcSize (" + maxRpcSize + ")");
    }
    if (publishWait.isZero() || publishWait.isNegative()) {
      throw new IllegalArgumentException("publishWait must be positive, got " + publishWait);
    }
    return this;
  }
}
