package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.pubsub.PeerScoreParams;
import io.serenity.p2p.server.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --scoring option of {@code p2p-node run} and {@code devnet}. */
class RunScoringTest {

  private static final PrivateKey KEY = PrivateKey.fromSeed(KeyType.SECP256K1, 1);

  private static ServerConfig config(Bytes4 digest, String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.serverConfig(KEY, List.of("/ip4/127.0.0.1/tcp/0"), List.of(HostConfig.YAMUX), digest);
  }

  @Test
  void standardLeavesTheServersOwnScoring() {
    assertThat(config(null).peerScoreParams()).isEmpty();
    assertThat(config(null, "--scoring", "standard").peerScoreParams()).isEmpty();
  }

  @Test
  void offSetsNeutralParametersThatScoreNoTopic() {
    PeerScoreParams off = config(null, "--scoring", "off").peerScoreParams().orElseThrow();
    assertThat(off.topics()).isEmpty();
    assertThat(off.ipColocationFactorWeight()).isZero();
    assertThat(off.behaviourPenaltyWeight()).isZero();
    PeerScoreParams ethereumOff = config(new Bytes4(new byte[] {1, 2, 3, 4}), "--preset", "ethereum", "--scoring", "off")
        .peerScoreParams().orElseThrow();
    assertThat(ethereumOff.topics()).isEmpty();
  }

  @Test
  void anUnknownValueIsAUsageErrorNamingTheOption() {
    assertThatThrownBy(() -> config(null, "--scoring", "loud"))
        .isInstanceOf(UsageException.class).hasMessageContaining("--scoring").hasMessageContaining("'loud'");
  }
}
