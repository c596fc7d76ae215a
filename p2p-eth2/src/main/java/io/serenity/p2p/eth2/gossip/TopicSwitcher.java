package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.core.internal.RateLimitedLog;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.TopicScoreParams;
import io.serenity.p2p.server.Server;
import io.serenity.p2p.time.Scheduler;
import io.serenity.p2p.time.ThreadScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link TopicSchedule} to a running node: it takes the topics the schedule holds now
 * and, as the wall clock crosses each change ({@link TopicSchedule#nextChange}), takes the next
 * fork's topics ahead of its boundary and leaves the previous fork's topics once the overlap ends
 * ({@link Server#leaveTopic}). With score inputs it also keeps the topics' gossipsub score
 * parameters ({@link TopicSchedule#scoreParams(Eth2ScoreParams, Instant)}) up to date, every epoch.
 *
 * <p>Taking a topic is the application's: the {@link Joiner} joins or registers it on the server
 * and adds its validator, so each fork's topics get the application's handling. A topic the server
 * already holds when it becomes due is adopted without calling the joiner. A joiner that throws
 * (or returns without the server holding the topic) is logged and counted in {@link #failures()},
 * and the topic is tried again a few seconds later.
 *
 * <pre>{@code
 * TopicSchedule schedule = TopicSchedule.of(net, selection);
 * TopicSwitcher switcher = TopicSwitcher.builder(node, schedule, topic -> {
 *       Feed<Message<byte[]>> feed = node.server().joinTopic(topic.toString());
 *       feed.subscribe(m -> handle(topic, m));             // decode by topic.name() and digest
 *       node.server().pubSub().addValidator(topic.toString(), validatorFor(topic));
 *     })
 *     .scoreParams(Eth2ScoreParams.of(net, activeValidators))
 *     .build();
 * node.start();
 * switcher.start().join();   // the topics of now are taken
 * ...
 * switcher.stop();           // before node.stop()
 * }</pre>
 *
 * <p>It wakes at the next change and, with score inputs, at every epoch start (the schedule changes
 * only at epoch starts), and never sleeps longer than {@value #MAX_WAIT_MINUTES} minutes, so a
 * wall clock that is set forward or back is followed. All its work runs on its scheduler, one step
 * at a time; tests give it a {@link io.serenity.p2p.time.ManualScheduler} and a clock derived from
 * it.
 */
public final class TopicSwitcher implements AutoCloseable {

  /** The longest time between two checks, in minutes. */
  public static final int MAX_WAIT_MINUTES = 10;
  /** The wait before a topic whose joiner failed is tried again. */
  public static final Duration RETRY = Duration.ofSeconds(6);

  private static final Logger LOG = LoggerFactory.getLogger(TopicSwitcher.class);
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);
  private static final Duration MAX_WAIT = Duration.ofMinutes(MAX_WAIT_MINUTES);

  /** Takes one topic: joins or registers it on the server, with its validator and consumers. */
  @FunctionalInterface
  public interface Joiner {
    /**
     * Takes {@code topic}; called on the switcher's scheduler, once each time the topic becomes due.
     *
     * @param topic the topic, with its fork digest
     */
    void join(Eth2Topic topic);
  }

  /** What the switcher needs of the node; {@link #of(Server)} is the server itself. */
  interface Node {
    /** {@return whether the node holds {@code topic} (registered or joined)} */
    boolean holds(String topic);

    /** Leaves {@code topic}. */
    void leave(String topic);

    /** Scores {@code topic} with {@code params}; false when that is not possible yet (not started). */
    boolean setScoreParams(String topic, TopicScoreParams params);

    static Node of(Server server) {
      return new Node() {
        @Override
        public boolean holds(String topic) {
          return server.topicNames().contains(topic);
        }

        @Override
        public void leave(String topic) {
          server.leaveTopic(topic);
        }

        @Override
        public boolean setScoreParams(String topic, TopicScoreParams params) {
          try {
            server.pubSub().setTopicScoreParams(topic, params);
            return true;
          } catch (IllegalStateException notRunning) {
            return false;
          }
        }
      };
    }
  }

  private final Node node;
  private final Joiner joiner;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final boolean ownScheduler;
  private volatile TopicSchedule schedule;
  private volatile Eth2ScoreParams score;
  /** Topics this switcher took (joined or adopted) and still holds; written on the scheduler only. */
  private final Set<String> held = new LinkedHashSet<>();
  private volatile Set<String> heldView = Set.of();
  private final AtomicLong joins = new AtomicLong();
  private final AtomicLong leaves = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong checks = new AtomicLong();
  private Scheduler.Cancellable next; // on the scheduler only
  private volatile boolean started;
  private volatile boolean stopped;

  private TopicSwitcher(Builder b) {
    this.node = b.node;
    this.joiner = b.joiner;
    this.schedule = b.schedule;
    this.score = b.score;
    this.clock = b.clock;
    this.ownScheduler = b.scheduler == null;
    this.scheduler = ownScheduler ? Scheduler.singleThread("eth2-topic-switcher") : b.scheduler;
  }

  /**
   * {@return a builder for a switcher of {@code server}'s topics}
   *
   * @param server the server whose topics follow the schedule
   * @param schedule which topics to hold when
   * @param joiner takes each topic as it becomes due
   */
  public static Builder builder(Server server, TopicSchedule schedule, Joiner joiner) {
    return new Builder(Node.of(Objects.requireNonNull(server, "server")), schedule, joiner);
  }

  /**
   * {@return a builder for a switcher of {@code node}'s topics}
   *
   * @param node the Ethereum node whose topics follow the schedule
   * @param schedule which topics to hold when
   * @param joiner takes each topic as it becomes due
   */
  public static Builder builder(Eth2Server node, TopicSchedule schedule, Joiner joiner) {
    return builder(Objects.requireNonNull(node, "node").server(), schedule, joiner);
  }

  static Builder builder(Node node, TopicSchedule schedule, Joiner joiner) {
    return new Builder(node, schedule, joiner);
  }

  /** Settings of a {@link TopicSwitcher}. */
  public static final class Builder {
    private final Node node;
    private final TopicSchedule schedule;
    private final Joiner joiner;
    private InstantSource clock = InstantSource.system();
    private Scheduler scheduler;
    private Eth2ScoreParams score;

    private Builder(Node node, TopicSchedule schedule, Joiner joiner) {
      this.node = Objects.requireNonNull(node, "node");
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      this.joiner = Objects.requireNonNull(joiner, "joiner");
    }

    /**
     * The wall clock the schedule is read on (default: the system clock).
     *
     * @param v the clock
     * @return this builder
     */
    public Builder clock(InstantSource v) {
      this.clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    /**
     * Where the switching runs (default: a daemon thread of the switcher's own, stopped with it); a
     * {@link io.serenity.p2p.time.ManualScheduler} runs it on virtual time.
     *
     * @param v the scheduler, owned by the caller
     * @return this builder
     */
    public Builder scheduler(Scheduler v) {
      this.scheduler = Objects.requireNonNull(v, "scheduler");
      return this;
    }

    /**
     * Keeps the held topics' score parameters from these inputs, refreshed every epoch and at every
     * change (default: none; the server's own scoring stays). Applied once the server runs; its
     * initial {@link io.serenity.p2p.server.ServerConfig#peerScoreParams()} should come from {@link
     * TopicSchedule#scoreParams(Eth2ScoreParams, Instant)} too.
     *
     * @param v the score inputs
     * @return this builder
     */
    public Builder scoreParams(Eth2ScoreParams v) {
      this.score = Objects.requireNonNull(v, "scoreParams");
      return this;
    }

    /** {@return the switcher; nothing runs until {@link TopicSwitcher#start()}} */
    public TopicSwitcher build() {
      return new TopicSwitcher(this);
    }
  }

  /**
   * Takes the topics the schedule holds now and from then on follows it.
   *
   * @return completes once the topics of now are taken (on a manual scheduler, when it runs)
   * @throws IllegalStateException when started before or stopped
   */
  public synchronized CompletableFuture<Void> start() {
    if (stopped) {
      throw new IllegalStateException("stopped");
    }
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> {
      try {
        check();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /**
   * Follows {@code v} from now on (for example with a new {@link TopicSelection} when the node's
   * subnets change) and applies it at once: topics it adds are taken, those it drops are left.
   *
   * @param v the new schedule
   * @return completes once applied
   */
  public CompletableFuture<Void> setSchedule(TopicSchedule v) {
    this.schedule = Objects.requireNonNull(v, "schedule");
    return recheck();
  }

  /**
   * Scores with {@code v} from now on (for example as the active validator count moves) and applies
   * it at once.
   *
   * @param v the score inputs
   * @return completes once applied
   */
  public CompletableFuture<Void> setScoreParams(Eth2ScoreParams v) {
    this.score = Objects.requireNonNull(v, "scoreParams");
    return recheck();
  }

  private CompletableFuture<Void> recheck() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!started || stopped) {
      done.complete(null); // start() or nothing applies it
      return done;
    }
    scheduler.execute(() -> {
      check();
      done.complete(null);
    });
    return done;
  }

  /** {@return the schedule followed} */
  public TopicSchedule schedule() {
    return schedule;
  }

  /** {@return the topics this switcher took and still holds, in the order taken} */
  public Set<String> heldTopics() {
    return heldView;
  }

  /** {@return topics taken through the joiner so far} */
  public long joins() {
    return joins.get();
  }

  /** {@return topics left so far} */
  public long leaves() {
    return leaves.get();
  }

  /** {@return joiner calls that failed (threw, or did not leave the topic held)} */
  public long failures() {
    return failures.get();
  }

  /** {@return how many times the schedule was checked} */
  public long checks() {
    return checks.get();
  }

  /** One check, on the scheduler: take what is due, leave what is over, refresh scores, sleep. */
  private void check() {
    if (stopped) {
      return;
    }
    checks.incrementAndGet();
    if (next != null) {
      next.cancel();
      next = null;
    }
    TopicSchedule s = schedule;
    NetworkConfig net = s.network();
    Instant now = clock.instant();
    long epoch = net.epochAt(now);
    List<Eth2Topic> due = s.topicsAt(epoch);
    Set<String> dueNames = new LinkedHashSet<>();
    boolean failed = false;
    int joined = 0;
    int left = 0;
    // the next fork's topics first, then the previous fork's are left: never a moment without either
    for (Eth2Topic t : due) {
      String name = t.toString();
      dueNames.add(name);
      if (held.contains(name) && node.holds(name)) {
        continue;
      }
      if (node.holds(name)) {
        held.add(name); // the application took it already
        continue;
      }
      try {
        joiner.join(t);
      } catch (RuntimeException e) {
        failed = true;
        failures.incrementAndGet();
        RLOG.warn("could not take topic {}: {} (trying again in {} s)", name, e.toString(), RETRY.toSeconds());
        continue;
      }
      if (!node.holds(name)) {
        failed = true;
        failures.incrementAndGet();
        RLOG.warn("the joiner returned without taking topic {} (trying again in {} s)", name, RETRY.toSeconds());
        continue;
      }
      held.add(name);
      joins.incrementAndGet();
      joined++;
    }
    for (String name : List.copyOf(held)) {
      if (dueNames.contains(name)) {
        continue;
      }
      held.remove(name);
      try {
        node.leave(name);
        leaves.incrementAndGet();
        left++;
      } catch (RuntimeException e) {
        RLOG.warn("could not leave topic {}: {}", name, e.toString());
      }
    }
    heldView = Set.copyOf(held);
    if (joined > 0 || left > 0) {
      LOG.info("epoch {}: took {} topics, left {}; holding {} of digests {}", epoch, joined, left, held.size(),
          s.digestsAt(epoch).stream().map(d -> d.toHex()).toList());
    }
    Eth2ScoreParams eth = score;
    if (eth != null) {
      PeerScoreParams p = s.scoreParams(eth, net.slotAt(now));
      for (var e : p.topics().entrySet()) {
        if (!node.setScoreParams(e.getKey(), e.getValue())) {
          break; // not running yet: the next check applies them
        }
      }
    }
    Duration wait = waitFrom(s, net, now, epoch, eth != null);
    if (failed && wait.compareTo(RETRY) > 0) {
      wait = RETRY;
    }
    next = scheduler.schedule(wait, this::check);
  }

  /** Until the next change (with scoring, the next epoch start), at most {@link #MAX_WAIT}. */
  private static Duration waitFrom(TopicSchedule s, NetworkConfig net, Instant now, long epoch, boolean everyEpoch) {
    Optional<Instant> at = s.nextChange(now);
    if (everyEpoch) {
      try {
        Instant epochEnd = net.epochStart(epoch + 1);
        at = Optional.of(at.filter(a -> a.isBefore(epochEnd)).orElse(epochEnd));
      } catch (ArithmeticException | java.time.DateTimeException e) {
        // beyond what an Instant holds: keep the change, if any
      }
    }
    Duration d = at.map(a -> Duration.between(now, a)).orElse(MAX_WAIT);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
  }

  /**
   * Stops following the schedule; the topics held stay held (the server's {@code stop()} leaves
   * them). Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    scheduler.execute(() -> {
      if (next != null) {
        next.cancel();
        next = null;
      }
    });
    if (ownScheduler && scheduler instanceof ThreadScheduler t) {
      t.close();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "TopicSwitcher[" + schedule + ", holding " + heldView.size() + " topics]";
  }
}
