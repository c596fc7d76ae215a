package io.serenity.p2p.sim;

import io.serenity.p2p.core.Multihash;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.pubsub.GossipSubOptions;
import io.serenity.p2p.pubsub.GossipSubParams;
import io.serenity.p2p.pubsub.MessageId;
import io.serenity.p2p.pubsub.MessageIdFunction;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.PeerScoreThresholds;
import io.serenity.p2p.pubsub.PubSubMessage;
import io.serenity.p2p.pubsub.SimulatedNode;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.pubsub.ValidationResult;
import io.serenity.p2p.pubsub.Validator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Runs one {@link Scenario}: builds the graph, one {@link SimulatedNode} (the production router)
 * per node on a shared {@link EventLoop}, carries their packets over virtual links (latency per
 * link, upload queueing, loss, partitions), applies churn and adversaries, publishes the traffic
 * and records every delivery. Single-threaded and seeded: the same scenario gives the same {@link
 * Report}.
 *
 * <pre>{@code
 * Report r = Simulator.run(Scenario.load(Path.of("p2p-sim/scenarios/gossipsub-1000.json")));
 * System.out.print(r.summary().toText());
 * }</pre>
 */
public final class Simulator {
  /**
   * The first 16 bytes of a payload, also its message id: the message number (bit 62 set = invalid
   * spam) and a scrambled copy of it, so ids hash well (Arrays.hashCode of near-identical ids collides).
   */
  static final int HEADER = 16;
  static final long INVALID = 1L << 62;
  private static final long MS = 1_000_000L;

  enum Role { HONEST, SILENT, SPAMMER, IHAVE_SPAM, IWANT_SPAM, ECLIPSE }

  private final Scenario s;
  private final EventLoop loop = new EventLoop();
  private final SplittableRandom random;
  private final Graph graph;
  private final int capacity;
  private final PeerId[] ids;
  private final Map<PeerId, Integer> index = new HashMap<>();
  private final SimulatedNode[] nodes;
  private final Role[] role;
  private final boolean[] alive;
  private final long[] joinedAt;
  private final int[] region;
  private final long[] uplinkFree;
  private final long[] bytesIn;
  private final long[] bytesOut;
  private final Map<Long, Long> linkLatency = new HashMap<>();
  private final List<List<Integer>> adjacency = new ArrayList<>();
  private final List<Msg> messages = new ArrayList<>();
  private final List<MessageId> recentIds = new ArrayList<>();
  private long controlBytes;
  private long messageBytes;
  private long packets;
  private long lost;
  private boolean partitioned;
  private int partitionCut;
  private long spamSeq;
  private int eclipseTarget = -1;
  private final double bitsPerNano;

  /** One published message and where it got to. */
  static final class Msg {
    final int number;
    final String topic;
    final int size;
    final int publisher;
    final long publishedAt;
    final long[] arrival;
    final byte[] hops;
    long copies;

    Msg(int number, String topic, int size, int publisher, long publishedAt, int n) {
      this.number = number;
      this.topic = topic;
      this.size = size;
      this.publisher = publisher;
      this.publishedAt = publishedAt;
      this.arrival = new long[n];
      Arrays.fill(arrival, -1);
      this.hops = new byte[n];
      arrival[publisher] = publishedAt;
    }
  }

  private Simulator(Scenario s) throws IOException {
    this.s = s.validate();
    this.random = new SplittableRandom(s.seed());
    this.graph = Graph.build(s.topology(), s.nodes(), random.split());
    int joins = s.churn().stream().filter(c -> c.action().equals("join")).mapToInt(Scenario.Churn::count).sum();
    this.capacity = s.nodes() + joins;
    this.ids = new PeerId[capacity];
    this.nodes = new SimulatedNode[capacity];
    this.role = new Role[capacity];
    this.alive = new boolean[capacity];
    this.joinedAt = new long[capacity];
    this.region = new int[capacity];
    this.uplinkFree = new long[capacity];
    this.bytesIn = new long[capacity];
    this.bytesOut = new long[capacity];
    this.bitsPerNano = s.links().uploadMbps() <= 0 ? 0 : s.links().uploadMbps() * 1e6 / 1e9;
    Arrays.fill(role, Role.HONEST);
    for (int i = 0; i < capacity; i++) {
      // a sha2-256 multihash of the index: a valid, cheap, distinct PeerId per node
      ids[i] = PeerId.fromBytes(Multihash.sha256(ByteBuffer.allocate(8).putLong(i).array()).encode());
      index.put(ids[i], i);
      adjacency.add(new ArrayList<>());
    }
  }

