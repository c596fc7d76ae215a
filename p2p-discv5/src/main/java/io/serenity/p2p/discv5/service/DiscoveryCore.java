package io.serenity.p2p.discv5.service;

import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.lookup.Lookup;
import io.serenity.p2p.discv5.message.FindNode;
import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.Nodes;
import io.serenity.p2p.discv5.message.Ping;
import io.serenity.p2p.discv5.message.Pong;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.discv5.message.TalkReq;
import io.serenity.p2p.discv5.message.TalkResp;
import io.serenity.p2p.discv5.session.NodeAddress;
import io.serenity.p2p.discv5.session.SessionLayer;
import io.serenity.p2p.discv5.session.SessionLimits;
import io.serenity.p2p.discv5.session.SessionListener;
import io.serenity.p2p.discv5.session.Transport;
import io.serenity.p2p.discv5.table.KBucket;
import io.serenity.p2p.discv5.table.NodeId;
import io.serenity.p2p.discv5.table.RoutingTable;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.enr.Enr;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Everything the service's event loop owns: the table, the session layer, requests in flight,
 * lookups, rate limits and drop counters. Every method runs on the loop; futures complete there.
 */
final class DiscoveryCore implements SessionListener {

  /** Voters whose endpoint votes are kept (the oldest vote goes first). */
  static final int MAX_VOTERS = 200;
  /** The first table refresh runs this soon after start at the latest. */
  static final long FIRST_REFRESH_MS = 30_000;
  /** Random-target lookups per table refresh, beside the self lookup. */
  static final int RANDOM_LOOKUPS_PER_REFRESH = 3;

  private static final RateLimitedLog LOG = RateLimitedLog.perMinute(LoggerFactory.getLogger(DiscoveryCore.class), 10);

  private final Discv5Config config;
  private final ScheduledExecutorService loop;
  private Enr localEnr;
  private final NodeId localId;
  private final RoutingTable table;
  private final SessionLayer sessions;
  private final RequestTracker requests;
  private final KeyedRateLimiter<java.net.InetAddress> rateLimiter;
  private final KeyedRateLimiter<NodeId> requestLimiter;
  private final RequestResponder responder;
  private final Map<String, Long> drops = new HashMap<>();
  private int lookups;
  private final EndpointVotes votes;
  private final NodeIdsPerIp nodeIdsPerIp;
  private double challengeTokens;
  private long challengeRefillNanos;
  private ScheduledFuture<?> revalidation;
  private ScheduledFuture<?> refresh;
  private boolean stopped;

  DiscoveryCore(Discv5Config config, Enr localEnr, RandomSource random, ScheduledExecutorService loop,
      Transport transport, Map<ByteBuffer, TalkHandler> talkHandlers) {
    this.config = config;
    this.loop = loop;
    this.localEnr = localEnr;
    this.localId = new NodeId(localEnr.nodeId());
    this.table = new RoutingTable(localId, config.tableIpLimits());
    long timeout = config.requestTimeout().toMillis();
    SessionLimits limits = new SessionLimits(config.sessionCacheSize(), config.sessionIdle(), config.maxChallenges(),
        config.challengeTtl(), config.requestTimeout(), config.maxPendingRequests(), config.maxPendingPerNode(),
        config.handshakesPerSecond());
    Function<NodeId, Enr> known = id -> table.get(id).map(TableEntry::enr).orElse(null);
    this.sessions = new SessionLayer(config.privateKey(), () -> this.localEnr, random, System::nanoTime, limits,
        known, transport, this);
    this.requests = new RequestTracker(loop, random, timeout, config.maxPendingRequests(),
        config.maxPendingPerNode());
    this.rateLimiter = new KeyedRateLimiter<>(config.packetsPerIpPerSecond(), config.packetBurstPerIp(),
        config.rateLimitedIps());
    this.responder = new RequestResponder(() -> this.localEnr, table, talkHandlers, config.maxNodesRecords());
    this.requestLimiter = new KeyedRateLimiter<>(config.requestsPerNodePerSecond(), config.requestBurstPerNode(),
        config.rateLimitedIps());
    this.nodeIdsPerIp = new NodeIdsPerIp(config.nodeIdsPerIp(), config.ipBan().toNanos(), config.ipBan().toNanos(),
        config.rateLimitedIps());
    this.challengeTokens = config.challengesPerSecond();
    this.challengeRefillNanos = System.nanoTime();
    this.votes = new EndpointVotes(config.endpointVoters(), config.endpointVoteTtl().toNanos(), MAX_VOTERS);
    scheduleRevalidation();
    if (!config.refreshInterval().isZero()) {
      long first = Math.min(config.refreshInterval().toMillis(), FIRST_REFRESH_MS);
      refresh = loop.schedule(this::refresh, first, TimeUnit.MILLISECONDS);
    }
  }

