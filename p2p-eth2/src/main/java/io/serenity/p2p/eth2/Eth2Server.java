package io.serenity.p2p.eth2;

import io.netty.channel.EventLoopGroup;
import io.serenity.p2p.eth2.gossip.Eth2GossipProfile;
import io.serenity.p2p.eth2.gossip.Eth2Topics;
import io.serenity.p2p.eth2.reqresp.ReqResp;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.reqresp.ReqRespEvent;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.server.ServerConfig;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
 * <p>An instance is the Ethereum node: a {@link Server} with that preset and the Ethereum req/resp
 * domain ({@link ReqResp}: Status, Goodbye, Ping, MetaData) installed on its host before it listens,
 * so every peer, inbound or outbound, gets our Status. Direct messages ({@code Server.send}) keep the
 * server's own protocol ids; Ethereum requests go through {@link #reqResp()}.
 *
 * <pre>{@code
 * Eth2Server node = new Eth2Server(Eth2Server.ethereum(digest).listen("/ip4/0.0.0.0/tcp/9000").build(),
 *     ReqRespConfig.defaults(), new StatusMessage(new Bytes4(digest), finalizedRoot, epoch, headRoot, slot));
 * node.addListener(event -> ...);    // Status received, Goodbye either way
 * node.server().joinTopic(topic);     // or registerTopic, broadcast, ... as on any server
 * node.start();
 * }</pre>
 */
public final class Eth2Server implements AutoCloseable {

  /** Room for an unsigned varint length prefix (a 32-bit length needs at most 5 bytes). */
  private static final int VARINT_PREFIX_MAX = 10;

  private final Server server;
  private final ReqRespConfig reqRespConfig;
  private final List<Consumer<ReqRespEvent>> listeners = new CopyOnWriteArrayList<>();
  private volatile StatusMessage status;
  private volatile MetaData metaData = MetaData.empty(0);
  private volatile StatusMessageV2 statusV2;
  private volatile MetaDataV3 metaDataV3;
  private volatile ReqResp reqResp;
  private volatile java.util.function.Predicate<Bytes4> relevantForkDigests = d -> false;

  /**
   * An Ethereum node on {@code config} (normally built from {@link #ethereum(byte[])}) that sends and
   * answers {@code status}; nothing runs until {@link #start()}.
   *
   * @param config the server settings
   * @param reqRespConfig the req/resp settings
   * @param status our first Status
   */
  public Eth2Server(ServerConfig config, ReqRespConfig reqRespConfig, StatusMessage status) {
    this(config, reqRespConfig, status, null);
  }

  /**
   * As {@link #Eth2Server(ServerConfig, ReqRespConfig, StatusMessage)}, on shared Netty threads.
   *
   * @param config the server settings
   * @param reqRespConfig the req/resp settings
   * @param status our first Status
   * @param sharedEventLoops the Netty event loops to run on, owned by the caller
   */
  public Eth2Server(
      ServerConfig config, ReqRespConfig reqRespConfig, StatusMessage status, EventLoopGroup sharedEventLoops) {
    this.reqRespConfig = Objects.requireNonNull(reqRespConfig, "reqRespConfig");
    this.status = Objects.requireNonNull(status, "status");
    this.server = new Server(config, sharedEventLoops);
    server.addExtension(host -> {
      ReqResp rr = ReqResp.create(host, this.reqRespConfig);
      rr.setStatus(this.status);
      rr.setMetaData(this.metaData);
      rr.setRelevantForkDigests(d -> relevantForkDigests.test(d));
      if (statusV2 != null) {
        rr.setStatusV2(statusV2);
      }
      if (metaDataV3 != null) {
        rr.setMetaDataV3(metaDataV3);
      }
      for (Consumer<ReqRespEvent> l : listeners) {
        rr.addListener(l);
      }
      reqResp = rr;
      return rr::close;
    });
  }

  /** {@return the server: topics, broadcast, direct messages, peers} */
  public Server server() {
    return server;
  }

  /**
   * Req/resp events (a peer's Status, Goodbye either way, MetaData changes), from the first peer on;
   * add listeners before {@link #start()}.
   *
   * @param listener called with each event
   * @throws IllegalStateException after start
   */
  public void addListener(Consumer<ReqRespEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    if (reqResp != null) {
      throw new IllegalStateException("listeners are added before start(); use reqResp().addListener later");
    }
    listeners.add(listener);
  }

  /**
   * Our Status, sent to every peer and answered with; takes effect at once when running.
   *
   * @param status our Status
   */
  public void setStatus(StatusMessage status) {
    this.status = Objects.requireNonNull(status, "status");
    this.statusV2 = null;
    ReqResp rr = reqResp;
    if (rr != null) {
      rr.setStatus(status);
    }
  }

