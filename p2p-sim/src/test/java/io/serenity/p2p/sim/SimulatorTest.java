package io.serenity.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Behaviour of the simulator on networks whose outcome is known in advance. */
class SimulatorTest {

  private static Scenario scenario(String json) {
    return Scenario.parse(json);
  }

  @Test
  void sameScenarioTwiceGivesByteIdenticalSummaries() throws Exception {
    String json = """
        {"name": "determinism", "seed": 42, "nodes": 150, "router": "gossipsub",
         "gossipsub": {"preset": "ethereum", "scoring": true},
         "topology": {"type": "random-regular", "degree": 12},
         "links": {"latency": {"type": "lognormal", "medianMs": 40, "sigma": 0.6}, "uploadMbps": 20, "loss": 0.01},
         "traffic": [{"topic": "a", "messages": 30, "sizeBytes": 2048, "ratePerSecond": 10},
                     {"topic": "b", "messages": 3, "sizeBytes": 65536, "ratePerSecond": 1}],
         "adversaries": [{"behaviour": "silent", "fraction": 0.1}, {"behaviour": "ihave-spam", "count": 3},
                         {"behaviour": "spammer", "count": 2}, {"behaviour": "iwant-spam", "count": 2}],
         "churn": [{"atMs": 6000, "action": "crash", "count": 5}, {"atMs": 7000, "action": "join", "count": 5}],
         "warmupMs": 3000, "drainMs": 3000}
        """;
    Report a = Simulator.run(scenario(json));
    Report b = Simulator.run(scenario(json));
    assertThat(a.summary().toJson()).isEqualTo(b.summary().toJson());
    assertThat(a.summary().toText()).isEqualTo(b.summary().toText());
    assertThat(a.events()).isEqualTo(b.events());
    assertThat(a.summary().delivered()).isPositive();
  }

  @Test
  void aTopicSilentForHoursStillDeliversEveryMessage() throws Exception {
    // Ethereum's slashing topics: meshes form, then nothing for two hours between messages. Meshes,
    // backoffs and scores must survive thousands of empty heartbeats on virtual time.
    Report r = Simulator.run(scenario("""
        {"name": "quiet", "seed": 3, "nodes": 20, "router": "gossipsub",
         "gossipsub": {"preset": "ethereum", "scoring": true},
         "topology": {"type": "random-regular", "degree": 8},
         "links": {"latency": {"type": "uniform", "minMs": 5, "maxMs": 50}},
         "traffic": [{"topic": "slashings", "messages": 3, "sizeBytes": 256, "ratePerSecond": 0.000138889}],
         "warmupMs": 600000, "drainMs": 5000}
        """));
    Summary s = r.summary();
    assertThat(s.deliveryRatio()).isEqualTo(1.0);
    assertThat(r.latenciesMs()).hasSize(3 * 19);
    assertThat(s.latency().max()).as("delivered by the mesh, not by late gossip").isLessThan(1000.0);
  }

  @Test
  void nodeSumLatencyAddsBothEndsAndTheReportHasEveryArrival() throws Exception {
    // a line 0-1-2 with per-node delays 5, 10, 20 ms: 0->1 takes 15 ms, 1->2 30 ms
    Report r = Simulator.run(scenario("""
        {"name": "node-sum", "nodes": 3, "router": "floodsub", "topology": {"type": "line"},
         "links": {"latency": {"type": "node-sum", "nodeMs": [5, 10, 20]}},
         "traffic": [{"topic": "t", "messages": 2, "sizeBytes": 100, "ratePerSecond": 1, "publishers": "0"}],
         "warmupMs": 1000, "drainMs": 1000}
        """));
    assertThat(r.deliveries()).hasSize(2);
    Report.Delivery d = r.deliveries().get(0);
    assertThat(d.publisher()).isZero();
    assertThat(d.arrivalMs()[0]).as("the publisher itself").isEqualTo(-1.0);
    assertThat(d.arrivalMs()[1] - d.publishedAtMs()).isEqualTo(15.0);
    assertThat(d.arrivalMs()[2] - d.publishedAtMs()).isEqualTo(45.0);
    assertThat(r.deliveries().get(1).publishedAtMs() - d.publishedAtMs()).isEqualTo(1000.0);
  }

