package io.serenity.p2p.server;

import io.serenity.p2p.core.PeerId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link Message} came from, and attributes adapters attach for inner adapters (the role of
 * Go's {@code context.Context} in the seed, minus cancellation). Immutable.
 *
 * @param topic the registered topic
 * @param source pubsub or a direct stream
 * @param messageId the pubsub message id in hex; empty for direct messages
 * @param size encoded size in bytes, as received
 * @param receivedAt when the message arrived
 * @param author the peer that signed the message as its author ({@code from}); empty for a message
 *     without author (under {@code StrictNoSign}, the Ethereum setting). For a direct message, the
 *     peer on the other end of the stream
 * @param receivedFrom the connected peer that handed us the message (for pubsub, the forwarder,
 *     which need not be the author); empty only in a context made by hand
 * @param attributes adapter-defined values, keyed by name
 */
public record MessageContext(
    String topic,
    Source source,
    String messageId,
    int size,
    Instant receivedAt,
    Optional<PeerId> author,
    Optional<PeerId> receivedFrom,
    Map<String, Object> attributes) {

  /** How a message arrived. */
  public enum Source {
    /** Published on the topic through pubsub (or our own broadcast delivered back). */
    PUBSUB,
    /** Sent to us alone over a direct stream ({@link Server#send}). */
    DIRECT
  }

  /** Checks for nulls and copies the attributes. */
  public MessageContext {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(receivedFrom, "receivedFrom");
    attributes = Map.copyOf(attributes);
  }

  /**
   * {@return a context without peers or attributes, received now (for tests and hand-made messages)}
   *
   * @param topic the topic
   * @param source pubsub or direct
   * @param messageId the pubsub message id in hex, empty for direct messages
   * @param size the payload size in bytes
   */
  public static MessageContext of(String topic, Source source, String messageId, int size) {
    return new MessageContext(topic, source, messageId, size, Instant.now(), Optional.empty(), Optional.empty(),
        Map.of());
  }

  /**
   * {@return this context with {@code key} set to {@code value}}
   *
   * @param key the attribute name
   * @param value its value
   */
  public MessageContext withAttribute(String key, Object value) {
    Map<String, Object> m = new HashMap<>(attributes);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new MessageContext(topic, source, messageId, size, receivedAt, author, receivedFrom, m);
  }

  /**
   * {@return the attribute {@code key}, if set}
   *
   * @param key the attribute name
   */
  public Optional<Object> attribute(String key) {
    return Optional.ofNullable(attributes.get(key));
  }
}
