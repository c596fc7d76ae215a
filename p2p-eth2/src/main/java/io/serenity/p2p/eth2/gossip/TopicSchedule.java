package io.serenity.p2p.eth2.gossip;

import io.serenity.p2p.eth2.network.ForkSchedule;
import io.serenity.p2p.eth2.network.NetworkConfig;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.pubsub.TopicScoreParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which gossip topics a node should be subscribed to at any moment on a chain, fork transitions
 * included (altair {@code p2p-interface.md}, "Transitioning the gossip", which every later fork
 * refers to): a node subscribes to the post-fork topics in advance of the fork, keeps the pre-fork
 * topics after it, and unsubscribes from them two epochs after the fork. Every digest change counts,
 * Fulu's blob-parameter-only forks included.
 *
 * <p>The spec does not say how long in advance. This class subscribes {@value
 * #DEFAULT_SUBSCRIBE_EPOCHS_BEFORE} epochs before the boundary by default, as Teku and Lodestar do
 * (gloas asks for {@code proposer_preferences} at least one epoch before its fork, so one epoch is
 * the least to configure), and unsubscribes {@value #DEFAULT_UNSUBSCRIBE_EPOCHS_AFTER} epochs after,
 * as the spec says. A digest's topics are therefore taken from epoch {@code start - before} to the
 * end of epoch {@code end + after - 1}, where {@code [start, end)} is the span in which the digest
 * is current.
 *
 * <pre>{@code
 * TopicSchedule schedule = TopicSchedule.of(Network.MAINNET.config(), TopicSelection.all());
 * List<Eth2Topic> now = schedule.topicsAt(Instant.now());       // subscribe to exactly these
 * Optional<Instant> next = schedule.nextChange(Instant.now());   // when to look again
 * PeerScoreParams score = schedule.scoreParams(Eth2ScoreParams.of(net, validators), Instant.now());
 * }</pre>
 *
 * <p>It reads no clock: the caller passes the time or the epoch. Immutable and thread-safe.
 */
public final class TopicSchedule {

  /** Epochs before a fork boundary at which its topics are joined, by default. */
  public static final int DEFAULT_SUBSCRIBE_EPOCHS_BEFORE = 2;
  /** Epochs after a fork boundary at which the previous topics are left, by default (the spec's value). */
  public static final int DEFAULT_UNSUBSCRIBE_EPOCHS_AFTER = 2;
  /** The largest lead or tail accepted, in epochs. */
  public static final int MAX_WINDOW_EPOCHS = 1024;

  private final NetworkConfig net;
  private final StandardTopics standard;
  private final TopicSelection selection;
  private final int before;
  private final int after;
  private final List<Span> spans;

  /**
   * One digest and the epochs in which it is current.
   *
   * @param fork the regular fork in force
   * @param digest the fork digest
   * @param start first epoch the digest is current
   * @param end first epoch it no longer is ({@link ForkSchedule#FAR_FUTURE_EPOCH} for the last)
   */
  private record Span(String fork, Bytes4 digest, long start, long end) {}

  private TopicSchedule(NetworkConfig net, StandardTopics standard, TopicSelection selection, int before, int after) {
    this.net = Objects.requireNonNull(net, "net");
    this.standard = Objects.requireNonNull(standard, "standard");
    this.selection = Objects.requireNonNull(selection, "selection");
    if (before < 0 || before > MAX_WINDOW_EPOCHS || after < 0 || after > MAX_WINDOW_EPOCHS) {
      throw new IllegalArgumentException("subscribe lead and unsubscribe delay must be in 0.."
          + MAX_WINDOW_EPOCHS + " epochs, were " + before + " and " + after);
    }
    this.before = before;
    this.after = after;
    this.spans = spans(net.forkSchedule());
    for (Span s : spans) {
      standard.names(s.fork, selection); // fail now on an unknown fork or a subnet out of range
    }
  }

  /**
   * The schedule of a network for a selection, with the subnet counts of its config and the default
   * window (join {@value #DEFAULT_SUBSCRIBE_EPOCHS_BEFORE} epochs before a boundary, leave
   * {@value #DEFAULT_UNSUBSCRIBE_EPOCHS_AFTER} epochs after).
   *
   * @param net the network
   * @param selection the optional subnets and topics
   * @return the schedule
   * @throws IllegalArgumentException when the network has a fork {@link StandardTopics} does not
   *     know, or the selection a subnet a fork does not have
   */
  public static TopicSchedule of(NetworkConfig net, TopicSelection selection) {
    return new TopicSchedule(net, StandardTopics.of(net.chainConfig()), selection,
        DEFAULT_SUBSCRIBE_EPOCHS_BEFORE, DEFAULT_UNSUBSCRIBE_EPOCHS_AFTER);
  }

  /**
   * {@return a copy with another selection}
   *
   * @param v the optional subnets and topics
   */
  public TopicSchedule withSelection(TopicSelection v) {
    return new TopicSchedule(net, standard, v, before, after);
  }

  /**
   * {@return a copy with another transition window}
   *
   * @param subscribeEpochsBefore epochs before a boundary at which its topics are joined (0 joins at the boundary)
   * @param unsubscribeEpochsAfter epochs after a boundary at which the previous topics are left
   *     (0 leaves them at the boundary)
   */
  public TopicSchedule withWindow(int subscribeEpochsBefore, int unsubscribeEpochsAfter) {
    return new TopicSchedule(net, standard, selection, subscribeEpochsBefore, unsubscribeEpochsAfter);
  }

  /** {@return the network} */
  public NetworkConfig network() {
    return net;
  }

  /** {@return the selection} */
  public TopicSelection selection() {
    return selection;
  }

  /** {@return epochs before a boundary at which its topics are joined} */
  public int subscribeEpochsBefore() {
    return before;
  }

  /** {@return epochs after a boundary at which the previous topics are left} */
  public int unsubscribeEpochsAfter() {
    return after;
  }

  private static List<Span> spans(ForkSchedule schedule) {
    List<Span> out = new ArrayList<>();
    long start = 0;
    Bytes4 digest = schedule.forkDigest(0);
    String fork = schedule.forkAt(0).name();
    for (long b : schedule.boundaries()) {
      Bytes4 d = schedule.forkDigest(b);
      String f = schedule.forkAt(b).name();
      if (d.equals(digest) && f.equals(fork)) {
        continue; // nothing changes at this boundary
      }
      out.add(new Span(fork, digest, start, b));
      start = b;
      digest = d;
      fork = f;
    }
    out.add(new Span(fork, digest, start, ForkSchedule.FAR_FUTURE_EPOCH));
    return List.copyOf(out);
  }

  /** First epoch the span's topics are taken. */
  private long joinEpoch(Span s) {
    return s.start <= before ? 0 : s.start - before;
  }

  /** First epoch the span's topics are no longer taken; FAR_FUTURE for the last span. */
  private long leaveEpoch(Span s) {
    if (s.end == ForkSchedule.FAR_FUTURE_EPOCH) {
      return ForkSchedule.FAR_FUTURE_EPOCH;
    }
    long e = s.end + after;
    return Long.compareUnsigned(e, s.end) < 0 ? ForkSchedule.FAR_FUTURE_EPOCH : e; // saturate
  }

  private boolean taken(Span s, long epoch) {
    return Long.compareUnsigned(joinEpoch(s), epoch) <= 0 && Long.compareUnsigned(epoch, leaveEpoch(s)) < 0;
  }

  /**
   * {@return the digests whose topics are taken at {@code epoch}, oldest first: the current one, and
   * around a boundary the previous or the next one}
   *
   * @param epoch an epoch (unsigned)
   */
  public List<Bytes4> digestsAt(long epoch) {
    List<Bytes4> out = new ArrayList<>();
    for (Span s : spans) {
      if (taken(s, epoch)) {
        out.add(s.digest);
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@return the topics to be subscribed to at {@code epoch}: those of every digest of {@link
   * #digestsAt}, each in {@link StandardTopics#names} order, oldest digest first}
   *
   * @param epoch an epoch (unsigned)
   */
  public List<Eth2Topic> topicsAt(long epoch) {
    List<Eth2Topic> out = new ArrayList<>();
    for (Span s : spans) {
      if (taken(s, epoch)) {
        out.addAll(standard.topics(s.fork, s.digest, selection));
      }
    }
    return List.copyOf(out);
  }

  /**
   * {@return the topics to be subscribed to at {@code time} (the epoch of that time; before genesis,
   * epoch 0)}
   *
   * @param time a wall-clock instant
   */
  public List<Eth2Topic> topicsAt(Instant time) {
    return topicsAt(net.epochAt(time));
  }

  /**
   * {@return the topic strings of {@link #topicsAt(Instant)}, ready for {@code subscribe}}
   *
   * @param time a wall-clock instant
   */
  public List<String> topicStringsAt(Instant time) {
    List<String> out = new ArrayList<>();
    for (Eth2Topic t : topicsAt(time)) {
      out.add(t.toString());
    }
    return List.copyOf(out);
  }

  /**
   * {@return the first epoch after {@code epoch} at which the topic set changes, or {@link
   * ForkSchedule#FAR_FUTURE_EPOCH} when it never does}
   *
   * @param epoch an epoch (unsigned)
   */
  public long nextChangeEpoch(long epoch) {
    long next = ForkSchedule.FAR_FUTURE_EPOCH;
    for (Span s : spans) {
      for (long e : new long[] {joinEpoch(s), leaveEpoch(s)}) {
        if (Long.compareUnsigned(e, epoch) > 0 && Long.compareUnsigned(e, next) < 0) {
          next = e;
        }
      }
    }
    return next;
  }

  /**
   * {@return when the topic set changes next after {@code time}: the start of {@link
   * #nextChangeEpoch}; empty when it never does or the instant is beyond what {@link Instant} holds}
   *
   * @param time a wall-clock instant
   */
  public Optional<Instant> nextChange(Instant time) {
    long e = nextChangeEpoch(net.epochAt(time));
    if (e == ForkSchedule.FAR_FUTURE_EPOCH) {
      return Optional.empty();
    }
    try {
      return Optional.of(net.epochStart(e));
    } catch (ArithmeticException | java.time.DateTimeException ex) {
      return Optional.empty();
    }
  }

  /**
   * The peer score parameters for the topics taken at {@code slot}: {@link
   * Eth2ScoreParams#peerScoreParams(Map)} with each topic's parameters from {@link
   * Eth2ScoreParams#topicParams(String, long)}, where the slots in force count from the first slot
   * of the topic's digest, and are negative for a digest joined ahead of its boundary or kept after
   * the next one (mesh delivery scoring is off on those: no messages are due there).
   *
   * @param eth the score inputs
   * @param slot the current slot (unsigned)
   * @return the parameters; recompute at least every epoch and at every topic change
   */
  public PeerScoreParams scoreParams(Eth2ScoreParams eth, long slot) {
    long spe = net.slotsPerEpoch();
    long epoch = Long.divideUnsigned(slot, spe);
    Map<String, TopicScoreParams> map = new LinkedHashMap<>();
    for (Span s : spans) {
      if (!taken(s, epoch)) {
        continue;
      }
      boolean current = Long.compareUnsigned(s.start, epoch) <= 0 && Long.compareUnsigned(epoch, s.end) < 0;
      long inForce = current ? slot - s.start * spe : -1;
      for (Eth2Topic t : standard.topics(s.fork, s.digest, selection)) {
        map.put(t.toString(), eth.topicParams(t.name(), inForce));
      }
    }
    return eth.peerScoreParams(map);
  }

  /**
   * {@return {@link #scoreParams(Eth2ScoreParams, long)} at the slot of {@code time}}
   *
   * @param eth the score inputs
   * @param time a wall-clock instant
   */
  public PeerScoreParams scoreParams(Eth2ScoreParams eth, Instant time) {
    return scoreParams(eth, net.slotAt(time));
  }

  @Override
  public String toString() {
    return "TopicSchedule[" + net.name() + ", " + spans.size() + " digests, join " + before
        + " epochs before, leave " + after + " after]";
  }
}
