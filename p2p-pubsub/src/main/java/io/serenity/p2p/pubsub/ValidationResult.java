package io.serenity.p2p.pubsub;

/** A validator's verdict (gossipsub v1.1 extended validators). */
public enum ValidationResult {
  /** Deliver locally and forward. */
  ACCEPT,
  /** Drop and penalise the sender (counts as an invalid message delivery, P4). */
  REJECT,
  /** Drop without penalty and without forwarding. */
  IGNORE
}