  /**
   * Runs {@code scenario} to the end and reports.
   *
   * @param scenario what to simulate
   * @return the run's deliveries, latencies and traffic
   * @throws IOException when the scenario's topology file cannot be read
   */
  public static Report run(Scenario scenario) throws IOException {
    long wall = System.nanoTime();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
    Simulator sim = new Simulator(scenario);
    long end = sim.setUp();
    sim.loop.runUntil(end);
    Summary summary = sim.summarise(end);
    long wallNanos = System.nanoTime() - wall;
    long cpuNanos = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() - cpu : 0;
    return new Report(summary, sim.latenciesMs(), sim.hopHistogram(), sim.bytesPerNode(), sim.deliveries(),
        sim.loop.executed(), wallNanos, cpuNanos);
  }

  private long setUp() {
    Scenario.Latency lat = s.links().latency();
    SplittableRandom rr = random.split();
    for (int i = 0; i < capacity; i++) {
      region[i] = lat.type().equals("matrix") ? pickWeighted(lat.weights(), rr) : 0;
    }
    assignAdversaries();
    long heartbeat = gossipParams().heartbeatInterval().toNanos();
    SplittableRandom startJitter = random.split();
    for (int i = 0; i < s.nodes(); i++) {
      final int n = i;
      // staggered starts, so heartbeats are not in lock step
      loop.at(startJitter.nextLong(heartbeat), () -> startNode(n));
    }
    loop.at(heartbeat, () -> {
      for (int[] e : graph.edges()) {
        connect(e[0], e[1]);
      }
      if (eclipseTarget >= 0) {
        for (int i = 0; i < s.nodes(); i++) {
          if (role[i] == Role.ECLIPSE && i != eclipseTarget) {
            connect(i, eclipseTarget);
          }
        }
      }
    });
    long start = s.warmupMs() * MS;
    long last = start;
    SplittableRandom pubRandom = random.split();
    int number = 0;
    for (Scenario.Traffic t : s.traffic()) {
      for (int k = 0; k < t.messages(); k++) {
        long at = start + (long) (k * 1e9 / t.ratePerSecond());
        int num = number++;
        messages.add(null); // filled when published; streams interleave in time
        long seed = pubRandom.nextLong();
        loop.at(at, () -> publish(num, t, seed));
        last = Math.max(last, at);
      }
    }
    long end = last + s.drainMs() * MS;
    scheduleAdversaries(start, end);
    scheduleChurn();
    if (s.partition() != null) {
      partitionCut = (int) (s.partition().fraction() * s.nodes());
      loop.at(s.partition().atMs() * MS, () -> partitioned = true);
      loop.at(s.partition().healMs() * MS, () -> partitioned = false);
    }
    return end;
  }

  private static int pickWeighted(List<Double> w, SplittableRandom r) {
    double total = w.stream().mapToDouble(Double::doubleValue).sum();
    double x = r.nextDouble() * total;
    for (int i = 0; i < w.size(); i++) {
      x -= w.get(i);
      if (x < 0) {
        return i;
      }
    }
    return w.size() - 1;
  }

  GossipSubParams gossipParams() {
    Scenario.Gossip g = s.gossip();
    GossipSubParams p = g.preset().equals("ethereum") ? GossipSubParams.ethereum() : GossipSubParams.defaults();
    int d = g.d() > 0 ? g.d() : p.d();
    int dLow = g.dLow() > 0 ? g.dLow() : Math.min(p.dLow(), d);
    int dHigh = g.dHigh() > 0 ? g.dHigh() : Math.max(p.dHigh(), d);
    int dLazy = g.dLazy() > 0 ? g.dLazy() : p.dLazy();
    Duration hb = g.heartbeatMs() > 0 ? Duration.ofMillis(g.heartbeatMs()) : p.heartbeatInterval();
    return p.toBuilder()
        .d(d).dLow(dLow).dHigh(dHigh).dScore(Math.min(p.dScore(), d)).dOut(Math.min(p.dOut(), dLow / 2)).dLazy(dLazy)
        .heartbeatInterval(hb).floodPublish(g.floodPublish())
        .build();
  }

