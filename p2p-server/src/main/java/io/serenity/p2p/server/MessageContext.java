package io.serenity.p2p.server;

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
 * @param attributes adapter-defined values, keyed by name
 */
public record MessageContext(
    String topic,
    Source source,
    String messageId,
    int size,
    Instant receivedAt,
    Map<String, Object> attributes) {

  /** How a message arrived. */
  public enum Source {
    /** Published on the topic through pubsub (or our own broadcast delivered back). */
    PUBSUB,
    /** Sent to us alone over a direct stream ({@link Server#send}). */
    DIRECT
  }

  public MessageContext {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    attributes = Map.copyOf(attributes);
  }

  /** A context without attributes. */
  public static MessageContext of(String topic, Source source, String messageId, int size) {
    return new MessageContext(topic, source, messageId, size, Instant.now(), Map.of());
  }

  /** This context with {@code key} set to {@code value}. */
  public MessageContext withAttribute(String key, Object value) {
    Map<String, Object> m = new HashMap<>(attributes);
    m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new MessageContext(topic, source, messageId, size, receivedAt, m);
  }

  /** The attribute {@code key}, if set. */
  public Optional<Object> attribute(String key) {
    return Optional.ofNullable(attributes.get(key));
  }
}
