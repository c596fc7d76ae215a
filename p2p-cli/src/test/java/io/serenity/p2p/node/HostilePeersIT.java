package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.node.Hostile.Attack;
import io.serenity.p2p.node.Hostile.Honest;
import io.serenity.p2p.node.Hostile.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-peer suite: each attack runs against a {@code p2p-node run} process (384 MiB heap,
 * 128 MiB direct memory, 96 MiB of unread stream bytes, 16 MiB per peer, unless the attack sets
 * lower limits to reach them sooner) while a publisher and a
 * subscriber, connected only through it, exchange 20 messages a second. Each asserts that the node
 * stays alive, its resident memory stays within heap + direct + 256 MiB, at least 95 % of the honest
 * messages arrive during the attack and after it, the node logs a few lines (not thousands), and,
 * where the node must act, that it throttled or dropped the attacker. Every attack is bounded in
 * count and time. The figures go to {@code target/hostile-report.md}.
 */
class HostilePeersIT {

  static final int HONEST_RATE = 20;
  static final Duration AFTER = Duration.ofSeconds(5);
  static final int MAX_LOG_LINES = 40;

  record Outcome(String attack, long peakRssMiB, double during, double after, int logLines, String throttle,
      String detail, boolean alive) {}

  private static final List<Outcome> OUTCOMES = new ArrayList<>();
  private static EventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void report() throws Exception {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    StringBuilder b = new StringBuilder();
    b.append("| attack | node peak RSS MiB | honest delivery during | after | log lines | throttled or dropped | detail |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (Outcome o : OUTCOMES) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %.1f %% | %.1f %% | %d | %s | %s |%n", o.attack(), o.peakRssMiB(),
          100 * o.during(), 100 * o.after(), o.logLines(), o.throttle(), o.detail()));
    }
    Path out = Path.of("target", "hostile-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, b.toString(), StandardCharsets.UTF_8);
    System.out.println("hostile-peer suite:\n" + b);
  }

  static Stream<Arguments> attacks() {
    List<Supplier<Attack>> all = List.of(
        () -> new HostileAttacks.Garbage("garbage instead of multistream", new byte[0]),
        () -> new HostileAttacks.Garbage("garbage after the multistream header", HostileAttacks.MULTISTREAM_HEADER),
        () -> new HostileAttacks.Stall(false),
        () -> new HostileAttacks.Stall(true),
        HostileAttacks.StreamFlood::new,
        HostileAttacks.OpenResetChurn::new,
        HostileAttacks.PartialRpcFlood::new,
        HostileAttacks.HugeLengthPrefix::new,
        HostileAttacks.IHaveFlood::new,
        HostileAttacks.ControlFlood::new,
        HostileAttacks.SubscriptionSpam::new,
        HostileAttacks.BadSignatures::new,
        HostileAttacks.WindowOverrun::new,
        HostileAttacks.MplexOversize::new,
        HostileAttacks.SlowReader::new,
        HostileAttacks.SybilFlood::new);
    // -Dhostile.attack=<part of a name> runs only the matching attacks
    String only = System.getProperty("hostile.attack", "");
    return all.stream().filter(s -> s.get().name().contains(only)).map(s -> Arguments.of(s.get().name(), s));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void theNodeSurvivesAndKeepsDeliveringHonestTraffic(String name, Supplier<Attack> make) throws Exception {
    try (NodeProcesses nodes = new NodeProcesses()) {
      Attack attack = make.get();
      Target target = new Target(nodes, attack.bufferLimitsMiB()[0], attack.bufferLimitsMiB()[1]);
      try (Honest honest = new Honest(group, target)) {
        honest.size(attack.honestSize());
        honest.start(HONEST_RATE);
        int logsBefore = target.logLines();
        int seqStart = honest.next.get();
        long start = System.nanoTime();
        long windowEnd = start + attack.window().toNanos();
        long afterEnd = windowEnd + AFTER.toNanos();
        long throttledAt = -1;
        Boolean sign = null;
        int seqEnd = -1;
        long peakRss = 0;
        attack.start(target, group);
        while (System.nanoTime() < afterEnd) {
          long now = System.nanoTime();
          if (seqEnd < 0 && now >= windowEnd) {
            seqEnd = honest.next.get();
            attack.close();
          }
          peakRss = Math.max(peakRss, target.rssKiB());
          if (throttledAt < 0) {
            sign = attack.throttled(target);
            if (Boolean.TRUE.equals(sign)) {
              throttledAt = now - start;
            }
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // sampling period of an outside observer
        }
        if (seqEnd < 0) {
          seqEnd = honest.next.get();
          attack.close();
        }
        int seqAfter = honest.next.get();
        double during = honest.delivered(seqStart, seqEnd, Duration.ofSeconds(5));
        double after = honest.delivered(seqEnd, seqAfter, Duration.ofSeconds(5));
        int logs = target.logLines() - logsBefore;
        boolean alive = target.alive();
        long peakMiB = Math.max(peakRss, target.peakRssKiB()) / 1024;
        String throttle = throttledAt >= 0
            ? String.format(Locale.ROOT, "after %.1f s (%s)", throttledAt / 1e9, attack.throttleSign())
            : sign == null ? "not needed" : "NO (" + attack.throttleSign() + ")";
        Outcome o = new Outcome(name, peakMiB, during, after, logs, throttle, attack.detail(), alive);
        synchronized (OUTCOMES) {
          OUTCOMES.add(o);
        }
        assertThat(alive).as("the node is alive after " + name).isTrue();
        assertThat(peakMiB * 1024).as("peak RSS KiB").isLessThanOrEqualTo(Hostile.MEMORY_BOUND_KIB);
        assertThat(during).as("honest delivery during " + name).isGreaterThanOrEqualTo(0.95);
        assertThat(after).as("honest delivery after " + name).isGreaterThanOrEqualTo(0.95);
        assertThat(logs).as("log lines during %s: %s", name, target.logsFrom(logsBefore)).isLessThanOrEqualTo(MAX_LOG_LINES);
        if (sign != null) {
          assertThat(throttledAt).as("the node throttled or dropped the attacker (%s)", attack.throttleSign())
              .isGreaterThanOrEqualTo(0);
        }
      } finally {
        attack.close();
      }
    }
  }
}