  private GossipSubOptions gossipOptions() {
    if (!s.gossip().scoring()) {
      return GossipSubOptions.defaults();
    }
    Map<String, TopicScoreParams> topics = new LinkedHashMap<>();
    for (Scenario.Traffic t : s.traffic()) {
      topics.put(t.topic(), TopicScoreParams.defaults());
    }
    return GossipSubOptions.defaults().withScoring(PeerScoreParams.ethereum(topics), PeerScoreThresholds.ethereum());
  }

  private final MessageIdFunction idFunction = m -> new MessageId(Arrays.copyOf(m.data(), HEADER));

  private SimulatedNode makeNode(int i) {
    SimulatedNode.Outbox out = (from, to, packet) -> carry(i, to, packet);
    SimulatedNode n = s.router().equals("floodsub")
        ? SimulatedNode.floodsub(ids[i], loop, out)
        : SimulatedNode.gossipsub(ids[i], loop, gossipParams(), gossipOptions(), new Random(random.nextLong()), out);
    n.messageIdFunction(idFunction);
    if (!s.router().equals("floodsub") && s.gossip().preset().equals("ethereum")) {
      n.seenTtl(io.serenity.p2p.pubsub.PubSubConfig.ETHEREUM_SEEN_TTL);
    }
    n.validator(Validator.of((from, m) -> (ByteBuffer.wrap(m.data()).getLong() & INVALID) != 0
        ? ValidationResult.REJECT : ValidationResult.ACCEPT));
    n.onDelivery(this::delivered);
    return n;
  }

  private void startNode(int i) {
    nodes[i] = makeNode(i);
    alive[i] = true;
    joinedAt[i] = loop.now();
    nodes[i].start();
    for (Scenario.Traffic t : s.traffic()) {
      nodes[i].subscribe(t.topic());
    }
  }

  private void connect(int a, int b) {
    if (!alive[a] || !alive[b] || nodes[a].peers().contains(ids[b])) {
      return;
    }
    String proto = null;
    for (String p : nodes[a].protocols()) {
      if (nodes[b].protocols().contains(p)) {
        proto = p;
        break;
      }
    }
    if (proto == null) {
      return;
    }
    adjacency.get(a).add(b);
    adjacency.get(b).add(a);
    nodes[a].addPeer(ids[b], proto, true);
    nodes[b].addPeer(ids[a], proto, false);
  }