  Enr localEnr() {
    return localEnr;
  }

  /** Replaces our record (seq already bumped); PONGs announce the new seq from now on. */
  void setLocalEnr(Enr enr) {
    this.localEnr = enr;
  }

  void onDatagram(byte[] datagram, InetSocketAddress source) {
    if (stopped) {
      return;
    }
    if (!rateLimiter.allow(source.getAddress(), System.nanoTime())) {
      onDrop("rate-limited", source, datagram.length + " bytes");
      return;
    }
    sessions.onDatagram(datagram, source);
  }

  @Override
  public void onMessage(NodeAddress from, Enr enr, Message message) {
    if (LocalRecord.udpEndpoint(enr).filter(from.address()::equals).isPresent()) {
      table.offer(enr, true); // an authenticated packet from the endpoint its record names
    }
    switch (message) {
      case Pong m -> response(from, m.requestId(), m);
      case Nodes m -> response(from, m.requestId(), m);
      case TalkResp m -> response(from, m.requestId(), m);
      default -> {
        if (!requestLimiter.allow(from.nodeId(), System.nanoTime())) {
          onDrop("node-rate-limited", from.address(), message.getClass().getSimpleName() + " over "
              + config.requestsPerNodePerSecond() + "/s from " + from.nodeId());
          return;
        }
        for (Message reply : responder.answer(from, enr, message)) {
          sessions.sendResponse(from, reply);
        }
      }
    }
  }

  private void response(NodeAddress from, RequestId id, Message m) {
    if (!requests.onResponse(from, id, m)) {
      onDrop("unsolicited-response", from.address(), m.getClass().getSimpleName() + " " + id);
    }
  }

  @Override
  public boolean admit(NodeAddress from) {
    if (!nodeIdsPerIp.admit(from.address().getAddress(), from.nodeId(), System.nanoTime())) {
      onDrop("ip-banned", from.address(), "more than " + config.nodeIdsPerIp() + " node ids from this IP");
      return false;
    }
    return true;
  }

  @Override
  public boolean allowChallenge(NodeAddress from) {
    double rate = config.challengesPerSecond();
    if (rate <= 0) {
      return true;
    }
    long now = System.nanoTime();
    challengeTokens = Math.min(rate, challengeTokens + (now - challengeRefillNanos) * rate / 1e9);
    challengeRefillNanos = now;
    if (challengeTokens < 1) {
      onDrop("challenge-rate-limited", from.address(), "over " + rate + " new challenges/s");
      return false;
    }
    challengeTokens -= 1;
    return true;
  }

  @Override
  public void onDrop(String reason, InetSocketAddress source, String detail) {
    drops.merge(reason, 1L, Long::sum);
    LOG.debug("discv5: dropped a packet from {} ({}): {}", source, reason, detail);
  }

  boolean addEnr(Enr enr) {
    KBucket.Result r = table.offer(enr, false);
    return r == KBucket.Result.ADDED || r == KBucket.Result.UPDATED;
  }

  CompletableFuture<Pong> ping(Enr enr) {
    CompletableFuture<Pong> result = new CompletableFuture<>();
    request(enr, id -> new Ping(id, localEnr.seq()), single(Pong.class, result));
    NodeId voter = new NodeId(enr.nodeId());
    return result.whenComplete((pong, error) -> {
      if (pong != null) {
        onEndpointVote(voter, pong);
      }
    });
  }

  /**
   * One vote for the endpoint a PONG reports; when enough voters agree on one that is not our
   * record's, our record takes it (seq + 1).
   */
  private void onEndpointVote(NodeId voter, Pong pong) {
    InetSocketAddress current = LocalRecord.udpEndpoint(localEnr).orElse(null);
    InetSocketAddress seen = new InetSocketAddress(pong.recipientIp(), pong.recipientPort());
    if (current == null || stopped || seen.getPort() == 0 || seen.getAddress().isAnyLocalAddress()
        || seen.getAddress().isMulticastAddress()
        || (seen.getAddress() instanceof Inet6Address) != (current.getAddress() instanceof Inet6Address)) {
      return;
    }
    Optional<InetSocketAddress> winner = votes.vote(voter, seen, System.nanoTime());
    if (winner.isPresent() && !winner.get().equals(current)) {
      Enr next = LocalRecord.update(config, localEnr, winner.get(), b -> { });
      LOG.info("discv5: {} nodes see us at {}, not {}: our record now says so (seq {})", config.endpointVoters(),
          winner.get(), current, next.seq());
      localEnr = next;
    }
  }

  CompletableFuture<byte[]> talk(Enr enr, byte[] protocol, byte[] data) {
    CompletableFuture<TalkResp> result = new CompletableFuture<>();
    request(enr, id -> new TalkReq(id, protocol, data), single(TalkResp.class, result));
    return result.thenApply(TalkResp::response);
  }