  /**
   * Which fork digests other than ours keep a peer connected after its Status (default: none; see
   * {@link ReqResp#setRelevantForkDigests}); takes effect at once, before or after start.
   *
   * @param relevant true for a digest to keep peers on
   */
  public void setRelevantForkDigests(java.util.function.Predicate<Bytes4> relevant) {
    this.relevantForkDigests = Objects.requireNonNull(relevant, "relevant");
  }

  /**
   * Our MetaData (default: empty, seq 0); takes effect at once when running.
   *
   * @param metaData our MetaData
   */
  public void setMetaData(MetaData metaData) {
    this.metaData = Objects.requireNonNull(metaData, "metaData");
    this.metaDataV3 = null;
    ReqResp rr = reqResp;
    if (rr != null) {
      rr.setMetaData(metaData);
    }
  }

  /**
   * Our Status v2 (from Fulu on; see {@link ReqResp#setStatusV2}); takes effect at once when running.
   * {@link #setStatus} goes back to v1 only.
   *
   * @param status our Status v2
   */
  public void setStatusV2(StatusMessageV2 status) {
    Objects.requireNonNull(status, "status");
    this.status = status.toV1();
    this.statusV2 = status;
    ReqResp rr = reqResp;
    if (rr != null) {
      rr.setStatusV2(status);
    }
  }

  /**
   * Our MetaData v3 (from Fulu on; see {@link ReqResp#setMetaDataV3}); takes effect at once when
   * running. {@link #setMetaData} goes back to v2 only.
   *
   * @param metaData our MetaData v3
   */
  public void setMetaDataV3(MetaDataV3 metaData) {
    Objects.requireNonNull(metaData, "metaData");
    this.metaData = metaData.toV2();
    this.metaDataV3 = metaData;
    ReqResp rr = reqResp;
    if (rr != null) {
      rr.setMetaDataV3(metaData);
    }
  }

  /**
   * The req/resp domain, for requests to peers (Status, Ping, MetaData, Goodbye, further methods).
   *
   * @return the req/resp domain
   * @throws IllegalStateException before {@link #start()}
   */
  public ReqResp reqResp() {
    ReqResp rr = reqResp;
    if (rr == null) {
      throw new IllegalStateException("not started");
    }
    return rr;
  }

  /** Starts the server, req/resp included; see {@link Server#start()}. */
  public void start() {
    server.start();
  }

  /** Stops req/resp and the server; idempotent. */
  public void stop() {
    server.stop();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * {@link ServerConfig#builder()} with the Ethereum preset and {@link
   * SszSnappyCodec#withStandardTypes()}; register your own types with {@link #ethereum(byte[],
   * SszSnappyCodec)} instead.
   *
   * @param forkDigest the 4-byte fork digest of the topics this node will use
   * @return the builder; add listen addresses and peers, then build
   * @throws IllegalArgumentException when {@code forkDigest} is not 4 bytes
   */
  public static ServerConfig.Builder ethereum(byte[] forkDigest) {
    return ethereum(forkDigest, SszSnappyCodec.withStandardTypes());
  }

  /**
   * {@return the builder of {@link #ethereum(byte[])}, with {@code codec} for the payloads}
   *
   * @param forkDigest the 4-byte fork digest of the topics
   * @param codec the ssz_snappy codec with the application's SSZ types
   */
  public static ServerConfig.Builder ethereum(byte[] forkDigest, SszSnappyCodec codec) {
    return ethereum(forkDigest, codec, Eth2GossipProfile.defaults());
  }

  /**
   * The preset built from {@code profile} (payload limit, phase0 or altair message ids, gossipsub
   * parameters); {@code codec} must use the same payload limit.
   *
   * @param forkDigest the 4-byte fork digest of the topics
   * @param codec the ssz_snappy codec with the application's SSZ types
   * @param profile the gossip profile
   * @return the builder
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
        .maxPeers(Eth2GossipProfile.MAX_PEERS) // the server prunes where the profile's watermark trims
        .codec(codec);
  }

  /**
   * {@code base} with a stream read buffer large enough for one RPC of {@code profile}, its varint
   * length prefix included: pubsub refuses to start when {@code maxRpcSize} plus its prefix does not
   * fit the buffer. The same as {@link Eth2GossipProfile#hostConfig(HostConfig)}, kept for hosts
   * built directly, e.g. by the {@code p2p-node} command.
   *
   * @param profile the gossip profile
   * @param base the settings to start from
   * @return the settings
   */
  public static HostConfig hostConfig(Eth2GossipProfile profile, HostConfig base) {
    HostConfig hc = profile.hostConfig(base);
    int need = profile.pubSubConfig().maxRpcSize() + VARINT_PREFIX_MAX;
    return hc.maxStreamReadBuffer() >= need ? hc : hc.toBuilder().maxStreamReadBuffer(need).build();
  }

  /**
   * The gossip topic {@code /eth2/<digest hex>/<name>/ssz_snappy}, e.g. for {@code beacon_block}.
   *
   * @param forkDigest the 4-byte fork digest
   * @param name the topic name
   * @return the topic
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
