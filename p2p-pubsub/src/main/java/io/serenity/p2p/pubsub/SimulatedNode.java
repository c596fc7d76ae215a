package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The shipped pubsub pipeline ({@link PubSubCore}) on the simulator's network: the same peer and
 * topic tables, seen cache (on the injected scheduler's clock), size and topic limits, validation
 * throttle, self-origin check and router ({@link GossipSubRouter} or {@link FloodSubRouter}) as a
 * node over a {@code Host}; only the wire differs. Every outbound RPC goes to an {@link Outbox} as
 * a {@link Packet} carrying its protobuf size, instead of onto a stream. Messages are StrictNoSign
 * (no author, seqno or signature), as in the Ethereum consensus profile.
 *
 * <pre>{@code
 * SimulatedNode a = SimulatedNode.gossipsub(idA, scheduler, GossipSubParams.ethereum(),
 *     GossipSubOptions.defaults(), new Random(1), (from, to, packet) -> network.carry(from, to, packet));
 * a.start();
 * a.subscribe("blocks");
 * a.addPeer(idB, a.protocols().get(0), true);   // when a link to idB comes up
 * b.receive(idA, packet);                       // when the network delivers a's packet at b
 * }</pre>
 *
 * <p>Not thread-safe: every method must run on the scheduler (the simulator has one thread).
 */
public final class SimulatedNode {

  /** Where the node's outbound RPCs go; called on the scheduler thread. */
  @FunctionalInterface
  public interface Outbox {
    /**
     * Carries one packet.
     *
     * @param from the sending node
     * @param to the receiving node
     * @param packet what it sends
     */
    void send(PeerId from, PeerId to, Packet packet);
  }

  /** Told about every message this node accepts for the first time (its own publishes excluded). */
  @FunctionalInterface
  public interface Delivery {
    /**
     * Called once per message, at its first delivery to {@code self}.
     *
     * @param self the receiving node
     * @param id the message id
     * @param message the message
     * @param from the peer that delivered the first copy
     */
    void delivered(PeerId self, MessageId id, PubSubMessage message, PeerId from);
  }

  private final PeerId self;
  private final Scheduler scheduler;
  private final Router router;
  private final Outbox outbox;
  private final GossipSubParams params;
  private Duration seenTtl = PubSubConfig.defaults().seenTtl();
  private MessageIdFunction messageId = MessageIdFunction.sha256OfData();
  private Validator validator;
  private Delivery delivery = (s, id, m, from) -> {};
  /** Created at {@link #start()}, from the settings given until then. */
  private PubSubCore core;
  private boolean stopped;
  private Rpc lastRpc;
  private Packet lastPacket;

  private SimulatedNode(PeerId self, Scheduler scheduler, Router router, GossipSubParams params, Outbox outbox) {
    this.self = Objects.requireNonNull(self, "self");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.router = router;
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.params = params;
  }

  /**
   * {@return a node routing with gossipsub; {@code random} drives the router's choices (seed it)}
   *
   * @param self the node's peer id
   * @param scheduler the virtual-time scheduler
   * @param params the gossipsub parameters
   * @param options scoring, direct peers, peer exchange
   * @param random the source of the router's random choices
   * @param outbox where its packets go
   */
  public static SimulatedNode gossipsub(
      PeerId self, Scheduler scheduler, GossipSubParams params, GossipSubOptions options, Random random, Outbox outbox) {
    return new SimulatedNode(self, scheduler, new GossipSubRouter(params.validate(), options, random), params, outbox);
  }

  /**
   * {@return a node routing with floodsub}
   *
   * @param self the node's peer id
   * @param scheduler the virtual-time scheduler
   * @param outbox where its packets go
   */
  public static SimulatedNode floodsub(PeerId self, Scheduler scheduler, Outbox outbox) {
    return new SimulatedNode(self, scheduler, new FloodSubRouter(), null, outbox);
  }

  /**
   * Sets how long message ids are remembered (default two minutes, as go-libp2p); set it before {@link #start()}.
   *
   * @param ttl the seen-cache lifetime
   * @return this node
   */
  public SimulatedNode seenTtl(Duration ttl) {
    this.seenTtl = Objects.requireNonNull(ttl, "ttl");
    return this;
  }

  /**
   * Replaces the message id function (default SHA-256 of the data); set it before {@link #start()}.
   *
   * @param f the function
   * @return this node
   */
  public SimulatedNode messageIdFunction(MessageIdFunction f) {
    this.messageId = Objects.requireNonNull(f, "f");
    return this;
  }

  /**
   * Sets the validator used for every topic, joined or to be joined (none: everything is accepted).
   *
   * @param v the validator
   * @return this node
   */
  public SimulatedNode validator(Validator v) {
    this.validator = v;
    if (core != null) {
      for (String t : core.localTopics()) {
        if (v != null) {
          core.addValidator(t, v);
        } else {
          core.removeValidator(t);
        }
      }
    }
    return this;
  }

  /**
   * Sets the callback told about first deliveries.
   *
   * @param d the callback
   * @return this node
   */
  public SimulatedNode onDelivery(Delivery d) {
    this.delivery = Objects.requireNonNull(d, "d");
    return this;
  }

  /** {@return this node's peer id} */
  public PeerId id() {
    return self;
  }

  /** {@return protocol ids the router speaks, best first; the simulator negotiates the first one both sides have} */
  public List<String> protocols() {
    return router.protocols();
  }

  /** The settings of the simulated node's core: the Ethereum profile's (StrictNoSign), checks inline. */
  private PubSubConfig config() {
    return PubSubConfig.defaults()
        .withSignaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
        .withMessageIdFunction(messageId)
        .withSeenTtl(seenTtl)
        .withVerifyThreads(0);
  }

  /** Builds the core and attaches the router (it schedules its heartbeat on the scheduler). */
  public void start() {
    if (core == null) {
      if (params != null) {
        PubSub.checkSeenCoversCache(config(), params);
      }
      core = new PubSubCore(self, config(), router, scheduler, null, new Wire(),
          (id, m, from) -> delivery.delivered(self, id, m, from));
      core.attach();
    }
  }

  /** Detaches the router; the node then ignores everything. */
  public void stop() {
    if (core != null && !stopped) {
      stopped = true;
      core.detach();
    }
  }

  /** {@return whether the node is started and not stopped} */
  public boolean running() {
    return core != null && !stopped;
  }

  /**
   * A pubsub stream to {@code peer} is up, speaking {@code protocol}: we announce our
   * subscriptions to it (pubsub spec: "sent when a new stream is opened").
   *
   * @param peer the peer
   * @param protocol the pubsub protocol agreed
   * @param outbound true when we opened the stream
   */
  public void addPeer(PeerId peer, String protocol, boolean outbound) {
    if (running() && core.addPeer(peer, Set.of())) {
      core.peerReady(peer, protocol, outbound);
    }
  }

  /**
   * The connection to {@code peer} is gone.
   *
   * @param peer the peer
   */
  public void removePeer(PeerId peer) {
    if (core != null) {
      core.removePeer(peer);
    }
  }

  /** {@return peers with a pubsub stream, in the order they were added} */
  public Set<PeerId> peers() {
    return core == null ? Set.of() : core.peerIds();
  }

  /**
   * Joins {@code topic} (with the node's validator) and tells every peer.
   *
   * @param topic the topic
   */
  public void subscribe(String topic) {
    if (running()) {
      if (validator != null) {
        core.addValidator(topic, validator);
      }
      core.join(topic);
    }
  }

  /**
   * Leaves {@code topic} and tells every peer.
   *
   * @param topic the topic
   */
  public void unsubscribe(String topic) {
    if (running()) {
      core.leave(topic);
    }
  }

  /**
   * Publishes {@code data} on {@code topic} (StrictNoSign) as the shipped node does: marked seen,
   * checked by the topic's validator, routed. Returns its id, or null when it was seen already, the
   * validator refused it, or the node is not running.
   *
   * @param topic the topic
   * @param data the payload
   * @return the id, or null
   */
  public MessageId publish(String topic, byte[] data) {
    return publish(topic, data, true);
  }

  /**
   * Publishes {@code data} without asking our own validator: what a spamming node does with
   * messages honest validators reject.
   *
   * @param topic the topic
   * @param data the payload
   * @return the id, or null when it was seen already or the node is not running
   */
  public MessageId publishUnchecked(String topic, byte[] data) {
    return publish(topic, data, false);
  }

  private MessageId publish(String topic, byte[] data, boolean validate) {
    if (!running()) {
      return null;
    }
    CompletableFuture<MessageId> result = new CompletableFuture<>();
    core.publish(new PubSubMessage(null, data, null, topic, null, null), validate, result);
    return result.isDone() && !result.isCompletedExceptionally() ? result.join() : null;
  }

  /**
   * Handles an RPC that the network delivered from {@code from}.
   *
   * @param from the sending peer
   * @param packet the RPC
   */
  public void receive(PeerId from, Packet packet) {
    if (running() && core.hasPeer(from)) {
      core.handleRpc(from, packet.rpc);
    }
  }

  /**
   * {@return our mesh peers in {@code topic} (empty for floodsub)}
   *
   * @param topic the topic
   */
  public List<PeerId> meshPeers(String topic) {
    return router.meshPeers(topic);
  }

  /**
   * {@return the router's score of {@code peer} (0 without scoring)}
   *
   * @param peer the peer
   */
  public double score(PeerId peer) {
    return router.score(peer);
  }

  /**
   * {@return whether {@code id} is in the seen cache}
   *
   * @param id the message id
   */
  public boolean seen(MessageId id) {
    return core != null && core.seen(id);
  }

  /**
   * {@return peers that announced {@code topic} (as {@link PubSub#peers(String)})}
   *
   * @param topic the topic
   */
  public Set<PeerId> peersIn(String topic) {
    return core == null ? Set.of() : core.peersIn(topic);
  }

  /**
   * Received messages not delivered, by reason (as {@link PubSub#rejections()}).
   *
   * @return the counts by reason
   */
  public Map<PeerScore.RejectReason, Long> rejections() {
    return core == null ? Map.of() : core.rejections();
  }

  /** {@return counters per topic (as {@link PubSub#stats()})} */
  public Map<String, TopicCounters.Snapshot> stats() {
    return core == null ? Map.of() : core.stats();
  }

  /**
   * Sends a hand-made packet to {@code peer} through the outbox, bypassing the router: the
   * simulator's adversaries (IHAVE spam, GRAFT floods) use it.
   *
   * @param peer the receiver
   * @param packet the packet
   */
  public void sendRaw(PeerId peer, Packet packet) {
    if (running() && core.hasPeer(peer)) {
      outbox.send(self, peer, packet);
    }
  }

  private Packet packetOf(Rpc rpc) {
    // the routers send one Rpc object to many peers in a loop: size it once
    if (rpc != lastRpc) {
      lastRpc = rpc;
      lastPacket = new Packet(rpc);
    }
    return lastPacket;
  }

  /** The core's port to the simulated network. */
  private final class Wire implements PubSubCore.Wire {
    @Override
    public boolean send(PeerId peer, Rpc rpc, Lane lane) {
      if (rpc.isEmpty()) {
        return false;
      }
      outbox.send(self, peer, packetOf(rpc));
      return true;
    }

    @Override
    public void disconnect(PeerId peer, String reason) {
      removePeer(peer);
    }
  }

  /**
   * One RPC in flight: the router's own object (never copied or re-encoded by the simulator) and
   * its protobuf size, split into message bytes and the rest (subscriptions and control).
   */
  public static final class Packet {
    private final Rpc rpc;
    private final int size;
    private final int messageBytes;

    Packet(Rpc rpc) {
      this.rpc = rpc;
      int msgs = 0;
      for (PubSubMessage m : rpc.publish()) {
        int s = RpcCodec.toProto(m).getSerializedSize();
        // field 2 (publish) tag + length prefix + message
        msgs += 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(s) + s;
      }
      this.messageBytes = msgs;
      this.size = rpc.publish().isEmpty() ? RpcCodec.toProto(rpc).getSerializedSize() : msgs + otherBytes(rpc);
    }

    private static int otherBytes(Rpc rpc) {
      if (rpc.subscriptions().isEmpty() && rpc.control().isEmpty()) {
        return 0;
      }
      return RpcCodec.toProto(new Rpc(rpc.subscriptions(), List.of(), rpc.control())).getSerializedSize();
    }

    /** {@return protobuf size of the RPC in bytes (without the stream's length prefix)} */
    public int size() {
      return size;
    }

    /** {@return bytes of the RPC that are published messages; the rest is control and subscriptions} */
    public int messageBytes() {
      return messageBytes;
    }

    /** {@return the published messages carried} */
    public List<PubSubMessage> messages() {
      return rpc.publish();
    }

    /** {@return true when the RPC carries gossipsub control (IHAVE, IWANT, GRAFT, PRUNE, IDONTWANT)} */
    public boolean hasControl() {
      return !rpc.control().isEmpty();
    }

    /** {@return true when the RPC carries subscription changes} */
    public boolean hasSubscriptions() {
      return !rpc.subscriptions().isEmpty();
    }

    /** {@return this packet without its messages (what a node that never forwards still sends), or null if empty} */
    public Packet withoutMessages() {
      if (rpc.publish().isEmpty()) {
        return this;
      }
      Rpc r = new Rpc(rpc.subscriptions(), List.of(), rpc.control());
      return r.isEmpty() ? null : new Packet(r);
    }

    /** {@return this packet with its IWANT requests removed (a peer that advertises but never asks), or null if empty} */
    public Packet withoutIWant() {
      Rpc.Control c = rpc.control();
      if (c.iwant().isEmpty()) {
        return this;
      }
      Rpc r = new Rpc(rpc.subscriptions(), rpc.publish(),
          new Rpc.Control(c.ihave(), List.of(), c.graft(), c.prune(), c.idontwant()));
      return r.isEmpty() ? null : new Packet(r);
    }

    /**
     * {@return a packet carrying {@code rpc} (tests, hand-made traffic)}
     *
     * @param rpc the RPC
     */
    public static Packet of(Rpc rpc) {
      return new Packet(rpc);
    }

    /**
     * {@return an IHAVE advertising {@code ids} on {@code topic}}
     *
     * @param topic the topic
     * @param ids the advertised ids
     */
    public static Packet ihave(String topic, List<MessageId> ids) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of())));
    }

    /**
     * {@return an IWANT asking for {@code ids}}
     *
     * @param ids the wanted ids
     */
    public static Packet iwant(List<MessageId> ids) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(), List.of(new Rpc.IWant(ids)), List.of(), List.of(), List.of())));
    }

    /**
     * {@return a GRAFT for {@code topic}}
     *
     * @param topic the topic
     */
    public static Packet graft(String topic) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of())));
    }

    /**
     * {@return a message publish carrying {@code data} on {@code topic} (StrictNoSign)}
     *
     * @param topic the topic
     * @param data the payload
     */
    public static Packet message(String topic, byte[] data) {
      return new Packet(Rpc.publish(new PubSubMessage(null, data, null, topic, null, null)));
    }

    /**
     * {@return a subscription announcement}
     *
     * @param topic the topic
     * @param subscribe true to join, false to leave
     */
    public static Packet subscription(String topic, boolean subscribe) {
      return new Packet(new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Rpc.Control.EMPTY));
    }

    @Override
    public String toString() {
      return "Packet[" + size + " bytes, " + rpc.publish().size() + " messages, control=" + hasControl() + "]";
    }
  }
}
