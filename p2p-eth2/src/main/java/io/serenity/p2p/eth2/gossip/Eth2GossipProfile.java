package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.ssz.SszCodec;
import io.serenity.p2p.eth2.ssz.SszException;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.MessageIdFunction;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;

/**
 * The Ethereum consensus gossip profile in one place (phase0/altair p2p-interface.md "The gossip
 * domain: gossipsub"): StrictNoSign, the eth2 message id, the gossipsub preset and the payload
 * limits, plus the {@code ssz_snappy} payload codec.
 *
 * <pre>{@code
 * Eth2GossipProfile profile = Eth2GossipProfile.defaults();
 * Host host = Host.builder().config(profile.hostConfig()).identity(secp256k1Key).listen(addr).build();
 * PubSub pubsub = PubSub.gossipsub(host, profile.pubSubConfig(), profile.gossipSubParams());
 * String topic = Eth2Topics.topic(ForkDigest.compute(version, gvr), Eth2Topic.BEACON_BLOCK);
 * pubsub.publish(topic, profile.encode(MyBlock.CODEC, block));
 * }</pre>
 *
 * @param maxPayloadSize largest uncompressed payload, {@code MAX_PAYLOAD_SIZE} (formerly
 *     {@code GOSSIP_MAX_SIZE}); default 10 MiB
 * @param topicInMessageId true (default) for the altair+ message id, false for phase0's
 * @param gossipSubParams the router preset; default {@link GossipSubParams#ethereum()}
 */
public record Eth2GossipProfile(int maxPayloadSize, boolean topicInMessageId, GossipSubParams gossipSubParams) {

  /**
   * Peers a beacon node trims down to when it has too many (the connection manager's low
   * watermark): 70, the middle of what the Ethereum clients ship (Prysm keeps up to 70, Teku and
   * Lighthouse aim at about 100 with a lower floor).
   */
  public static final int TARGET_PEERS = 70;

  /** Peers above which the connection manager trims to {@link #TARGET_PEERS}: 100. */
  public static final int MAX_PEERS = 100;

  /** {@code MAX_PAYLOAD_SIZE}: 10 MiB. */
  public static final int MAX_PAYLOAD_SIZE = 10 * (1 << 20);

  /** Null check. */
  public Eth2GossipProfile {
    java.util.Objects.requireNonNull(gossipSubParams, "gossipSubParams");
  }

  /**
   * 10 MiB, altair+ message ids, {@link GossipSubParams#ethereum()}.
   *
   * @return the profile
   */
  public static Eth2GossipProfile defaults() {
    return new Eth2GossipProfile(MAX_PAYLOAD_SIZE, true, GossipSubParams.ethereum());
  }

  /**
   * {@return the same profile with another payload limit}
   *
   * @param v the largest uncompressed payload, in bytes
   */
  public Eth2GossipProfile withMaxPayloadSize(int v) {
    return new Eth2GossipProfile(v, topicInMessageId, gossipSubParams);
  }

  /**
   * {@return the same profile with phase0 (false) or altair+ (true) message ids}
   *
   * @param v true for altair and later
   */
  public Eth2GossipProfile withTopicInMessageId(boolean v) {
    return new Eth2GossipProfile(maxPayloadSize, v, gossipSubParams);
  }

  /**
   * Rejects nonsense; returns this.
   *
   * @return this profile
   * @throws IllegalArgumentException naming the bad field
   */
  public Eth2GossipProfile validate() {
    if (maxPayloadSize < 1) {
      throw new IllegalArgumentException("maxPayloadSize must be positive, got " + maxPayloadSize);
    }
    if (maxCompressedSize() > Integer.MAX_VALUE - (1 << 20)) {
      throw new IllegalArgumentException("maxPayloadSize too large: " + maxPayloadSize);
    }
    gossipSubParams.validate();
    return this;
  }

  /** {@return {@code max_compressed_len(maxPayloadSize)}: the largest {@code Message.data} accepted} */
  public int maxCompressedSize() {
    return (int) SnappyBlock.maxCompressedLength(maxPayloadSize);
  }

