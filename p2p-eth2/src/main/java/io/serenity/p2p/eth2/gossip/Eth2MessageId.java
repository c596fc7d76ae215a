package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.core.internal.Sha256;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.MessageIdFunction;
import io.serenity.p2p.pubsub.PubSubMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Set;

/**
 * The eth2 gossip message id (phase0 and altair p2p-interface.md "The gossip domain: gossipsub",
 * {@code message-id}): the first 20 bytes of SHA-256 over a 4-byte domain, then (altair and later)
 * the topic length as uint64 little endian and the topic, then the snappy-decompressed data under
 * {@code MESSAGE_DOMAIN_VALID_SNAPPY}, or the raw data under {@code MESSAGE_DOMAIN_INVALID_SNAPPY}
 * when it does not decompress within the size limit. Never throws: every message gets an id.
 *
 * <pre>{@code
 * PubSubConfig cfg = PubSubConfig.defaults().withMessageIdFunction(Eth2MessageId.altair());
 * }</pre>
 */
public final class Eth2MessageId {

  /** {@code MESSAGE_DOMAIN_VALID_SNAPPY}. */
  public static final byte[] DOMAIN_VALID_SNAPPY = {0x01, 0x00, 0x00, 0x00};
  /** {@code MESSAGE_DOMAIN_INVALID_SNAPPY}. */
  public static final byte[] DOMAIN_INVALID_SNAPPY = {0x00, 0x00, 0x00, 0x00};
  /** Length of an eth2 message id. */
  public static final int LENGTH = 20;

  private Eth2MessageId() {}

  /** {@return the altair+ function with the {@code MAX_PAYLOAD_SIZE} (10 MiB) decompression limit} */
  public static MessageIdFunction altair() {
    return altair(Eth2GossipProfile.MAX_PAYLOAD_SIZE);
  }

  /**
   * {@return the altair+ function (topic mixed in), with {@code maxUncompressed} as decompression limit}
   *
   * @param maxUncompressed the largest decompressed payload, in bytes
   */
  public static MessageIdFunction altair(int maxUncompressed) {
    return m -> MessageId.withoutCopy(compute(m.topic(), m.data(), true, maxUncompressed));
  }

  /** {@return the phase0 function (no topic), with the 10 MiB decompression limit} */
  public static MessageIdFunction phase0() {
    return phase0(Eth2GossipProfile.MAX_PAYLOAD_SIZE);
  }

  /**
   * {@return the phase0 function (no topic)}
   *
   * @param maxUncompressed the largest decompressed payload, in bytes
   */
  public static MessageIdFunction phase0(int maxUncompressed) {
    return m -> MessageId.withoutCopy(compute(m.topic(), m.data(), false, maxUncompressed));
  }

  /**
   * Switches per topic, as altair p2p-interface.md suggests for nodes spanning the fork: topics whose
   * fork digest is in {@code phase0Digests} get the phase0 id, every other topic (and a topic that
   * is not an eth2 topic) the altair one.
   *
   * @param phase0Digests the fork digests of phase0 topics
   * @param maxUncompressed the largest decompressed payload, in bytes
   * @return the function
   */
  public static MessageIdFunction forkAware(Set<Bytes4> phase0Digests, int maxUncompressed) {
    Set<Bytes4> phase0 = Set.copyOf(phase0Digests);
    return m -> {
      boolean withTopic = true;
      if (m.topic() != null && Eth2Topics.isEth2(m.topic())) {
        withTopic = !phase0.contains(Eth2Topic.parse(m.topic()).forkDigest());
      }
      return MessageId.withoutCopy(compute(m.topic(), m.data(), withTopic, maxUncompressed));
    };
  }

  /**
   * Computes an id. Missing topic or data count as empty (altair p2p-interface.md).
   *
   * @param topic the topic, or null
   * @param data the gossip bytes, or null
   * @param withTopic true for altair and later, false for phase0
   * @param maxUncompressed the largest decompressed payload, in bytes
   * @return the 20-byte id
   */
  public static byte[] compute(String topic, byte[] data, boolean withTopic, int maxUncompressed) {
    byte[] raw = data == null ? new byte[0] : data;
    byte[] domain;
    byte[] body;
    try {
      body = SnappyBlock.decompress(raw, maxUncompressed);
      domain = DOMAIN_VALID_SNAPPY;
    } catch (SnappyException e) {
      body = raw;
      domain = DOMAIN_INVALID_SNAPPY;
    }
    MessageDigest md = Sha256.threadDigest();
    md.update(domain);
    if (withTopic) {
      byte[] t = topic == null ? new byte[0] : topic.getBytes(StandardCharsets.UTF_8);
      long len = t.length;
      byte[] le = new byte[8];
      for (int i = 0; i < 8; i++) {
        le[i] = (byte) (len >>> (8 * i));
      }
      md.update(le);
      md.update(t);
    }
    md.update(body);
    return Arrays.copyOf(md.digest(), LENGTH);
  }

  /**
   * {@return the id of a message as a {@link PubSubMessage} would get from {@link #altair()}}
   *
   * @param m the message
   */
  public static MessageId of(PubSubMessage m) {
    return MessageId.withoutCopy(compute(m.topic(), m.data(), true, Eth2GossipProfile.MAX_PAYLOAD_SIZE));
  }
}