  private long latency(int a, int b) {
    Scenario.Latency l = s.links().latency();
    switch (l.type()) {
      case "fixed":
        return (long) (l.valueMs() * MS);
      case "matrix":
        return (long) (l.matrixMs().get(region[a]).get(region[b]) * MS);
      case "node-sum":
        return (long) ((l.nodeMs().get(a) + l.nodeMs().get(b)) * MS);
      default:
        long key = (long) Math.min(a, b) << 32 | Math.max(a, b);
        Long v = linkLatency.get(mix(key)); // scrambled: Long.hashCode of this key collides massively
        if (v == null) {
          // drawn once per link from a generator seeded by the link, so order of first use does not matter
          SplittableRandom r = new SplittableRandom(s.seed() * 31 + key);
          double ms = l.type().equals("uniform")
              ? l.minMs() + r.nextDouble() * (l.maxMs() - l.minMs())
              : l.medianMs() * Math.exp(l.sigma() * gaussian(r));
          v = (long) (ms * MS);
          linkLatency.put(mix(key), v);
        }
        return v;
    }
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller: SplittableRandom has no nextGaussian in Java 17
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The outbox of node {@code from}: adversary filters, then the link model. */
  private void carry(int from, PeerId toId, SimulatedNode.Packet packet) {
    Role r = role[from];
    if (r == Role.SILENT || r == Role.ECLIPSE || r == Role.IHAVE_SPAM) {
      packet = packet.withoutMessages(); // they take part in the mesh but never forward
      if (packet == null) {
        return;
      }
    }
    if (!alive[from]) {
      return;
    }
    int to = index.get(toId);
    packets++;
    int size = packet.size();
    bytesOut[from] += size;
    controlBytes += size - packet.messageBytes();
    messageBytes += packet.messageBytes();
    if (partitioned && (from < partitionCut) != (to < partitionCut)) {
      lost++;
      return;
    }
    if (s.links().loss() > 0 && random.nextDouble() < s.links().loss()) {
      lost++;
      return;
    }
    long depart = loop.now();
    if (bitsPerNano > 0) {
      // upload queue: a packet leaves when the ones before it have been sent
      depart = Math.max(depart, uplinkFree[from]) + (long) (size * 8 / bitsPerNano);
      uplinkFree[from] = depart;
    }
    SimulatedNode.Packet p = packet;
    PeerId fromId = ids[from];
    loop.at(depart + latency(from, to), () -> arrive(from, fromId, to, p));
  }

  private void arrive(int from, PeerId fromId, int to, SimulatedNode.Packet p) {
    if (!alive[to]) {
      return;
    }
    bytesIn[to] += p.size();
    for (PubSubMessage m : p.messages()) {
      long num = ByteBuffer.wrap(m.data()).getLong();
      if ((num & INVALID) == 0 && num < messages.size() && messages.get((int) num) != null) {
        messages.get((int) num).copies++;
      }
    }
    nodes[to].receive(fromId, p);
  }

  private void delivered(PeerId self, MessageId id, PubSubMessage m, PeerId from) {
    long num = ByteBuffer.wrap(m.data()).getLong();
    if ((num & INVALID) != 0) {
      return;
    }
    Msg msg = messages.get((int) num);
    int i = index.get(self);
    if (msg.arrival[i] < 0) {
      msg.arrival[i] = loop.now();
      Integer f = index.get(from);
      msg.hops[i] = (byte) Math.min(127, (f == null ? 0 : msg.hops[f]) + 1);
    }
  }

  private void publish(int number, Scenario.Traffic t, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int publisher;
    if (t.publishers().equals("random")) {
      List<Integer> honest = new ArrayList<>();
      for (int i = 0; i < capacity; i++) {
        if (alive[i] && role[i] == Role.HONEST) {
          honest.add(i);
        }
      }
      if (honest.isEmpty()) {
        return;
      }
      publisher = honest.get(r.nextInt(honest.size()));
    } else {
      try {
        publisher = Integer.parseInt(t.publishers());
      } catch (NumberFormatException e) {
        throw new ScenarioException("traffic.publishers must be \"random\" or a node index");
      }
      if (publisher < 0 || publisher >= s.nodes()) {
        throw new ScenarioException("traffic.publishers index out of range: " + publisher);
      }
    }
    Msg msg = new Msg(number, t.topic(), t.sizeBytes(), publisher, loop.now(), capacity);
    messages.set(number, msg);
    byte[] data = new byte[t.sizeBytes()];
    ByteBuffer.wrap(data).putLong(number).putLong(mix(number));
    if (alive[publisher]) {
      MessageId id = nodes[publisher].publish(t.topic(), data);
      if (id != null) {
        recentIds.add(id);
      }
    }
  }

  private void assignAdversaries() {
    List<Integer> pool = new ArrayList<>();
    for (int i = 0; i < s.nodes(); i++) {
      pool.add(i);
    }
    SplittableRandom r = random.split();
    for (int i = pool.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Integer tmp = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, tmp);
    }
    for (Scenario.Adversary a : s.adversaries()) {
      if (a.behaviour().equals("eclipse")) {
        eclipseTarget = a.target();
        pool.remove(Integer.valueOf(a.target()));
      }
    }
    int next = 0;
    for (Scenario.Adversary a : s.adversaries()) {
      int count = a.count() > 0 ? a.count() : (int) Math.round(a.fraction() * s.nodes());
      Role ro = switch (a.behaviour()) {
        case "silent" -> Role.SILENT;
        case "spammer" -> Role.SPAMMER;
        case "ihave-spam" -> Role.IHAVE_SPAM;
        case "iwant-spam" -> Role.IWANT_SPAM;
        default -> Role.ECLIPSE;
      };
      for (int k = 0; k < count && next < pool.size(); k++) {
        role[pool.get(next++)] = ro;
      }
    }
  }

