package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.ssz.Bytes4;

/**
 * String-level shortcuts over {@link Eth2Topic}: build {@code /eth2/<digest>/<name>/ssz_snappy}
 * and parse it back.
 */
public final class Eth2Topics {

  private Eth2Topics() {}

  /**
   * {@return {@code /eth2/<digest hex>/<name>/ssz_snappy}}
   *
   * @param forkDigest the fork digest
   * @param name the topic name
   */
  public static String topic(Bytes4 forkDigest, String name) {
    return Eth2Topic.of(forkDigest, name).toString();
  }

  /**
   * Parses a topic string; {@link IllegalArgumentException} when it is not an eth2 topic.
   *
   * @param topic the topic string
   * @return the topic
   */
  public static Eth2Topic parse(String topic) {
    return Eth2Topic.parse(topic);
  }

  /**
   * {@return whether {@code topic} parses as an eth2 topic}
   *
   * @param topic a topic string
   */
  public static boolean isEth2(String topic) {
    try {
      Eth2Topic.parse(topic);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
