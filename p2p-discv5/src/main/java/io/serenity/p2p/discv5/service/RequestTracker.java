package io.serenity.p2p.discv5.service;

import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.message.Message;
import io.serenity.p2p.discv5.message.RequestId;
import io.serenity.p2p.discv5.session.NodeAddress;
import io.serenity.p2p.discv5.table.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests in flight, by request id: at most {@code maxTotal}, {@code maxPerNode} per node, each
 * failed with a {@link TimeoutException} after the timeout. A response counts only when it comes
 * from the node asked. Runs on the event loop.
 */
final class RequestTracker {

  private record Call(NodeAddress to, ResponseHandler handler, ScheduledFuture<?> timer) {}

  private final ScheduledExecutorService loop;
  private final RandomSource random;
  private final long timeoutMillis;
  private final int maxTotal;
  private final int maxPerNode;
  private final Map<RequestId, Call> calls = new HashMap<>();
  private final Map<NodeId, Integer> perNode = new HashMap<>();

  RequestTracker(ScheduledExecutorService loop, RandomSource random, long timeoutMillis, int maxTotal,
      int maxPerNode) {
    this.loop = loop;
    this.random = random;
    this.timeoutMillis = timeoutMillis;
    this.maxTotal = maxTotal;
    this.maxPerNode = maxPerNode;
  }

  /**
   * Opens a call.
   *
   * @return its request id, or null (handler already failed) when a limit is reached
   */
  RequestId open(NodeAddress to, ResponseHandler handler) {
    if (calls.size() >= maxTotal) {
      handler.onFailure(new IllegalStateException("too many requests in flight (" + maxTotal + ")"));
      return null;
    }
    if (perNode.getOrDefault(to.nodeId(), 0) >= maxPerNode) {
      handler.onFailure(new IllegalStateException("too many requests in flight to " + to.nodeId()));
      return null;
    }
    RequestId id;
    do {
      id = RequestId.random(random);
    } while (calls.containsKey(id));
    RequestId key = id;
    ScheduledFuture<?> timer = loop.schedule(() -> fail(key, new TimeoutException("no response from "
        + to.address() + " within " + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
    calls.put(id, new Call(to, handler, timer));
    perNode.merge(to.nodeId(), 1, Integer::sum);
    return id;
  }

  /**
   * Offers a response.
   *
   * @return false when no call from that node has this id
   */
  boolean onResponse(NodeAddress from, RequestId id, Message response) {
    Call call = calls.get(id);
    if (call == null || !call.to().nodeId().equals(from.nodeId())) {
      return false;
    }
    if (call.handler().onResponse(response)) {
      close(id);
    }
    return true;
  }

  /** Ends a call with an error (timeout, send failure, shutdown). */
  void fail(RequestId id, Throwable error) {
    Call call = close(id);
    if (call != null) {
      call.handler().onFailure(error);
    }
  }

  /** Fails every call. */
  void failAll(Throwable error) {
    for (RequestId id : Map.copyOf(calls).keySet()) {
      fail(id, error);
    }
  }

  int size() {
    return calls.size();
  }

  private Call close(RequestId id) {
    Call call = calls.remove(id);
    if (call != null) {
      call.timer().cancel(false);
      perNode.computeIfPresent(call.to().nodeId(), (k, n) -> n <= 1 ? null : n - 1);
    }
    return call;
  }
}
