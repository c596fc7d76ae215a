package io.serenity.p2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Benchmark result lines: the field names, order and fixed decimals the table scripts read. */
class JsonLineTest {

  @Test
  void decimalsHaveFixedPlacesLikePrintf() {
    String line = JsonLine.of("pubsub-throughput").put("impl", "java").put("messages", 20_000)
        .put("msgPerSec", 41234.5, 0).put("mibPerSec", 40.25, 1).put("p50Ms", 3.0, 2).put("p99Ms", 12.345, 2)
        .toString();
    assertThat(line).isEqualTo("{\"bench\":\"pubsub-throughput\",\"impl\":\"java\",\"messages\":20000,"
        + "\"msgPerSec\":41235,\"mibPerSec\":40.3,\"p50Ms\":3.00,\"p99Ms\":12.35}");
    assertThat(String.format(Locale.ROOT, "%.0f %.1f %.2f %.2f", 41234.5, 40.25, 3.0, 12.345))
        .as("the same digits as printf").isEqualTo("41235 40.3 3.00 12.35");
  }

  @Test
  void aNumberJsonLacksIsNull() throws Exception {
    String line = JsonLine.of("x").put("cpuSeconds", Double.NaN, 2).toString();
    assertThat(new ObjectMapper().readTree(line).get("cpuSeconds").isNull()).isTrue();
  }

  @Test
  void transportResultNestsThroughputAndHandshakes() throws Exception {
    TransportBench.Result r = new TransportBench.Result("yamux", "ed25519", 268435456L, 812.44, 200, 350.06);
    assertThat(r.json()).isEqualTo("{\"bench\":\"java-java\",\"transport\":\"tcp+noise+yamux\",\"security\":\"noise\","
        + "\"muxer\":\"yamux\",\"keyType\":\"ed25519\","
        + "\"throughput\":{\"bytes\":268435456,\"mibPerSec\":812.4},\"handshakes\":{\"count\":200,\"perSec\":350.1}}");
    assertThat(new ObjectMapper().readTree(r.json()).at("/handshakes/perSec").doubleValue()).isEqualTo(350.1);
  }

  @Test
  void transportResultNamesTlsAndQuic() throws Exception {
    ObjectMapper json = new ObjectMapper();
    TransportBench.Result tls = new TransportBench.Result(TransportBench.Result.tcp("tls", "yamux"), "tls", "yamux",
        "ed25519", 1024, 1.0, 10, 1.0);
    assertThat(json.readTree(tls.json()).get("transport").asText()).isEqualTo("tcp+tls+yamux");
    assertThat(json.readTree(tls.json()).get("security").asText()).isEqualTo("tls");
    TransportBench.Result quic = new TransportBench.Result("quic", "tls", "quic", "ed25519", 1024, 1.0, 10, 1.0);
    assertThat(json.readTree(quic.json()).get("transport").asText()).isEqualTo("quic");
  }

  @Test
  void transportResultCarriesHowItWasMeasured() throws Exception {
    TransportBench.Conditions c = new TransportBench.Conditions(new Warmup.Result(7, 4.06, true), 1.824, 0.061, Double.NaN);
    TransportBench.Result r = new TransportBench.Result(TransportBench.Result.tcp("noise", "yamux"), "noise", "yamux",
        "ed25519", 1024, 950.0, 0, 0.0, c);
    var tree = new ObjectMapper().readTree(r.json());
    assertThat(tree.at("/conditions/warmup/rounds").intValue()).isEqualTo(7);
    assertThat(tree.at("/conditions/warmup/seconds").doubleValue()).isEqualTo(4.1);
    assertThat(tree.at("/conditions/warmup/settled").asText()).isEqualTo("yes");
    assertThat(tree.at("/conditions/cpuSecondsPerGiB").doubleValue()).isEqualTo(1.82);
    assertThat(tree.at("/conditions/compileSeconds").doubleValue()).isEqualTo(0.06);
    assertThat(tree.at("/conditions/stealPercent").isNull()).as("unknown steal is null, not a number").isTrue();
  }

  @Test
  void machineSnapshotsDifferenceCpuCompileAndSteal() {
    Machine.Snapshot a = new Machine.Snapshot(0, 1_000_000_000L, 0, new long[] {100, 0, 50, 800, 0, 0, 0, 50});
    Machine.Snapshot b = new Machine.Snapshot(2_000_000_000L, 2_500_000_000L, 250_000_000L,
        new long[] {200, 0, 100, 850, 0, 0, 0, 100});
    assertThat(b.seconds(a)).isEqualTo(2.0);
    assertThat(b.cpuSeconds(a)).isEqualTo(1.5);
    assertThat(b.compileSeconds(a)).isEqualTo(0.25);
    // 250 ticks passed in all, 50 of them stolen
    assertThat(b.stealPercent(a)).isEqualTo(20.0);
    assertThat(new Machine.Snapshot(1, -1, -1, null).stealPercent(a)).isNaN();
    assertThat(Machine.now().seconds(a)).isPositive();
  }
}
