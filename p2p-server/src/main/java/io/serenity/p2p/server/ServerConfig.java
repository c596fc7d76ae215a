package io.serenity.p2p.server;

import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.mdns.MdnsConfig;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.MessageIdFunction;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.PubSubConfig;
import io.serenity.p2p.pubsub.SignaturePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a {@link Server} needs, with the defaults listed here. Start from {@link #builder()}.
 * Addresses are kept as text and parsed by {@link Server#start()}, which reports a bad one.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder()
 *     .privateKeyFile(Path.of("node.key"))
 *     .listen("/ip4/0.0.0.0/tcp/13000")
 *     .staticPeers("/ip4/10.0.0.2/tcp/13000/p2p/16Uiu2HAm...")
 *     .minPeers(3)
 *     .build();
 * }</pre>
 *
 * @param privateKey our identity; default none: taken from {@code privateKeyFile}, else a fresh
 *     secp256k1 key
 * @param privateKeyFile a key file: the libp2p private-key protobuf, or the hex of a raw secp256k1
 *     key ({@link PrivateKey#load}); default none. An unreadable file fails {@link Server#start()}
 * @param listenAddrs TCP multiaddrs to listen on; default {@code /ip4/0.0.0.0/tcp/13000}. A wildcard
 *     is reported, and sent to peers, as the machine's interface addresses ({@link Server#listenAddrs()})
 * @param advertiseAddrs addresses peers can reach us at that the machine cannot see itself, e.g. a
 *     NAT's public address forwarding our port ({@code /ip4/203.0.113.7/tcp/13000}); sent in identify
 *     before the listen addresses ({@link io.serenity.p2p.host.HostConfig#advertiseAddrs()}, to which
 *     they are added); no {@code /p2p}; default none
 * @param bootstrapPeers peers ({@code /ip4/.../tcp/.../p2p/<id>}) dialled once at start; default none
 * @param staticPeers peers kept connected: redialled with backoff whenever the connection drops;
 *     default none
 * @param discovery local discovery (libp2p mDNS) on or off; default off
 * @param router the pubsub router; default {@link Router#GOSSIPSUB}
 * @param gossipSubParams gossipsub parameters; default {@link GossipSubParams#defaults()}
 * @param peerScoreParams gossipsub v1.1 peer scoring; default none, which means scoring on with
 *     {@link PeerScoreParams#standard} and every registered topic at {@link #DEFAULT_TOPIC_RATE}
 *     expected messages per second ({@link io.serenity.p2p.pubsub.TopicScoreParams#forExpectedRate}):
 *     a peer sending invalid messages is graylisted, then disconnected. {@link
 *     PeerScoreParams#defaults()} scores nothing (every score 0)
 * @param peerScoreThresholds score thresholds; default none, which means {@link
 *     PeerScoreThresholds#defaults()}
 * @param pubSubConfig the pubsub settings, each with its one home there: signing policy (default
 *     StrictSign), message ids (default {@code from} + {@code seqno}; unsigned profiles need a
 *     content-based function, e.g. Ethereum's, {@code io.serenity.p2p.eth2.Eth2Server#ethereum}),
 *     largest gossip message (default 1 MiB), seen cache, queues, validation throttle, own-publish
 *     backlog, whether our own broadcasts reach our own feeds (default no); default {@link
 *     PubSubConfig#defaults()}. The builder's {@code signaturePolicy}, {@code messageIdFunction},
 *     {@code maxGossipMessageSize} and {@code deliverOwnMessages} set the same fields
 * @param codec message encoding; default {@link MessageCodec#protobuf()}
 * @param maxDirectMessageSize largest encoded direct message sent or accepted; default 4 MiB
 * @param maxPeers connected peers kept; beyond it the lowest-scored non-static peers are
 *     disconnected; default 50
 * @param minPeers peers needed for a healthy {@link Server#status()}; default 3 (the seed's later
 *     value)
 * @param directProtocolPrefix first part of direct protocol ids {@code /<prefix>/<version>/<topic>};
 *     default {@code serenity}
 * @param directProtocolVersion second part; default {@code 1.0.0}
 * @param hostConfig connection limits, timeouts, muxers; default {@link HostConfig#defaults()}
 *     (its stream read buffer is raised to fit {@code maxDirectMessageSize})
 * @param directSendTimeout time for a direct send, dial included, to be read by the peer; default
 *     10 s
 * @param reconnectBackoffMin first wait before redialling a static peer; default 1 s
 * @param reconnectBackoffMax the wait doubles up to this; default 60 s
 * @param inboundQueue received messages waiting per topic for the adapters and feed; beyond it
 *     messages are dropped and counted ({@link Server#droppedMessages}); default 1024
 * @param inboundQueueBytes most payload bytes waiting in one topic's inbox together; a message that
 *     would pass it is dropped and counted as for a full {@code inboundQueue}. Default 64 MiB: 1024
 *     messages of up to 64 KiB fit, while 1024 of the largest gossip messages (10 MiB in Ethereum)
 *     cannot hold 10 GiB of the heap
 * @param mdns how local discovery runs when {@code discovery} is on (libp2p mDNS); default {@link
 *     MdnsConfig#defaults()}: the IPv4 group 224.0.0.251:5353 on every multicast interface
 */
public record ServerConfig(
    Optional<PrivateKey> privateKey,
    Optional<Path> privateKeyFile,
    List<String> listenAddrs,
    List<String> advertiseAddrs,
    List<String> bootstrapPeers,
    List<String> staticPeers,
    boolean discovery,
    Router router,
    GossipSubParams gossipSubParams,
    Optional<PeerScoreParams> peerScoreParams,
    Optional<PeerScoreThresholds> peerScoreThresholds,
    PubSubConfig pubSubConfig,
    MessageCodec codec,
    int maxDirectMessageSize,
    int maxPeers,
    int minPeers,
    String directProtocolPrefix,
    String directProtocolVersion,
    HostConfig hostConfig,
    Duration directSendTimeout,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    int inboundQueue,
    long inboundQueueBytes,
    MdnsConfig mdns) {

  /** The pubsub router. */
  public enum Router {
    /** gossipsub v1.2 (falls back to v1.1, v1.0 and floodsub peers). */
    GOSSIPSUB,
    /** floodsub: every message to every subscribed peer. */
    FLOODSUB
  }

  /** Expected messages per second per topic for the default scoring (see {@code peerScoreParams}). */
  public static final double DEFAULT_TOPIC_RATE = 1.0;

  /** Default {@link #inboundQueueBytes()}: 64 MiB. */
  public static final long DEFAULT_INBOUND_QUEUE_BYTES = 64L << 20;

  /** Default listen address (Prysm's customary port). */
  public static final String DEFAULT_LISTEN = "/ip4/0.0.0.0/tcp/13000";

  private static final Pattern PROTOCOL_PART = Pattern.compile("[A-Za-z0-9._-]+");

  /** Checks for nulls and copies the lists; {@link #validate()} checks the values. */
  public ServerConfig {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    listenAddrs = List.copyOf(listenAddrs);
    advertiseAddrs = List.copyOf(advertiseAddrs);
    bootstrapPeers = List.copyOf(bootstrapPeers);
    staticPeers = List.copyOf(staticPeers);
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(gossipSubParams, "gossipSubParams");
    Objects.requireNonNull(peerScoreParams, "peerScoreParams");
    Objects.requireNonNull(peerScoreThresholds, "peerScoreThresholds");
    Objects.requireNonNull(pubSubConfig, "pubSubConfig");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(directProtocolPrefix, "directProtocolPrefix");
    Objects.requireNonNull(directProtocolVersion, "directProtocolVersion");
    Objects.requireNonNull(hostConfig, "hostConfig");
    Objects.requireNonNull(directSendTimeout, "directSendTimeout");
    Objects.requireNonNull(reconnectBackoffMin, "reconnectBackoffMin");
    Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
  }

  /** {@return the pubsub signing policy ({@link PubSubConfig#signaturePolicy()})} */
  public SignaturePolicy signaturePolicy() {
    return pubSubConfig.signaturePolicy();
  }

  /** {@return the pubsub message id function ({@link PubSubConfig#messageIdFunction()})} */
  public MessageIdFunction messageIdFunction() {
    return pubSubConfig.messageIdFunction();
  }

  /**
   * Largest encoded message published or accepted on pubsub ({@link PubSubConfig#maxMessageSize()}).
   *
   * @return the limit in bytes
   */
  public int maxGossipMessageSize() {
    return pubSubConfig.maxMessageSize();
  }

  /** {@return whether our own broadcasts reach our own feeds ({@link PubSubConfig#deliverOwnMessages()})} */
  public boolean deliverOwnMessages() {
    return pubSubConfig.deliverOwnMessages();
  }

  /** {@return the defaults listed on the record components} */
  public static ServerConfig defaults() {
    return builder().build();
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this config} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Rejects nonsense values with a message naming the field; returns this.
   *
   * @return this config
   * @throws IllegalArgumentException naming the bad field
   */
  public ServerConfig validate() {
    if (privateKey.isPresent() && privateKeyFile.isPresent()) {
      throw new IllegalArgumentException("give privateKey or privateKeyFile, not both");
    }
    if (listenAddrs.isEmpty()) {
      throw new IllegalArgumentException("listenAddrs must not be empty");
    }
    gossipSubParams.validate();
    if (peerScoreThresholds.isPresent() && peerScoreParams.isEmpty()) {
      throw new IllegalArgumentException("peerScoreThresholds given without peerScoreParams");
    }
    pubSubConfig.validate();
    if (router == Router.GOSSIPSUB) {
      Duration cache = gossipSubParams.heartbeatInterval().multipliedBy(gossipSubParams.historyLength());
      if (pubSubConfig.seenTtl().compareTo(cache) < 0) {
        throw new IllegalArgumentException("pubSubConfig.seenTtl (" + pubSubConfig.seenTtl()
            + ") must cover the gossipsub message cache (" + gossipSubParams.historyLength() + " x "
            + gossipSubParams.heartbeatInterval() + "), or gossip would re-announce messages already forgotten as seen");
      }
    }
    positive("maxDirectMessageSize", maxDirectMessageSize);
    positive("maxPeers", maxPeers);
    if (minPeers < 0 || minPeers > maxPeers) {
      throw new IllegalArgumentException("minPeers must be in [0, maxPeers=" + maxPeers + "]: " + minPeers);
    }
    if (!PROTOCOL_PART.matcher(directProtocolPrefix).matches()) {
      throw new IllegalArgumentException(
          "directProtocolPrefix must be letters, digits, '.', '_' or '-': '" + directProtocolPrefix + "'");
    }
    if (!PROTOCOL_PART.matcher(directProtocolVersion).matches()) {
      throw new IllegalArgumentException(
          "directProtocolVersion must be letters, digits, '.', '_' or '-': '" + directProtocolVersion + "'");
    }
    hostConfig.validate();
    positive("directSendTimeout", directSendTimeout);
    positive("reconnectBackoffMin", reconnectBackoffMin);
    if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
      throw new IllegalArgumentException(
          "reconnectBackoffMax (" + reconnectBackoffMax + ") must be >= reconnectBackoffMin ("
              + reconnectBackoffMin + ")");
    }
    positive("inboundQueue", inboundQueue);
    long largest = Math.max(pubSubConfig.maxMessageSize(), maxDirectMessageSize);
    if (inboundQueueBytes < largest) {
      throw new IllegalArgumentException("inboundQueueBytes (" + inboundQueueBytes + ") must hold at least one"
          + " message of the largest size accepted (" + largest + " bytes: maxMessageSize or maxDirectMessageSize)");
    }
    java.util.Objects.requireNonNull(mdns, "mdns").validate();
    return this;
  }

  /**
   * {@return the direct protocol id of {@code topic}: {@code /<prefix>/<version>/<topic>}}
   *
   * @param topic the topic
   */
  public String directProtocolId(String topic) {
    String t = topic.startsWith("/") ? topic.substring(1) : topic;
    return "/" + directProtocolPrefix + "/" + directProtocolVersion + "/" + t;
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + v);
    }
  }

  private static void positive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** Builds a {@link ServerConfig}; every setter documents its default on the record. */
  public static final class Builder {
    private Optional<PrivateKey> privateKey = Optional.empty();
    private Optional<Path> privateKeyFile = Optional.empty();
    private List<String> listenAddrs = List.of(DEFAULT_LISTEN);
    private List<String> advertiseAddrs = List.of();
    private final List<String> bootstrapPeers = new ArrayList<>();
    private final List<String> staticPeers = new ArrayList<>();
    private boolean discovery;
    private Router router = Router.GOSSIPSUB;
    private GossipSubParams gossipSubParams = GossipSubParams.defaults();
    private Optional<PeerScoreParams> peerScoreParams = Optional.empty();
    private Optional<PeerScoreThresholds> peerScoreThresholds = Optional.empty();
    private PubSubConfig pubSubConfig = PubSubConfig.defaults();
    private MessageCodec codec = MessageCodec.protobuf();
    private int maxDirectMessageSize = 4 << 20;
    private int maxPeers = 50;
    private int minPeers = 3;
    private String directProtocolPrefix = "serenity";
    private String directProtocolVersion = "1.0.0";
    private HostConfig hostConfig = HostConfig.defaults();
    private Duration directSendTimeout = Duration.ofSeconds(10);
    private Duration reconnectBackoffMin = Duration.ofSeconds(1);
    private Duration reconnectBackoffMax = Duration.ofSeconds(60);
    private int inboundQueue = 1024;
    private long inboundQueueBytes = DEFAULT_INBOUND_QUEUE_BYTES;
    private MdnsConfig mdns = MdnsConfig.defaults();

    private Builder() {}

    private Builder(ServerConfig c) {
      privateKey = c.privateKey;
      privateKeyFile = c.privateKeyFile;
      listenAddrs = c.listenAddrs;
      advertiseAddrs = c.advertiseAddrs;
      bootstrapPeers.addAll(c.bootstrapPeers);
      staticPeers.addAll(c.staticPeers);
      discovery = c.discovery;
      mdns = c.mdns;
      router = c.router;
      gossipSubParams = c.gossipSubParams;
      peerScoreParams = c.peerScoreParams;
      peerScoreThresholds = c.peerScoreThresholds;
      pubSubConfig = c.pubSubConfig;
      codec = c.codec;
      maxDirectMessageSize = c.maxDirectMessageSize;
      maxPeers = c.maxPeers;
      minPeers = c.minPeers;
      directProtocolPrefix = c.directProtocolPrefix;
      directProtocolVersion = c.directProtocolVersion;
      hostConfig = c.hostConfig;
      directSendTimeout = c.directSendTimeout;
      reconnectBackoffMin = c.reconnectBackoffMin;
      reconnectBackoffMax = c.reconnectBackoffMax;
      inboundQueue = c.inboundQueue;
      inboundQueueBytes = c.inboundQueueBytes;
    }

    /**
     * Sets {@link ServerConfig#privateKey()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder privateKey(PrivateKey v) {
      privateKey = Optional.of(v);
      return this;
    }

    /**
     * Sets {@link ServerConfig#privateKeyFile()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder privateKeyFile(Path v) {
      privateKeyFile = Optional.of(v);
      return this;
    }

    /**
     * Replaces the listen addresses.
     *
     * @param addrs TCP multiaddrs, e.g. {@code /ip4/0.0.0.0/tcp/13000}; port 0 takes any free port
     * @return this builder
     */
    public Builder listen(String... addrs) {
      listenAddrs = List.of(addrs);
      return this;
    }

    /**
     * Replaces the advertised addresses, e.g. {@code advertise("/ip4/203.0.113.7/tcp/13000")} for a node
     * behind a NAT that forwards that port to us.
     *
     * @param addrs the addresses, without {@code /p2p}
     * @return this builder
     */
    public Builder advertise(String... addrs) {
      advertiseAddrs = List.of(addrs);
      return this;
    }

    /**
     * Adds bootstrap peers.
     *
     * @param addrs peer addresses ending in {@code /p2p/<id>}, dialled once at start
     * @return this builder
     */
    public Builder bootstrapPeers(String... addrs) {
      bootstrapPeers.addAll(List.of(addrs));
      return this;
    }

    /**
     * Adds static peers.
     *
     * @param addrs peer addresses ending in {@code /p2p/<id>}, kept connected
     * @return this builder
     */
    public Builder staticPeers(String... addrs) {
      staticPeers.addAll(List.of(addrs));
      return this;
    }

    /**
     * Sets {@link ServerConfig#discovery()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder discovery(boolean v) {
      discovery = v;
      return this;
    }

    /**
     * Turns discovery on with these mDNS settings (e.g. {@link MdnsConfig#loopback(int)} in tests).
     *
     * @param v the mDNS settings
     * @return this builder
     */
    public Builder mdns(MdnsConfig v) {
      mdns = v;
      discovery = true;
      return this;
    }

    /**
     * Sets {@link ServerConfig#router()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder router(Router v) {
      router = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#gossipSubParams()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder gossipSubParams(GossipSubParams v) {
      gossipSubParams = v;
      return this;
    }

    /**
     * Turns on gossipsub peer scoring.
     *
     * @param params how peers are scored
     * @param thresholds what each score level costs a peer
     * @return this builder
     */
    public Builder peerScore(PeerScoreParams params, PeerScoreThresholds thresholds) {
      peerScoreParams = Optional.of(params);
      peerScoreThresholds = Optional.of(thresholds);
      return this;
    }

    /**
     * Sets every pubsub setting at once.
     *
     * @param v the pubsub settings
     * @return this builder
     */
    public Builder pubSubConfig(PubSubConfig v) {
      pubSubConfig = Objects.requireNonNull(v, "pubSubConfig");
      return this;
    }

    /**
     * Sets {@link PubSubConfig#signaturePolicy()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder signaturePolicy(SignaturePolicy v) {
      pubSubConfig = pubSubConfig.withSignaturePolicy(v);
      return this;
    }

    /**
     * Sets {@link ServerConfig#codec()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder codec(MessageCodec v) {
      codec = v;
      return this;
    }

    /**
     * Sets {@link PubSubConfig#messageIdFunction()} (default: from + seqno).
     *
     * @param v the new value
     * @return this builder
     */
    public Builder messageIdFunction(MessageIdFunction v) {
      pubSubConfig = pubSubConfig.withMessageIdFunction(v);
      return this;
    }

    /**
     * Sets {@link PubSubConfig#maxMessageSize()} (and its RPC limit, 64 KiB above).
     *
     * @param v the new limit in bytes
     * @return this builder
     */
    public Builder maxGossipMessageSize(int v) {
      pubSubConfig = pubSubConfig.withMaxMessageSize(v);
      return this;
    }

    /**
     * Sets {@link ServerConfig#maxDirectMessageSize()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxDirectMessageSize(int v) {
      maxDirectMessageSize = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#maxPeers()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder maxPeers(int v) {
      maxPeers = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#minPeers()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder minPeers(int v) {
      minPeers = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#directProtocolPrefix()} and {@link ServerConfig#directProtocolVersion()}.
     *
     * @param prefix the protocol id's first part
     * @param version its last part
     * @return this builder
     */
    public Builder directProtocol(String prefix, String version) {
      directProtocolPrefix = prefix;
      directProtocolVersion = version;
      return this;
    }

    /**
     * Sets {@link PubSubConfig#deliverOwnMessages()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder deliverOwnMessages(boolean v) {
      pubSubConfig = pubSubConfig.withDeliverOwnMessages(v);
      return this;
    }

    /**
     * Sets {@link ServerConfig#hostConfig()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder hostConfig(HostConfig v) {
      hostConfig = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#directSendTimeout()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder directSendTimeout(Duration v) {
      directSendTimeout = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#reconnectBackoffMin()} and {@link ServerConfig#reconnectBackoffMax()}.
     *
     * @param min the first wait before redialling a static peer
     * @param max the longest wait
     * @return this builder
     */
    public Builder reconnectBackoff(Duration min, Duration max) {
      reconnectBackoffMin = min;
      reconnectBackoffMax = max;
      return this;
    }

    /**
     * Sets {@link ServerConfig#inboundQueue()}.
     *
     * @param v the new value
     * @return this builder
     */
    public Builder inboundQueue(int v) {
      inboundQueue = v;
      return this;
    }

    /**
     * Sets {@link ServerConfig#inboundQueueBytes()}.
     *
     * @param v the new value, at least the largest message accepted (pubsub {@code maxMessageSize},
     *     {@code maxDirectMessageSize})
     * @return this builder
     */
    public Builder inboundQueueBytes(long v) {
      inboundQueueBytes = v;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the config
     * @throws IllegalArgumentException naming the bad field
     */
    public ServerConfig build() {
      return new ServerConfig(
              privateKey,
              privateKeyFile,
              listenAddrs,
              advertiseAddrs,
              bootstrapPeers,
              staticPeers,
              discovery,
              router,
              gossipSubParams,
              peerScoreParams,
              peerScoreThresholds,
              pubSubConfig,
              codec,
              maxDirectMessageSize,
              maxPeers,
              minPeers,
              directProtocolPrefix,
              directProtocolVersion,
              hostConfig,
              directSendTimeout,
              reconnectBackoffMin,
              reconnectBackoffMax,
              inboundQueue,
              inboundQueueBytes,
              mdns)
          .validate();
    }
  }
}
