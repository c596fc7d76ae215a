package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.reqresp.Eth2Methods;
import io.serenity.p2p.eth2.reqresp.ReqResp;
import io.serenity.p2p.eth2.reqresp.ReqRespConfig;
import io.serenity.p2p.eth2.reqresp.ReqRespException;
import io.serenity.p2p.eth2.reqresp.ResultCode;
import io.serenity.p2p.eth2.ssz.Bytes32;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.host.Stream;
import io.serenity.p2p.node.Hostile.Count;
import io.serenity.p2p.node.Hostile.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile req/resp peers against {@code p2p-node run --preset ethereum} (the packaged jar, the
 * limits of the hostile-peer suite): a request flood, stalled requests that never send their
 * request, and malformed or oversized Status requests. Meanwhile an honest peer asks the node for
 * a Ping every 100 ms. Each case asserts that the node stays alive within the suite's memory bound,
 * answers at least 95 % of the honest Pings during the attack and after it, logs a few lines (not
 * thousands), and throttled or refused the attacker as seen from outside. Every loop is bounded in
 * count and time. The figures go to {@code target/hostile-reqresp-report.md}.
 */
class HostileReqRespIT {
  static final String DIGEST = "b5303f2a";
  static final Duration WINDOW = Duration.ofSeconds(8);
  static final Duration AFTER = Duration.ofSeconds(5);
  static final int MAX_LOG_LINES = 40;
  private static final List<String> ROWS = new ArrayList<>();

  enum Attack {
    REQUEST_FLOOD("request flood (Pings, 8 in flight)", "RESOURCE_UNAVAILABLE answers or disconnected"),
    STALLED_REQUESTS("stalled requests (Status streams that never send one)", "streams reset or refused by the node"),
    MALFORMED_STATUS("malformed Status requests (garbage, 1 GiB declared length)", "INVALID_REQUEST answers, resets or disconnected");

    final String title;
    final String sign;

    Attack(String title, String sign) {
      this.title = title;
      this.sign = sign;
    }
  }

  /** A peer on the node's fork digest: Host and req/resp with our Status. */
  private record Client(Host host, ReqResp rr, Connection connection) implements AutoCloseable {
    static Client connect(EventLoopGroup group, Target t) {
      Host h = Host.builder().identity(PrivateKey.generate(KeyType.ED25519)).eventLoopGroup(group)
          .listen("/ip4/127.0.0.1/tcp/0").build();
      Hostile.await(h.start());
      ReqResp rr = ReqResp.create(h, ReqRespConfig.defaults());
      rr.setStatus(new StatusMessage(Bytes4.fromHex(DIGEST), Bytes32.ZERO, 0, Bytes32.ZERO, 0));
      rr.setMetaData(MetaData.empty(0));
      Connection c = Hostile.await(h.connect(t.addr));
      return new Client(h, rr, c);
    }

    @Override
    public void close() {
      rr.close();
      host.close();
    }
  }