  private void scheduleAdversaries(long start, long end) {
    for (Scenario.Adversary a : s.adversaries()) {
      long every = (long) (1e9 / a.ratePerSecond());
      String topic = s.traffic().get(0).topic();
      switch (a.behaviour()) {
        case "spammer" -> repeat(start, end, every, () -> {
          for (int i = 0; i < s.nodes(); i++) {
            if (role[i] == Role.SPAMMER && alive[i]) {
              byte[] data = new byte[s.traffic().get(0).sizeBytes()];
              long seq = INVALID | spamSeq++;
              ByteBuffer.wrap(data).putLong(seq).putLong(mix(seq));
              nodes[i].publishUnchecked(topic, data);
            }
          }
        });
        case "ihave-spam" -> repeat(start, end, every, () -> {
          for (int i = 0; i < s.nodes(); i++) {
            if (role[i] == Role.IHAVE_SPAM && alive[i]) {
              List<MessageId> fake = new ArrayList<>();
              for (int k = 0; k < 10; k++) {
                byte[] b = new byte[HEADER];
                long seq = INVALID | (1L << 61) | spamSeq++;
                ByteBuffer.wrap(b).putLong(seq).putLong(mix(seq));
                fake.add(new MessageId(b));
              }
              SimulatedNode.Packet p = SimulatedNode.Packet.ihave(topic, fake);
              for (PeerId peer : List.copyOf(nodes[i].peers())) {
                nodes[i].sendRaw(peer, p);
              }
            }
          }
        });
        case "iwant-spam" -> repeat(start, end, every, () -> {
          List<MessageId> want = recentIds.subList(Math.max(0, recentIds.size() - 20), recentIds.size());
          if (want.isEmpty()) {
            return;
          }
          SimulatedNode.Packet p = SimulatedNode.Packet.iwant(List.copyOf(want));
          for (int i = 0; i < s.nodes(); i++) {
            if (role[i] == Role.IWANT_SPAM && alive[i]) {
              for (PeerId peer : List.copyOf(nodes[i].peers())) {
                nodes[i].sendRaw(peer, p);
              }
            }
          }
        });
        default -> { }
      }
    }
  }

  private void repeat(long start, long end, long every, Runnable r) {
    for (long t = start; t < end; t += every) {
      loop.at(t, r);
    }
  }

  private void scheduleChurn() {
    SplittableRandom r = random.split();
    int[] nextJoin = {s.nodes()};
    for (Scenario.Churn c : s.churn()) {
      long seed = r.nextLong();
      loop.at(c.atMs() * MS, () -> {
        SplittableRandom cr = new SplittableRandom(seed);
        switch (c.action()) {
          case "join" -> {
            for (int k = 0; k < c.count(); k++) {
              int n = nextJoin[0]++;
              startNode(n);
              List<Integer> live = liveNodes(n);
              for (int j = 0; j < Math.min(c.degree(), live.size()); j++) {
                int pick = live.remove(cr.nextInt(live.size()));
                connect(n, pick);
              }
            }
          }
          default -> {
            List<Integer> live = liveNodes(-1);
            live.removeIf(i -> role[i] != Role.HONEST);
            for (int k = 0; k < c.count() && !live.isEmpty(); k++) {
              int victim = live.remove(cr.nextInt(live.size()));
              down(victim, c.action().equals("crash"));
            }
          }
        }
      });
    }
  }

