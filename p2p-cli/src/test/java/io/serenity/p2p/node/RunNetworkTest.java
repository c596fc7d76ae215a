package io.serenity.p2p.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.serenity.p2p.discv5.crypto.RandomSource;
import io.serenity.p2p.discv5.service.Discv5Config;
import io.serenity.p2p.discv5.service.Discv5Service;
import io.serenity.p2p.discv5.table.TableEntry;
import io.serenity.p2p.eth2.discovery.EthEnr;
import io.serenity.p2p.eth2.enr.Enr;
import io.serenity.p2p.eth2.network.Network;
import io.serenity.p2p.eth2.network.NetworkConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --network ...}: the dry run, the options' checks, and a short run against a loopback bootnode. */
@Timeout(120)
class RunNetworkTest {

  @Test
  void dryRunOnMainnetPrintsTheEnrForkDigestAndTopics() throws Exception {
    CliRun r = CliRun.of("run", "--network", "mainnet", "--dry-run", "--ephemeral", "--json",
        "--listen", "/ip4/0.0.0.0/tcp/9200", "--discovery-port", "9100", "--enr-address", "203.0.113.7");
    assertThat(r.exit()).as(r.output()).isZero();
    Map<String, JsonNode> ev = r.events();
    NetworkConfig net = Network.MAINNET.config();
    Instant now = Instant.now();
    String digest = ev.get("network").get("forkDigest").asText();
    // the digest of the wall clock (a boundary between the two readings would differ: not on mainnet's schedule now)
    assertThat(digest).isEqualTo(net.currentForkDigest(now).toHex());
    Enr enr = Enr.fromText(ev.get("enr").get("enr").asText());
    assertThat(enr.ip()).contains(InetAddress.getByName("203.0.113.7"));
    assertThat(enr.tcp()).hasValue(9200);
    assertThat(enr.udp()).hasValue(9100);
    assertThat(EthEnr.forkDigest(enr).map(Object::toString)).contains(net.currentForkDigest(now).toString());
    assertThat(enr.attnets()).isPresent();
    assertThat(enr.syncnets()).isPresent();
    boolean fulu = EthEnr.isFuluOrLater(net, net.epochAt(now));
    assertThat(EthEnr.custodyGroupCount(enr).isPresent()).isEqualTo(fulu);
    assertThat(EthEnr.nextForkDigest(enr).isPresent()).isEqualTo(fulu);
    List<String> topics = new ArrayList<>();
    ev.get("topics").get("topics").forEach(t -> topics.add(t.asText()));
    assertThat(topics).contains("/eth2/" + digest + "/beacon_block/ssz_snappy",
        "/eth2/" + digest + "/beacon_aggregate_and_proof/ssz_snappy");
    if (fulu) { // the four data column subnets of our custody (cgc 4), from the node id
      List<String> columns = EthEnr.custodyGroups(enr.nodeId(), 4, 128).stream()
          .map(g -> "/eth2/" + digest + "/data_column_sidecar_" + g + "/ssz_snappy").toList();
      assertThat(topics).containsAll(columns);
    }
    assertThat(ev.get("bootnodes").get("bootnodes")).hasSize(net.bootnodes().size());
    assertThat(ev).containsKey("dry_run");
  }

  @Test
  void dryRunWithAQuicPortPublishesQuicInTheEnr() throws Exception {
    CliRun r = CliRun.of("run", "--network", "mainnet", "--dry-run", "--ephemeral", "--json",
        "--listen", "/ip4/0.0.0.0/tcp/9200", "--quic-port", "9201", "--enr-address", "203.0.113.7");
    assertThat(r.exit()).as(r.output()).isZero();
    JsonNode ev = r.events().get("enr");
    Enr enr = Enr.fromText(ev.get("enr").asText());
    assertThat(enr.quic()).hasValue(9201);
    assertThat(enr.tcp()).hasValue(9200);
    assertThat(ev.get("quic").asInt()).isEqualTo(9201);
    assertThat(ev.get("tcp").asInt()).isEqualTo(9200);
    assertThat(enr.dialMultiaddrs().get(0).toString()).startsWith("/ip4/203.0.113.7/udp/9201/quic-v1/p2p/");
    CliRun text = CliRun.of("run", "--network", "mainnet", "--dry-run", "--ephemeral", "--quic-port", "9201",
        "--enr-address", "203.0.113.7");
    assertThat(text.output()).contains("ip 203.0.113.7, quic 9201, tcp 9000, udp 9000; peers dial "
        + "/ip4/203.0.113.7/udp/9201/quic-v1/p2p/");
    CliRun without = CliRun.of("run", "--network", "mainnet", "--dry-run", "--ephemeral", "--json",
        "--enr-address", "203.0.113.7");
    assertThat(Enr.fromText(without.events().get("enr").get("enr").asText()).quic()).isEmpty();
  }