  @AfterAll
  static void report() throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("| attack | node peak RSS MiB | honest Pings answered during | after | log lines | throttled or refused | detail |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    ROWS.forEach(r -> b.append(r).append('\n'));
    Path out = Path.of("target", "hostile-reqresp-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, b.toString());
    System.out.println("hostile req/resp suite:\n" + b);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Attack.class)
  void theNodeKeepsAnsweringHonestRequests(Attack attack) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try (NodeProcesses nodes = new NodeProcesses()) {
      Target t = new Target(nodes, 96, 16, List.of("--preset", "ethereum", "--fork-digest", DIGEST));
      try (Client honest = Client.connect(group, t); Client attacker = Client.connect(group, t)) {
        Hostile.await(honest.rr().exchangeStatus(t.id));
        int logsBefore = t.logLines();
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicBoolean stop = new AtomicBoolean();
        Count sent = new Count();
        Count refused = new Count();
        Count accepted = new Count();
        Count disconnected = new Count();
        attacker.connection().closeFuture().thenRun(() -> {
          if (!stop.get()) {
            disconnected.inc();
          }
        });
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + WINDOW.toNanos();
        int workers = attack == Attack.REQUEST_FLOOD ? 8 : 1;
        for (int w = 0; w < workers; w++) {
          Thread th = new Thread(() -> run(attack, attacker, t, deadline, stop, sent, refused, accepted), "attack-" + w);
          th.setDaemon(true);
          threads.add(th);
          th.start();
        }
        // the honest peer: one Ping every 100 ms, answers counted by phase
        List<CompletableFuture<Long>> during = new ArrayList<>();
        List<CompletableFuture<Long>> after = new ArrayList<>();
        long end = deadline + AFTER.toNanos();
        long peakRss = 0;
        long throttledAt = -1;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
          if (attacking.get() && System.nanoTime() >= deadline) {
            attacking.set(false);
            stop.set(true);
          }
          (attacking.get() ? during : after).add(honest.rr().ping(t.id));
          peakRss = Math.max(peakRss, t.rssKiB());
          if (throttledAt < 0 && (refused.get() > 0 || disconnected.get() > 0)) {
            throttledAt = System.nanoTime() - start;
          }
          TimeUnit.MILLISECONDS.sleep(100); // the honest peer's pace, not a synchronisation
        }
        stop.set(true);
        for (Thread th : threads) {
          th.join(10_000);
        }
        double d = answered(during);
        double a = answered(after);
        int logs = t.logLines() - logsBefore;
        boolean alive = t.alive();
        long peakMiB = Math.max(peakRss, t.peakRssKiB()) / 1024;
        synchronized (ROWS) {
          ROWS.add(String.format(Locale.ROOT, "| %s | %d | %.1f %% | %.1f %% | %d | %s | %d requests or streams, %d refused%s |",
              attack.title, peakMiB, 100 * d, 100 * a, logs,
              throttledAt >= 0 ? String.format(Locale.ROOT, "after %.1f s (%s)", throttledAt / 1e9, attack.sign)
                  : "NO (" + attack.sign + ")",
              sent.get(), refused.get(), disconnected.get() > 0 ? ", disconnected by the node" : ""));
        }
        assertThat(alive).as("the node is alive after " + attack.title).isTrue();
        assertThat(peakMiB * 1024).as("peak RSS KiB").isLessThanOrEqualTo(Hostile.MEMORY_BOUND_KIB);
        assertThat(d).as("honest Pings answered during " + attack.title).isGreaterThanOrEqualTo(0.95);
        assertThat(a).as("honest Pings answered after " + attack.title).isGreaterThanOrEqualTo(0.95);
        assertThat(logs).as("log lines during %s: %s", attack.title, t.logsFrom(logsBefore)).isLessThanOrEqualTo(MAX_LOG_LINES);
        if (attack == Attack.MALFORMED_STATUS) {
          assertThat(accepted.get()).as("malformed Status requests answered with success").isZero();
        }
        assertThat(throttledAt).as("the node throttled or refused the attacker (%s)", attack.sign).isGreaterThanOrEqualTo(0);
      }
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** The share of {@code pings} answered, waiting at most 5 s for the last ones. */
  private static double answered(List<CompletableFuture<Long>> pings) throws InterruptedException {
    if (pings.isEmpty()) {
      return 1.0;
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int ok = 0;
    for (CompletableFuture<Long> p : pings) {
      try {
        p.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        ok++;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // not answered
      }
    }
    return (double) ok / pings.size();
  }

  private static void run(Attack attack, Client c, Target t, long deadline, AtomicBoolean stop, Count sent, Count refused,
      Count accepted) {
    Random r = new Random();
    String status = Eth2Methods.STATUS.protocolId();
    ConcurrentLinkedQueue<Stream> held = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(64);
    try {
      for (int i = 0; i < 20_000 && !stop.get() && System.nanoTime() < deadline; i++) {
        switch (attack) {
          case REQUEST_FLOOD -> {
            sent.inc();
            try {
              c.rr().ping(t.id).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
              if (e.getCause() instanceof ReqRespException x && x.code() == ResultCode.RESOURCE_UNAVAILABLE) {
                refused.inc();
              }
            }
          }
          case STALLED_REQUESTS -> {
            inFlight.acquire();
            sent.inc();
            c.host().newStream(t.id, status).whenComplete((s, e) -> {
              inFlight.release();
              if (e != null) {
                refused.inc();
                return;
              }
              held.add(s); // never a request: the node must not wait for it forever
              s.closeFuture().thenRun(() -> {
                if (!stop.get()) {
                  refused.inc();
                }
              });
            });
          }
          case MALFORMED_STATUS -> {
            sent.inc();
            Stream s = c.host().newStream(t.id, status).get(5, TimeUnit.SECONDS);
            byte[] req;
            if (i % 2 == 0) {
              req = new byte[1 + 96];
              r.nextBytes(req);
              req[0] = 84; // the right length, then garbage where snappy frames should be
            } else {
              req = new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04}; // 2^30 declared
            }
            s.write(req).thenCompose(v -> s.closeWrite());
            try {
              byte[] code = s.readExactly(1).get(5, TimeUnit.SECONDS);
              if (code[0] == ResultCode.INVALID_REQUEST || code[0] == ResultCode.RESOURCE_UNAVAILABLE) {
                refused.inc(); // told off, or rate-limited first
              } else {
                accepted.inc(); // a malformed request answered with anything else is a bug
              }
            } catch (ExecutionException e) {
              refused.inc(); // reset by the node
            }
            s.reset();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the node cut us off: counted by the connection's close
    } finally {
      held.forEach(Stream::reset);
    }
  }
}
