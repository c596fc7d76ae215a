package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.host.ResourceLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The resource-limit options of {@code p2p-node run}. */
class RunLimitsTest {

  private static RunCommand parse(String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void optionsSetTheLimits() {
    HostConfig c = parse("--max-inbound-connections", "50", "--max-outbound-connections", "40",
        "--max-streams-per-peer", "300", "--max-buffer-memory", "128", "--max-peer-buffer-memory", "16")
        .applyLimits(HostConfig.defaults());
    assertThat(c.maxInboundConnections()).isEqualTo(50);
    assertThat(c.maxOutboundConnections()).isEqualTo(40);
    ResourceLimits r = c.resources();
    assertThat(r.peerInboundStreams()).isEqualTo(300);
    assertThat(r.peerOutboundStreams()).isEqualTo(300);
    assertThat(r.systemMemory()).isEqualTo(128L << 20);
    assertThat(r.peerMemory()).isEqualTo(16L << 20);
  }

  @Test
  void withoutOptionsTheBaseIsKept() {
    HostConfig base = HostConfig.defaults();
    assertThat(parse().applyLimits(base)).isEqualTo(base);
  }

  @Test
  void nonsenseIsAUsageErrorNamingTheProblem() {
    assertThatThrownBy(() -> parse("--max-streams-per-peer", "0").applyLimits(HostConfig.defaults()))
        .isInstanceOf(UsageException.class).hasMessageContaining("--max-streams-per-peer");
    // a peer may not hold more than the node
    assertThatThrownBy(() -> parse("--max-buffer-memory", "8").applyLimits(HostConfig.defaults()))
        .isInstanceOf(UsageException.class).hasMessageContaining("peerMemory");
    // one peer must be able to fill one stream's read buffer (4 MiB by default)
    assertThatThrownBy(() -> parse("--max-peer-buffer-memory", "2").applyLimits(HostConfig.defaults()))
        .isInstanceOf(UsageException.class).hasMessageContaining("maxStreamReadBuffer");
  }
}