  /** {@return the message id function of this profile} */
  public MessageIdFunction messageIdFunction() {
    return topicInMessageId ? Eth2MessageId.altair(maxPayloadSize) : Eth2MessageId.phase0(maxPayloadSize);
  }

  /**
   * {@code base} with StrictNoSign, the eth2 message id, {@code Message.data} limited to
   * {@link #maxCompressedSize()} and the seen TTL of two epochs ({@link PubSubConfig#ETHEREUM_SEEN_TTL}).
   *
   * @param base the settings to start from
   * @return the settings for this profile
   */
  public PubSubConfig pubSubConfig(PubSubConfig base) {
    validate();
    return base.withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .withMessageIdFunction(messageIdFunction())
        .withMaxMessageSize(maxCompressedSize())
        .withSeenTtl(PubSubConfig.ETHEREUM_SEEN_TTL)
        .validate();
  }

  /** {@return the profile's pubsub settings over {@link PubSubConfig#defaults()}} */
  public PubSubConfig pubSubConfig() {
    return pubSubConfig(PubSubConfig.defaults());
  }

  /**
   * {@code base} with the profile's peer counts (connection watermarks {@link #TARGET_PEERS} and
   * {@link #MAX_PEERS}, unless {@code base} has its own) and a stream read buffer large enough for
   * one RPC of this profile. The host
   * refuses pull reads larger than {@link HostConfig#maxStreamReadBuffer()} (default 4 MiB), and
   * the profile's RPC limit ({@code max_compressed_len(10 MiB)} + 64 KiB) is above that: a host
   * left at the default never reads a pubsub RPC. Build the host with this config.
   *
   * @param base the settings to start from
   * @return the settings for this profile
   */
  public HostConfig hostConfig(HostConfig base) {
    HostConfig.Builder b = base.toBuilder();
    HostConfig d = HostConfig.defaults();
    if (base.connectionLowWater() == d.connectionLowWater() && base.connectionHighWater() == d.connectionHighWater()) {
      b.connectionWatermarks(TARGET_PEERS, MAX_PEERS); // the caller's own watermarks are kept
    }
    // one RPC plus its length prefix (up to 10 bytes) must fit (PubSub checks this at creation)
    int need = pubSubConfig().maxRpcSize() + 10;
    if (base.maxStreamReadBuffer() < need) {
      b.maxStreamReadBuffer(need);
    }
    return b.build();
  }

  /** {@return the profile's host settings over {@link HostConfig#defaults()}} */
  public HostConfig hostConfig() {
    return hostConfig(HostConfig.defaults());
  }

  /**
   * SSZ-serialises and snappy-compresses a gossip payload.
   *
   * @param <T> the payload type
   * @param codec its SSZ codec
   * @param value the payload
   * @return the gossip bytes
   */
  public <T> byte[] encode(SszCodec<T> codec, T value) {
    byte[] ssz = codec.encode(value);
    if (ssz.length > maxPayloadSize) {
      throw new IllegalArgumentException("payload of " + ssz.length + " bytes exceeds " + maxPayloadSize);
    }
    return SnappyBlock.compress(ssz);
  }

  /**
   * Decompresses a gossip payload within {@link #maxPayloadSize()}.
   *
   * @param data the gossip bytes
   * @return the SSZ bytes
   */
  public byte[] decompress(byte[] data) {
    return SnappyBlock.decompress(data, maxPayloadSize);
  }

  /**
   * Decompresses and SSZ-decodes a gossip payload.
   *
   * @param <T> the payload type
   * @param codec its SSZ codec
   * @param data the gossip bytes
   * @return the payload
   * @throws SnappyException on bad snappy, an oversize payload, or content the codec rejects
   */
  public <T> T decode(SszCodec<T> codec, byte[] data) {
    int limit = maxPayloadSize;
    if (codec.fixedSize() >= 0) {
      // a fixed-size type bounds decompression tighter than the global limit (type-specific SSZ bound)
      limit = Math.min(limit, codec.fixedSize());
    }
    byte[] ssz = SnappyBlock.decompress(data, limit);
    try {
      return codec.decode(ssz);
    } catch (SszException e) {
      throw new SnappyException("ssz_snappy payload: " + e.getMessage(), e);
    }
  }
}
