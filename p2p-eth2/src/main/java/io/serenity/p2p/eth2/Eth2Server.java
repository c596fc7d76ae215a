package io.serenity.p2p.eth2;

import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.Eth2Topics;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.server.ServerConfig;
import java.util.Objects;

/**
 * The Ethereum consensus preset for {@link io.serenity.p2p.server.Server} (issue 7's "ServerConfig
 * preset ethereum(forkDigest)"). It is here and not a static method on {@link ServerConfig} because
 * {@code p2p-server} does not depend on this module (the dependency runs the other way).
 *
 * <p>The preset is {@link Eth2GossipProfile} applied to a server config (phase0/altair
 * p2p-interface.md "The gossip domain: gossipsub"): {@code StrictNoSign}, the altair message id
 * ({@code SHA256(MESSAGE_DOMAIN_VALID_SNAPPY + topic length + topic + uncompressed data)[:20]}),
 * {@link io.serenity.p2p.pubsub.GossipSubParams#ethereum()}, gossip and direct messages limited to
 * {@code max_compressed_len(MAX_PAYLOAD_SIZE)}, a host config whose stream read buffer fits one
 * such RPC, and the {@link SszSnappyCodec} for payloads.
 *
 * <pre>{@code
 * byte[] digest = ForkDigest.compute(version, genesisValidatorsRoot).bytes();
 * SszSnappyCodec codec = SszSnappyCodec.withStandardTypes().register(MyBlock.class, MyBlock.CODEC);
 * Server server = new Server(Eth2Server.ethereum(digest, codec).listen("/ip4/0.0.0.0/tcp/9000").build());
 * server.registerTopic(Eth2Server.topic(digest, "beacon_block"), MyBlock.class);
 * server.start();
 * server.broadcast(block);
 * }</pre>
 *
 * <p>Not covered by the preset: the seen-message TTL stays the pubsub default (the server does not
 * expose it), and direct messages ({@code Server.send}) use the server's own protocol ids, not the
 * Ethereum req/resp domain (use {@code io.serenity.p2p.eth2.reqresp} for Status, Ping, MetaData).
 */
public final class Eth2Server {

  /** Room for an unsigned varint length prefix (a 32-bit length needs at most 5 bytes). */
  private static final int VARINT_PREFIX_MAX = 10;

  private Eth2Server() {}

  /**
   * {@link ServerConfig#builder()} with the Ethereum preset and {@link
   * SszSnappyCodec#withStandardTypes()}; register your own types with {@link #ethereum(byte[],
   * SszSnappyCodec)} instead.
   *
   * @param forkDigest the 4-byte fork digest of the topics this node will use
   * @throws IllegalArgumentException when {@code forkDigest} is not 4 bytes
   */
  public static ServerConfig.Builder ethereum(byte[] forkDigest) {
    return ethereum(forkDigest, SszSnappyCodec.withStandardTypes());
  }

  /** {@link #ethereum(byte[])} with {@code codec} for the payloads. */
  public static ServerConfig.Builder ethereum(byte[] forkDigest, SszSnappyCodec codec) {
    return ethereum(forkDigest, codec, Eth2GossipProfile.defaults());
  }

  /**
   * The preset built from {@code profile} (payload limit, phase0 or altair message ids, gossipsub
   * parameters); {@code codec} must use the same payload limit.
   */
  public static ServerConfig.Builder ethereum(
      byte[] forkDigest, SszSnappyCodec codec, Eth2GossipProfile profile) {
    checkDigest(forkDigest);
    Objects.requireNonNull(codec, "codec");
    profile.validate();
    if (codec.maxPayloadSize() != profile.maxPayloadSize()) {
      throw new IllegalArgumentException(
          "codec maxPayloadSize " + codec.maxPayloadSize() + " differs from the profile's " + profile.maxPayloadSize());
    }
    return ServerConfig.builder()
        .pubSubConfig(profile.pubSubConfig()) // StrictNoSign, Ethereum message ids, size limit, seen TTL
        .gossipSubParams(profile.gossipSubParams())
        .maxDirectMessageSize(profile.maxCompressedSize())
        .hostConfig(hostConfig(profile, HostConfig.defaults()))
        .codec(codec);
  }

  /**
   * {@code base} with a stream read buffer large enough for one RPC of {@code profile}, its varint
   * length prefix included: pubsub refuses to start when {@code maxRpcSize} plus its prefix does not
   * fit the buffer (and {@link Eth2GossipProfile#hostConfig(HostConfig)} sizes it to {@code
   * maxRpcSize} alone). For hosts built directly, e.g. by the {@code p2p-node} command.
   */
  public static HostConfig hostConfig(Eth2GossipProfile profile, HostConfig base) {
    HostConfig hc = profile.hostConfig(base);
    int need = profile.pubSubConfig().maxRpcSize() + VARINT_PREFIX_MAX;
    return hc.maxStreamReadBuffer() >= need ? hc : hc.toBuilder().maxStreamReadBuffer(need).build();
  }

  /**
   * The gossip topic {@code /eth2/<digest hex>/<name>/ssz_snappy}, e.g. for {@code beacon_block}.
   *
   * @throws IllegalArgumentException when {@code forkDigest} is not 4 bytes
   */
  public static String topic(byte[] forkDigest, String name) {
    checkDigest(forkDigest);
    return Eth2Topics.topic(new Bytes4(forkDigest), name);
  }

  private static void checkDigest(byte[] forkDigest) {
    Objects.requireNonNull(forkDigest, "forkDigest");
    if (forkDigest.length != Bytes4.SIZE) {
      throw new IllegalArgumentException("forkDigest must be 4 bytes, got " + forkDigest.length);
    }
  }
}