  @Test
  void nodeSumLatencyNeedsOneValuePerNode() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Simulator.run(scenario("""
        {"nodes": 3, "topology": {"type": "line"}, "links": {"latency": {"type": "node-sum", "nodeMs": [5, 10]}},
         "traffic": [{"topic": "t", "messages": 1, "sizeBytes": 100, "ratePerSecond": 1}]}
        """))).hasMessageContaining("nodeMs");
  }

  @Test
  void lineOfFiveNodesWithTenMillisecondLinksReachesTheEndIn40ms() throws Exception {
    Report r = Simulator.run(scenario("""
        {"name": "line", "nodes": 5, "router": "floodsub", "topology": {"type": "line"},
         "links": {"latency": {"type": "fixed", "valueMs": 10}},
         "traffic": [{"topic": "t", "messages": 1, "sizeBytes": 100, "ratePerSecond": 1, "publishers": "0"}],
         "warmupMs": 1000, "drainMs": 1000}
        """));
    Summary s = r.summary();
    assertThat(s.deliveryRatio()).isEqualTo(1.0);
    assertThat(s.latency().max()).isEqualTo(40.0);
    assertThat(r.latenciesMs()).containsExactly(10.0, 20.0, 30.0, 40.0);
    assertThat(r.hopHistogram()).containsExactly(0, 1, 1, 1, 1);
    assertThat(s.duplicates()).isZero();
  }

  @Test
  void uploadBandwidthAddsQueueingDelayFromMessageSizes() throws Exception {
    // 2 nodes, 10 ms link, 8 Mbit/s upload: 10,000 payload bytes take about 10 ms to send
    Report r = Simulator.run(scenario("""
        {"name": "bw", "nodes": 2, "router": "floodsub", "topology": {"type": "line"},
         "links": {"latency": {"type": "fixed", "valueMs": 10}, "uploadMbps": 8},
         "traffic": [{"topic": "t", "messages": 1, "sizeBytes": 10000, "ratePerSecond": 1, "publishers": "0"}],
         "warmupMs": 1000, "drainMs": 1000}
        """));
    assertThat(r.latenciesMs()).hasSize(1);
    assertThat(r.latenciesMs()[0]).isBetween(20.0, 20.1);
  }

  @Test
  void floodsubDuplicatesEqualSumOfDegreesMinusTwiceTheSpanningTree() throws Exception {
    Scenario sc = scenario("""
        {"name": "flood", "seed": 5, "nodes": 60, "router": "floodsub",
         "topology": {"type": "random-regular", "degree": 6},
         "links": {"latency": {"type": "uniform", "minMs": 5, "maxMs": 50}},
         "traffic": [{"topic": "t", "messages": 4, "sizeBytes": 64, "ratePerSecond": 1}],
         "warmupMs": 1000, "drainMs": 2000}
        """);
    Report r = Simulator.run(sc);
    Summary s = r.summary();
    int n = s.nodes();
    long e = s.links();
    // every node forwards once, to every neighbour but the one it got it from (the publisher to all):
    // 2E - (N - 1) copies per message, of which N - 1 are first deliveries
    assertThat(s.deliveryRatio()).isEqualTo(1.0);
    assertThat(s.duplicates()).isEqualTo(4 * (2 * e - 2L * (n - 1)));
  }

  @Test
  void gossipsubWithTwentyPercentSilentNodesReachesEveryHonestNode() throws Exception {
    Report r = Simulator.run(scenario("""
        {"name": "silent", "seed": 3, "nodes": 300, "router": "gossipsub", "gossipsub": {"preset": "ethereum"},
         "topology": {"type": "random-regular", "degree": 16},
         "links": {"latency": {"type": "uniform", "minMs": 20, "maxMs": 80}},
         "traffic": [{"topic": "t", "messages": 20, "sizeBytes": 512, "ratePerSecond": 5}],
         "adversaries": [{"behaviour": "silent", "fraction": 0.2}],
         "warmupMs": 4000, "drainMs": 6000}
        """));
    assertThat(r.summary().expected()).isEqualTo(20L * (240 - 1));
    assertThat(r.summary().deliveryRatio()).isEqualTo(1.0);
  }

  @Test
  void partitionStopsDeliveryAcrossTheCutUntilHealed() throws Exception {
    Report r = Simulator.run(scenario("""
        {"name": "partition", "seed": 2, "nodes": 100, "router": "gossipsub", "gossipsub": {"preset": "ethereum"},
         "topology": {"type": "random-regular", "degree": 10},
         "links": {"latency": {"type": "fixed", "valueMs": 20}},
         "traffic": [{"topic": "t", "messages": 10, "sizeBytes": 256, "ratePerSecond": 2}],
         "partition": {"atMs": 3000, "healMs": 60000, "fraction": 0.5},
         "warmupMs": 4000, "drainMs": 2000}
        """));
    // every message reaches its own half only: (50 - 1) of 99 honest receivers
    assertThat(r.summary().deliveryRatio()).isEqualTo(49.0 / 99);
  }
}
