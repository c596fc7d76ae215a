package io.serenity.p2p.pubsub;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A pubsub core without streams, driving the production {@link GossipSubRouter} or {@link
 * FloodSubRouter} for the simulator ({@code p2p-sim}). It keeps what {@link PubSub} keeps around a
 * router (remote subscriptions, the seen cache on the injected scheduler's clock, the validator,
 * local delivery) and hands every outbound RPC to an {@link Outbox} as a {@link Packet} carrying its
 * protobuf size, instead of writing it to a stream. Messages are StrictNoSign (no author, seqno or
 * signature), as in the Ethereum consensus profile.
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
    void send(PeerId from, PeerId to, Packet packet);
  }

  /** Told about every message this node accepts for the first time (its own publishes excluded). */
  @FunctionalInterface
  public interface Delivery {
    /**
     * @param from the peer that delivered the first copy
     */
    void delivered(PeerId self, MessageId id, PubSubMessage message, PeerId from);
  }

  private final PeerId self;
  private final Scheduler scheduler;
  private final Router router;
  private final Outbox outbox;
  private final SeenCache seen;
  private final Map<PeerId, Peer> peers = new LinkedHashMap<>();
  private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
  private final Set<String> localTopics = new LinkedHashSet<>();
  private MessageIdFunction messageId = MessageIdFunction.sha256OfData();
  private Validator validator;
  private Delivery delivery = (s, id, m, from) -> {};
  private boolean started;
  private boolean stopped;
  private Rpc lastRpc;
  private Packet lastPacket;
  private final Context context = new Context();

  private SimulatedNode(PeerId self, Scheduler scheduler, Router router, Duration seenTtl, Outbox outbox) {
    this.self = Objects.requireNonNull(self, "self");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.router = router;
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.seen = new SeenCache(scheduler.clock(), seenTtl, 1 << 20);
  }

  /** A node routing with gossipsub; {@code random} drives the router's choices (seed it). */
  public static SimulatedNode gossipsub(
      PeerId self, Scheduler scheduler, GossipSubParams params, GossipSubOptions options, Random random, Outbox outbox) {
    return new SimulatedNode(self, scheduler, new GossipSubRouter(params.validate(), options, random),
        params.seenTtl(), outbox);
  }

  /** A node routing with floodsub (seen cache TTL two minutes, as go-libp2p). */
  public static SimulatedNode floodsub(PeerId self, Scheduler scheduler, Outbox outbox) {
    return new SimulatedNode(self, scheduler, new FloodSubRouter(), Duration.ofMinutes(2), outbox);
  }

  /** Replaces the message id function (default SHA-256 of the data); set it before traffic. */
  public SimulatedNode messageIdFunction(MessageIdFunction f) {
    this.messageId = Objects.requireNonNull(f, "f");
    return this;
  }

  /** Sets the validator used for every topic (none: everything is accepted). */
  public SimulatedNode validator(Validator v) {
    this.validator = v;
    return this;
  }

  /** Sets the callback told about first deliveries. */
  public SimulatedNode onDelivery(Delivery d) {
    this.delivery = Objects.requireNonNull(d, "d");
    return this;
  }

  public PeerId id() {
    return self;
  }

  /** Protocol ids the router speaks, best first; the simulator negotiates the first one both sides have. */
  public List<String> protocols() {
    return router.protocols();
  }

  /** Attaches the router (it schedules its heartbeat on the scheduler). */
  public void start() {
    if (!started) {
      started = true;
      router.attach(context);
    }
  }

  /** Detaches the router; the node then ignores everything. */
  public void stop() {
    if (started && !stopped) {
      stopped = true;
      router.detach();
    }
  }

  public boolean running() {
    return started && !stopped;
  }

  /**
   * A pubsub stream to {@code peer} is up, speaking {@code protocol}: we announce our
   * subscriptions to it (pubsub spec: "sent when a new stream is opened").
   */
  public void addPeer(PeerId peer, String protocol, boolean outbound) {
    if (!running() || peers.containsKey(peer)) {
      return;
    }
    peers.put(peer, new Peer(protocol, outbound));
    router.addPeer(peer, protocol, outbound);
    if (!localTopics.isEmpty()) {
      List<Rpc.SubOpts> subs = new ArrayList<>();
      for (String t : localTopics) {
        subs.add(new Rpc.SubOpts(true, t));
      }
      context.send(peer, new Rpc(subs, List.of(), Rpc.Control.EMPTY), Lane.CONTROL);
    }
  }

  /** The connection to {@code peer} is gone. */
  public void removePeer(PeerId peer) {
    Peer p = peers.remove(peer);
    if (p == null) {
      return;
    }
    for (String t : p.topics) {
      Set<PeerId> s = topicPeers.get(t);
      if (s != null) {
        s.remove(peer);
      }
    }
    if (running()) {
      router.removePeer(peer);
    }
  }

  /** Peers with a pubsub stream, in the order they were added. */
  public Set<PeerId> peers() {
    return Collections.unmodifiableSet(peers.keySet());
  }

  /** Joins {@code topic} and tells every peer. */
  public void subscribe(String topic) {
    if (running() && localTopics.add(topic)) {
      router.join(topic);
      announce(topic, true);
    }
  }

  /** Leaves {@code topic} and tells every peer. */
  public void unsubscribe(String topic) {
    if (running() && localTopics.remove(topic)) {
      router.leave(topic);
      announce(topic, false);
    }
  }

  /**
   * Publishes {@code data} on {@code topic} (StrictNoSign), marking it seen; returns its id, or
   * null when it was seen already or the node is not running.
   */
  public MessageId publish(String topic, byte[] data) {
    if (!running()) {
      return null;
    }
    PubSubMessage m = new PubSubMessage(null, data, null, topic, null, null);
    MessageId id = messageId.apply(m);
    if (!seen.add(id)) {
      return null;
    }
    router.publish(id, m, null);
    return id;
  }

  /** Handles an RPC that the network delivered from {@code from} (as PubSub's handleRpc). */
  public void receive(PeerId from, Packet packet) {
    Peer state = peers.get(from);
    if (!running() || state == null || !router.acceptFrom(from)) {
      return;
    }
    Rpc rpc = packet.rpc;
    for (Rpc.SubOpts s : rpc.subscriptions()) {
      boolean changed;
      if (s.subscribe()) {
        state.topics.add(s.topic());
        changed = topicPeers.computeIfAbsent(s.topic(), t -> new LinkedHashSet<>()).add(from);
      } else {
        state.topics.remove(s.topic());
        Set<PeerId> set = topicPeers.get(s.topic());
        changed = set != null && set.remove(from);
      }
      if (changed) {
        router.onSubscription(from, s.topic(), s.subscribe());
      }
    }
    for (PubSubMessage m : rpc.publish()) {
      handleMessage(from, m);
    }
    if (!rpc.control().isEmpty()) {
      router.handleControl(from, rpc.control());
    }
  }

  private void handleMessage(PeerId from, PubSubMessage m) {
    if (!localTopics.contains(m.topic())) {
      return;
    }
    MessageId id = messageId.apply(m);
    if (!seen.add(id)) {
      router.onDuplicate(id, m, from);
      return;
    }
    Optional<String> bad = MessageSigner.checkUnsigned(m);
    if (bad.isPresent()) {
      router.onRejected(id, m, from, PeerScore.RejectReason.UNEXPECTED_AUTH_INFO, bad.get());
      return;
    }
    router.onFirstSeen(id, m, from);
    if (validator == null) {
      accept(id, m, from);
      return;
    }
    CompletionStage<ValidationResult> stage = validator.validate(from, m);
    CompletableFuture<ValidationResult> f = stage.toCompletableFuture();
    if (f.isDone() && !f.isCompletedExceptionally()) {
      onVerdict(id, m, from, f.join()); // synchronous validators: no extra event
    } else {
      stage.whenComplete((r, err) -> scheduler.execute(() -> onVerdict(id, m, from, err != null ? ValidationResult.IGNORE : r)));
    }
  }

  private void onVerdict(MessageId id, PubSubMessage m, PeerId from, ValidationResult r) {
    if (!running()) {
      return;
    }
    router.onValidated(id, m, from, r);
    if (r == ValidationResult.ACCEPT) {
      accept(id, m, from);
    }
  }

  private void accept(MessageId id, PubSubMessage m, PeerId from) {
    router.publish(id, m, from);
    delivery.delivered(self, id, m, from);
  }

  private void announce(String topic, boolean subscribe) {
    Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Rpc.Control.EMPTY);
    for (PeerId p : List.copyOf(peers.keySet())) {
      context.send(p, rpc, Lane.CONTROL);
    }
  }

  /** Our mesh peers in {@code topic} (empty for floodsub). */
  public List<PeerId> meshPeers(String topic) {
    return router.meshPeers(topic);
  }

  /** The router's score of {@code peer} (0 without scoring). */
  public double score(PeerId peer) {
    return router.score(peer);
  }

  /** Whether {@code id} is in the seen cache. */
  public boolean seen(MessageId id) {
    return seen.contains(id);
  }

  /**
   * Sends a hand-made packet to {@code peer} through the outbox, bypassing the router: the
   * simulator's adversaries (IHAVE spam, GRAFT floods) use it.
   */
  public void sendRaw(PeerId peer, Packet packet) {
    if (running() && peers.containsKey(peer)) {
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

  private static final class Peer {
    final String protocol;
    final boolean outbound;
    final Set<String> topics = new LinkedHashSet<>();

    Peer(String protocol, boolean outbound) {
      this.protocol = protocol;
      this.outbound = outbound;
    }
  }

  private final class Context implements RouterContext {
    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public PeerId self() {
      return self;
    }

    @Override
    public Set<String> localTopics() {
      return Collections.unmodifiableSet(localTopics);
    }

    @Override
    public Set<PeerId> peersInTopic(String topic) {
      Set<PeerId> s = topicPeers.get(topic);
      return s == null ? Set.of() : Collections.unmodifiableSet(s);
    }

    @Override
    public Set<PeerId> peers() {
      return Collections.unmodifiableSet(peers.keySet());
    }

    @Override
    public String protocolOf(PeerId peer) {
      Peer p = peers.get(peer);
      return p == null ? null : p.protocol;
    }

    @Override
    public boolean isOutbound(PeerId peer) {
      Peer p = peers.get(peer);
      return p != null && p.outbound;
    }

    @Override
    public String ipOf(PeerId peer) {
      return null; // no IP colocation in simulation (score P6 stays 0)
    }

    @Override
    public boolean send(PeerId peer, Rpc rpc, Lane lane) {
      if (!peers.containsKey(peer) || rpc.isEmpty()) {
        return false;
      }
      outbox.send(self, peer, packetOf(rpc));
      return true;
    }

    @Override
    public boolean seen(MessageId id) {
      return seen.contains(id);
    }

    @Override
    public void connect(PeerId peer, byte[] signedPeerRecord) {
      // peer exchange is not simulated: the topology is given by the scenario
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

    /** Protobuf size of the RPC in bytes (without the stream's length prefix). */
    public int size() {
      return size;
    }

    /** Bytes of the RPC that are published messages; the rest is control and subscriptions. */
    public int messageBytes() {
      return messageBytes;
    }

    /** The published messages carried. */
    public List<PubSubMessage> messages() {
      return rpc.publish();
    }

    /** True when the RPC carries gossipsub control (IHAVE, IWANT, GRAFT, PRUNE, IDONTWANT). */
    public boolean hasControl() {
      return !rpc.control().isEmpty();
    }

    /** True when the RPC carries subscription changes. */
    public boolean hasSubscriptions() {
      return !rpc.subscriptions().isEmpty();
    }

    /** This packet without its messages (what a node that never forwards still sends), or null if empty. */
    public Packet withoutMessages() {
      if (rpc.publish().isEmpty()) {
        return this;
      }
      Rpc r = new Rpc(rpc.subscriptions(), List.of(), rpc.control());
      return r.isEmpty() ? null : new Packet(r);
    }

    /** This packet with its IWANT requests removed (a peer that advertises but never asks), or null if empty. */
    public Packet withoutIWant() {
      Rpc.Control c = rpc.control();
      if (c.iwant().isEmpty()) {
        return this;
      }
      Rpc r = new Rpc(rpc.subscriptions(), rpc.publish(),
          new Rpc.Control(c.ihave(), List.of(), c.graft(), c.prune(), c.idontwant()));
      return r.isEmpty() ? null : new Packet(r);
    }

    /** An IHAVE advertising {@code ids} on {@code topic}. */
    public static Packet ihave(String topic, List<MessageId> ids) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(new Rpc.IHave(topic, ids)), List.of(), List.of(), List.of(), List.of())));
    }

    /** An IWANT asking for {@code ids}. */
    public static Packet iwant(List<MessageId> ids) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(), List.of(new Rpc.IWant(ids)), List.of(), List.of(), List.of())));
    }

    /** A GRAFT for {@code topic}. */
    public static Packet graft(String topic) {
      return new Packet(Rpc.control(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of())));
    }

    /** A message publish carrying {@code data} on {@code topic} (StrictNoSign). */
    public static Packet message(String topic, byte[] data) {
      return new Packet(Rpc.publish(new PubSubMessage(null, data, null, topic, null, null)));
    }

    /** A subscription announcement. */
    public static Packet subscription(String topic, boolean subscribe) {
      return new Packet(new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Rpc.Control.EMPTY));
    }

    @Override
    public String toString() {
      return "Packet[" + size + " bytes, " + rpc.publish().size() + " messages, control=" + hasControl() + "]";
    }
  }
}
