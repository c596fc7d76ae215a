package io.serenity.p2p.pubsub;

import io.serenity.p2p.host.TestHosts;
import io.serenity.p2p.time.Scheduler;
import io.serenity.p2p.time.ThreadScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pubsub nodes on real loopback hosts for one test: the hosts, a router thread to share, and the
 * nodes a test {@link #track}s; after each test the nodes close first, then the thread and the
 * hosts. Register it with {@code @RegisterExtension}.
 */
final class PubSubFixture implements AfterEachCallback {
  final TestHosts hosts = new TestHosts();
  final ThreadScheduler scheduler;
  private final List<PubSub> nodes = new ArrayList<>();

  /** @param threadName the name of the shared router thread */
  PubSubFixture(String threadName) {
    scheduler = Scheduler.singleThread(threadName);
  }

  /** {@code node}, closed after the test. */
  PubSub track(PubSub node) {
    nodes.add(node);
    return node;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    nodes.forEach(PubSub::close);
    nodes.clear();
    scheduler.close();
    hosts.close();
  }
}