  private List<Integer> liveNodes(int except) {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      if (alive[i] && i != except) {
        live.add(i);
      }
    }
    return live;
  }

  /** A node leaves (peers notice after one link latency) or crashes (after crashDetectMs). */
  private void down(int i, boolean crash) {
    alive[i] = false;
    nodes[i].stop();
    for (int peer : new LinkedHashSet<>(adjacency.get(i))) {
      long notice = crash ? s.links().crashDetectMs() * MS : latency(i, peer);
      loop.at(loop.now() + notice, () -> {
        if (nodes[peer] != null) {
          nodes[peer].removePeer(ids[i]);
        }
      });
    }
  }

  // ---- results ----

  private boolean eligible(Msg m, int i, long end) {
    // honest, up from before the publish to the end of the run, and not the publisher
    return i != m.publisher && role[i] == Role.HONEST && alive[i] && nodes[i] != null && joinedAt[i] <= m.publishedAt;
  }

  /** Every published message with its first arrival at each node (virtual ms, -1 = never). */
  private java.util.List<Report.Delivery> deliveries() {
    java.util.List<Report.Delivery> out = new ArrayList<>();
    for (Msg m : messages) {
      if (m == null) {
        continue;
      }
      double[] at = new double[capacity];
      for (int i = 0; i < capacity; i++) {
        at[i] = m.arrival[i] < 0 || i == m.publisher ? -1 : m.arrival[i] / 1e6;
      }
      out.add(new Report.Delivery(m.number, m.topic, m.publisher, m.publishedAt / 1e6, at));
    }
    return out;
  }

  private Summary summarise(long end) {
    long eligibleTotal = 0;
    long delivered = 0;
    long copies = 0;
    long firsts = 0;
    List<Long> lat = new ArrayList<>();
    long hopSum = 0;
    Map<String, List<Long>> perTopic = new LinkedHashMap<>();
    int published = 0;
    for (Msg m : messages) {
      if (m == null) {
        continue;
      }
      published++;
      copies += m.copies;
      List<Long> topicLat = perTopic.computeIfAbsent(m.topic, t -> new ArrayList<>());
      for (int i = 0; i < capacity; i++) {
        if (m.arrival[i] >= 0 && i != m.publisher) {
          firsts++;
        }
        if (!eligible(m, i, end)) {
          continue;
        }
        eligibleTotal++;
        if (m.arrival[i] >= 0) {
          delivered++;
          long l = m.arrival[i] - m.publishedAt;
          lat.add(l);
          topicLat.add(l);
          hopSum += m.hops[i];
        }
      }
    }
    int n = 0;
    long inSum = 0;
    long outSum = 0;
    long outMax = 0;
    for (int i = 0; i < capacity; i++) {
      if (nodes[i] != null) {
        n++;
        inSum += bytesIn[i];
        outSum += bytesOut[i];
        outMax = Math.max(outMax, bytesOut[i]);
      }
    }
    double seconds = end / 1e9;
    Map<String, Summary.Latency> topics = new LinkedHashMap<>();
    perTopic.forEach((t, l) -> topics.put(t, Summary.Latency.of(l)));
    double eclipse = Double.NaN;
    if (eclipseTarget >= 0) {
      int got = 0;
      int total = 0;
      for (Msg m : messages) {
        if (m != null && m.publisher != eclipseTarget) {
          total++;
          if (m.arrival[eclipseTarget] >= 0) {
            got++;
          }
        }
      }
      eclipse = total == 0 ? Double.NaN : (double) got / total;
    }
    return new Summary(s.name(), s.router(), s.nodes(), graph.edges().size(), published, seconds,
        eligibleTotal == 0 ? 0 : (double) delivered / eligibleTotal, delivered, eligibleTotal,
        Summary.Latency.of(lat), topics, delivered == 0 ? 0 : (double) hopSum / delivered,
        firsts == 0 ? 0 : (double) (copies - firsts) / firsts, copies - firsts,
        n == 0 ? 0 : inSum / (double) n / seconds, n == 0 ? 0 : outSum / (double) n / seconds, outMax / seconds,
        (controlBytes + messageBytes) == 0 ? 0 : (double) controlBytes / (controlBytes + messageBytes),
        packets, lost, eclipse);
  }

  private double[] latenciesMs() {
    List<Double> l = new ArrayList<>();
    for (Msg m : messages) {
      if (m == null) {
        continue;
      }
      for (int i = 0; i < capacity; i++) {
        if (m.arrival[i] >= 0 && eligible(m, i, 0)) {
          l.add((m.arrival[i] - m.publishedAt) / 1e6);
        }
      }
    }
    double[] a = l.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private long[] hopHistogram() {
    long[] h = new long[32];
    for (Msg m : messages) {
      if (m == null) {
        continue;
      }
      for (int i = 0; i < capacity; i++) {
        if (m.arrival[i] >= 0 && eligible(m, i, 0)) {
          h[Math.min(31, m.hops[i])]++;
        }
      }
    }
    int last = h.length - 1;
    while (last > 0 && h[last] == 0) {
      last--;
    }
    return Arrays.copyOf(h, last + 1);
  }

  private long[][] bytesPerNode() {
    List<long[]> rows = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      if (nodes[i] != null) {
        rows.add(new long[] {bytesIn[i], bytesOut[i]});
      }
    }
    return rows.toArray(long[][]::new);
  }
}
