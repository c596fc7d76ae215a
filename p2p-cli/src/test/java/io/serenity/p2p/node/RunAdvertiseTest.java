package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.host.HostConfig;
import io.serenity.p2p.server.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --advertise option of {@code p2p-node run}. */
class RunAdvertiseTest {

  private static final PrivateKey KEY = PrivateKey.fromSeed(KeyType.SECP256K1, 1);

  private static ServerConfig config(Bytes4 digest, String... args) {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.serverConfig(KEY, List.of("/ip4/0.0.0.0/tcp/9000"), List.of(HostConfig.YAMUX), digest);
  }

  @Test
  void advertisedAddressesReachTheHostConfigInOrder() {
    List<Multiaddr> want =
        List.of(Multiaddr.parse("/ip4/203.0.113.7/tcp/9000"), Multiaddr.parse("/dns4/node.example.org/tcp/9000"));
    String[] args = {"--advertise", "/ip4/203.0.113.7/tcp/9000", "--advertise", "/dns4/node.example.org/tcp/9000"};
    assertThat(config(null, args).hostConfig().advertiseAddrs()).isEqualTo(want);
    String[] ethereum = {"--preset", "ethereum", args[0], args[1], args[2], args[3]};
    assertThat(config(new Bytes4(new byte[] {1, 2, 3, 4}), ethereum).hostConfig().advertiseAddrs()).isEqualTo(want);
  }

  @Test
  void withoutTheOptionNothingIsAdvertised() {
    assertThat(config(null).hostConfig().advertiseAddrs()).isEmpty();
  }

  @Test
  void aBadAddressIsAUsageErrorNamingTheOption() {
    assertThatThrownBy(() -> config(null, "--advertise", "ip4/203.0.113.7/tcp/9000"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--advertise 'ip4/203.0.113.7/tcp/9000': ");
    String id = io.serenity.p2p.core.PeerId.fromPublicKey(KEY.publicKey()).toBase58();
    assertThatThrownBy(() -> config(null, "--advertise", "/ip4/203.0.113.7/tcp/9000/p2p/" + id))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--advertise: ")
        .hasMessageContaining("/p2p");
    assertThatThrownBy(() -> config(null, "--advertise", "/ip4/0.0.0.0/tcp/9000"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--advertise: ")
        .hasMessageContaining("wildcard");
  }
}