  @Test
  void theTextDryRunPrintsTheEnrOnALineOfItsOwn() {
    CliRun r = CliRun.of("run", "--network", "sepolia", "--dry-run", "--ephemeral", "--enr-address", "203.0.113.7");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).containsPattern("(?m)^enr:[A-Za-z0-9_-]+$").contains("network sepolia: epoch ");
  }

  @Test
  void networkConfigReadsAConfigYaml(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, """
        PRESET_BASE: 'minimal'
        CONFIG_NAME: 'local'
        GENESIS_FORK_VERSION: 0x00000001
        ALTAIR_FORK_VERSION: 0x01000001
        ALTAIR_FORK_EPOCH: 0
        SECONDS_PER_SLOT: 6
        GAS_LIMIT_SCHEDULE:
          - EPOCH: 10
            GAS_LIMIT: 60000000
        """);
    CliRun r = CliRun.of("run", "--network-config", file.toString(), "--genesis-time", "1700000000",
        "--genesis-validators-root", "0x" + "11".repeat(32), "--dry-run", "--ephemeral", "--json",
        "--bootnodes", "/ip4/127.0.0.1/tcp/9000/p2p/16Uiu2HAm1nUzYvqz7y1bmkkU9kcVC6BseEBko3kkAuUmFK5TVNTY");
    assertThat(r.exit()).as(r.output()).isZero();
    Map<String, JsonNode> ev = r.events();
    assertThat(ev.get("network").get("network").asText()).isEqualTo("local");
    assertThat(ev.get("network").get("fork").asText()).isEqualTo("altair");
    assertThat(ev.get("bootnodes").get("bootnodes").get(0).asText()).startsWith("/ip4/127.0.0.1/tcp/9000/p2p/");
  }

  @Test
  void badNetworkOptionsAreUsageErrorsNamingTheOption(@TempDir Path dir) throws Exception {
    assertUsage("--network", "run", "--network", "goerli", "--dry-run", "--ephemeral");
    assertUsage("--dry-run needs --network", "run", "--dry-run", "--ephemeral");
    assertUsage("--bootnodes needs --network", "run", "--bootnodes", "enr:-abc", "--ephemeral");
    assertUsage("--fork-digest", "run", "--network", "mainnet", "--fork-digest", "b5303f2a", "--dry-run", "--ephemeral");
    assertUsage("--bootnodes", "run", "--network", "mainnet", "--bootnodes", "enr:-notanenr", "--dry-run", "--ephemeral");
    assertUsage("--bootnodes", "run", "--network", "mainnet", "--bootnodes", "/ip4/1.2.3.4/tcp/1", "--dry-run", "--ephemeral");
    assertUsage("--target-peers", "run", "--network", "mainnet", "--target-peers", "20", "--max-peers", "10",
        "--dry-run", "--ephemeral");
    assertUsage("--discovery-port", "run", "--network", "mainnet", "--discovery-port", "70000", "--dry-run", "--ephemeral");
    assertUsage("--enr-address", "run", "--network", "mainnet", "--enr-address", "example.org", "--dry-run", "--ephemeral");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "GENESIS_FORK_VERSION: 0x00000001\nFOO:\n");
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "GENESIS_FORK_VERSION: 0x00000001\nSECONDS_PER_SLOT: 12\nPRESET_BASE: mainnet\n");
    assertUsage("--genesis-time", "run", "--network-config", good.toString(), "--dry-run", "--ephemeral");
    assertUsage("FOO", "run", "--network-config", bad.toString(), "--genesis-time", "0",
        "--genesis-validators-root", "00".repeat(32), "--dry-run", "--ephemeral");
    assertUsage("secp256k1", "run", "--network", "mainnet", "--key-type", "ed25519", "--dry-run", "--ephemeral");
  }

  private static void assertUsage(String mention, String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains(mention);
  }

  @Test
  void aRunningNodePrintsItsEnrAndJoinsItsBootnode() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    Discv5Service boot = new Discv5Service(Discv5Config.builder(RandomSource.secure().ephemeralKey())
        .bind(new InetSocketAddress(lo, 0)).requestTimeout(Duration.ofSeconds(5)).build());
    Enr bootEnr = boot.start().get(30, TimeUnit.SECONDS);
    try {
      CompletableFuture<CliRun> node = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--network", "mainnet",
          "--ephemeral", "--json", "--listen", "/ip4/127.0.0.1/tcp/0", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1",
          "--discovery-port", "0", "--bootnodes", bootEnr.toText(), "--exit-after", "4"));
      CliRun r = node.get(60, TimeUnit.SECONDS);
      assertThat(r.exit()).as(r.output()).isZero();
      Enr enr = Enr.fromText(r.events().get("enr").get("enr").asText());
      assertThat(enr.ip()).contains(lo);
      assertThat(enr.udp()).isPresent();
      assertThat(enr.tcp()).isPresent();
      // the bound QUIC port (the listen address asked for any) is in the record
      String quicAddr = "/ip4/127.0.0.1/udp/" + enr.quic().orElseThrow() + "/quic-v1";
      List<String> listening = new ArrayList<>();
      r.events().get("listening").get("addrs").forEach(a -> listening.add(a.asText()));
      assertThat(listening).contains(quicAddr + "/p2p/" + enr.peerId().toBase58());
      assertThat(enr.dialMultiaddrs().get(0).toString()).startsWith(quicAddr + "/p2p/");
      assertThat(EthEnr.forkDigest(enr)).contains(Network.MAINNET.config().currentForkDigest(Instant.now()));
      // the peer manager's first round looked up through the bootnode, which therefore met the node
      List<TableEntry> table = boot.table().get(30, TimeUnit.SECONDS);
      assertThat(table).extracting(t -> t.enr().peerId()).contains(enr.peerId());
    } finally {
      boot.stop().get(30, TimeUnit.SECONDS);
    }
  }
}
