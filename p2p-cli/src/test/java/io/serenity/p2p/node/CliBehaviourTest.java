package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Exit codes, the version, logging options and the ping summary, without processes. */
class CliBehaviourTest {

  @Test
  void versionIsTheBuildsOnEveryCommand() {
    String v = Main.version();
    assertThat(v).isNotEqualTo("unknown").doesNotContain("${");
    for (String cmd : List.of("run", "devnet", "ping", "identity", "sim")) {
      CliRun r = CliRun.of(cmd, "--version");
      assertThat(r.exit()).as(cmd).isZero();
      assertThat(r.output().trim()).as(cmd).isEqualTo("serenity-p2p " + v);
    }
    assertThat(CliRun.of("--version").output().trim()).isEqualTo("serenity-p2p " + v);
  }

  @Test
  void exitCodesAreZeroOkOneFailureTwoUsage() {
    assertThat(CliRun.of("identity", "--ephemeral").exit()).isZero();
    assertThat(CliRun.of("identity", "--key-type", "rsa").exit()).isEqualTo(2);
    assertThat(CliRun.of("identity", "--no-such-option").exit()).isEqualTo(2);
    CliRun badLevel = CliRun.of("identity", "--ephemeral", "--log-level", "loud");
    assertThat(badLevel.exit()).isEqualTo(2);
    assertThat(badLevel.output()).contains("--log-level").contains("'loud'");
    assertThat(CliRun.of("identity", "--ephemeral", "--log-format", "xml").exit()).isEqualTo(2);
    // a runtime failure: a port that cannot be bound (a non-local address)
    assertThat(CliRun.of("ping", "--timeout", "1", "-c", "1", "/ip4/127.0.0.1/tcp/1/p2p/"
        + "16Uiu2HAm1nUzYvqz7y1bmkkU9kcVC6BseEBko3kkAuUmFK5TVNTY").exit()).isEqualTo(1);
  }

  @Test
  void helpIsNotBrokenInsideValues() {
    CliRun r = CliRun.of("run", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.output()).contains("~/.local/share/serenity-p2p").contains("/ip4/0.0.0.0/tcp/9000");
  }

  @Test
  void jsonLogLinesCarryTimeLevelLoggerAndMessage() throws Exception {
    Logging.JsonLineLayout layout = new Logging.JsonLineLayout();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("io.serenity.p2p.host.Host"), Level.WARN,
        "peer {} misbehaved", new IllegalStateException("boom"), new Object[] {"abc"});
    e.setTimeStamp(0);
    String line = layout.doLayout(e);
    assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
    JsonNode j = new ObjectMapper().readTree(line);
    assertThat(j.get("ts").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(j.get("level").asText()).isEqualTo("WARN");
    assertThat(j.get("logger").asText()).isEqualTo("io.serenity.p2p.host.Host");
    assertThat(j.get("msg").asText()).isEqualTo("peer abc misbehaved");
    assertThat(j.get("error").asText()).contains("IllegalStateException: boom");
  }

  @Test
  void theLogLevelOptionSetsTheRootLevel() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    try {
      assertThat(CliRun.of("identity", "--ephemeral", "--log-level", "warn").exit()).isZero();
      assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    } finally {
      Logging.configure(Level.INFO, false);
    }
  }

  @Test
  void pingSummaryCountsLossAndRoundTrips() {
    String s = PingCommand.summary("peer", 4, List.of(Duration.ofMillis(2), Duration.ofMillis(4), Duration.ofMillis(9)),
        3012);
    assertThat(s).contains("--- peer ping statistics ---")
        .contains("4 sent, 3 received, 25% loss, time 3012 ms")
        .contains("rtt min/avg/max = 2.000/5.000/9.000 ms");
    assertThat(PingCommand.summary("peer", 2, List.of(), 10)).contains("2 sent, 0 received, 100% loss")
        .doesNotContain("rtt");
  }
}