  CompletableFuture<List<Enr>> findNode(Enr enr, List<Integer> distances) {
    CompletableFuture<List<Enr>> result = new CompletableFuture<>();
    NodesCollector collector = new NodesCollector(new NodeId(enr.nodeId()), localId, distances,
        config.maxNodesPackets(), config.maxNodesRecords(), result);
    request(enr, id -> new FindNode(id, distances), collector);
    return result.whenComplete((enrs, e) -> {
      if (enrs != null) {
        enrs.forEach(r -> table.offer(r, false));
      }
    });
  }

  CompletableFuture<List<Enr>> lookup(NodeId target) {
    if (lookups >= config.maxConcurrentLookups()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("too many lookups running (" + config.maxConcurrentLookups() + ")"));
    }
    lookups++;
    Lookup lookup = new Lookup(target, localId, KBucket.K, config.lookupParallelism(), this::findNode);
    List<Enr> seeds = table.closest(target, KBucket.K, false).stream().map(TableEntry::enr).toList();
    CompletableFuture<List<Enr>> result = lookup.start(seeds);
    ScheduledFuture<?> cap = loop.schedule(lookup::finish, config.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return result.whenComplete((r, e) -> {
      lookups--;
      cap.cancel(false);
    });
  }

  List<TableEntry> table() {
    return table.entries();
  }

  Discv5Stats stats() {
    return new Discv5Stats(table.size(), table.replacementCount(), sessions.sessions().size(),
        sessions.challengeCount(), requests.size(), sessions.pendingCount(), rateLimiter.size(), lookups, drops);
  }

  void stop() {
    stopped = true;
    if (revalidation != null) {
      revalidation.cancel(false);
    }
    if (refresh != null) {
      refresh.cancel(false);
    }
    requests.failAll(new IllegalStateException("discv5 service stopped"));
  }

  private void request(Enr enr, Function<RequestId, Message> make, ResponseHandler handler) {
    if (stopped) {
      handler.onFailure(new IllegalStateException("discv5 service stopped"));
      return;
    }
    Optional<InetSocketAddress> to = LocalRecord.udpEndpoint(enr);
    if (to.isEmpty()) {
      handler.onFailure(new IllegalArgumentException("record has no UDP endpoint: " + enr));
      return;
    }
    if (new NodeId(enr.nodeId()).equals(localId)) {
      handler.onFailure(new IllegalArgumentException("that is our own record"));
      return;
    }
    NodeAddress address = new NodeAddress(new NodeId(enr.nodeId()), to.get());
    RequestId id = requests.open(address, handler);
    if (id != null && !sessions.sendRequest(enr, to.get(), make.apply(id))) {
      requests.fail(id, new IllegalStateException("request to " + to.get()
          + " refused: too many requests in flight or waiting for a handshake"));
    }
  }

  private static <T extends Message> ResponseHandler single(Class<T> type, CompletableFuture<T> result) {
    return new ResponseHandler() {
      @Override
      public boolean onResponse(Message response) {
        return type.isInstance(response) && result.complete(type.cast(response));
      }

      @Override
      public void onFailure(Throwable error) {
        result.completeExceptionally(error);
      }
    };
  }

  /** A self lookup and a few random-target lookups keep the table filled; skipped while it is empty. */
  private void refresh() {
    if (stopped) {
      return;
    }
    if (table.size() > 0) {
      LOG.debug("discv5: table refresh ({} entries)", table.size());
      lookup(localId);
      for (int i = 0; i < RANDOM_LOOKUPS_PER_REFRESH; i++) {
        byte[] target = new byte[NodeId.SIZE];
        ThreadLocalRandom.current().nextBytes(target);
        lookup(new NodeId(target)); // refused, harmlessly, when too many lookups run
      }
    }
    refresh = loop.schedule(this::refresh, config.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scheduleRevalidation() {
    long min = config.revalidateMin().toMillis();
    long delay = min + ThreadLocalRandom.current().nextLong(config.revalidateMax().toMillis() - min + 1);
    revalidation = loop.schedule(this::revalidate, delay, TimeUnit.MILLISECONDS);
  }

  /** PINGs the oldest entry of a random bucket: no answer removes it, a newer seq fetches its record. */
  private void revalidate() {
    if (stopped) {
      return;
    }
    table.oldestOfRandomBucket(ThreadLocalRandom.current()).ifPresent(entry -> ping(entry.enr())
        .whenComplete((pong, error) -> {
          if (error != null) {
            table.remove(entry.id());
          } else if (pong.enrSeq() > entry.enr().seq()) {
            findNode(entry.enr(), List.of(0));
          }
        }));
    scheduleRevalidation();
  }
}
