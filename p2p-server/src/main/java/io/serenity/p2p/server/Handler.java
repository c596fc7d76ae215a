package io.serenity.p2p.server;

/**
 * Handles one received {@link Message}: the innermost handler of a topic sends it to the type's
 * feed; {@link Adapter}s wrap handlers. Runs on the topic's delivery thread, one message at a time.
 */
@FunctionalInterface
public interface Handler {

  /**
   * Handles {@code message}; an exception is logged and the message dropped.
   *
   * @param message the received message
   */
  void handle(Message<?> message);
}
