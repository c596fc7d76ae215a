package io.serenity.p2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GossipSubParamsTest {

  @Test
  void goDefaultsAndTheEthereumPresetValidate() {
    GossipSubParams g = GossipSubParams.defaults().validate();
    assertThat(g.d()).isEqualTo(6);
    assertThat(g.dLow()).isEqualTo(5);
    assertThat(g.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    GossipSubParams e = GossipSubParams.ethereum().validate();
    assertThat(e.d()).isEqualTo(8);
    assertThat(e.dLow()).isEqualTo(6);
    assertThat(e.dHigh()).isEqualTo(12);
    assertThat(e.dLazy()).isEqualTo(6);
    assertThat(e.heartbeatInterval()).isEqualTo(Duration.ofMillis(700));
    assertThat(e.fanoutTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.historyLength()).isEqualTo(6);
    assertThat(e.historyGossip()).isEqualTo(3);
  }

  @Test
  void inconsistentSettingsCannotBeBuiltAndTheErrorNamesTheRule() {
    assertThatThrownBy(() -> GossipSubParams.builder().dLow(7).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dLow <= d <= dHigh");
    assertThatThrownBy(() -> GossipSubParams.builder().dOut(5).build()).hasMessageContaining("dOut");
    // the record's own constructor checks too: no unchecked instance exists
    GossipSubParams g = GossipSubParams.defaults();
    assertThatThrownBy(() -> new GossipSubParams(6, 7, 12, 4, 2, 6, 0.25, g.heartbeatInterval(),
        g.heartbeatInitialDelay(), 5, 3, g.fanoutTtl(), g.pruneBackoff(), g.unsubscribeBackoff(), 16, true, 3, 5000,
        10, g.iwantFollowupTime(), g.graftFloodThreshold(), 60, 2, 300, 1024, 1000))
        .hasMessageContaining("dLow <= d <= dHigh");
  }

  @Test
  void theBuilderChangesOnlyWhatItIsTold() {
    GossipSubParams e = GossipSubParams.ethereum();
    GossipSubParams tuned = e.toBuilder().d(7).dLow(5).heartbeatInterval(Duration.ofMillis(500)).build();
    assertThat(tuned.d()).isEqualTo(7);
    assertThat(tuned.dLow()).isEqualTo(5);
    assertThat(tuned.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(tuned.toBuilder().d(e.d()).dLow(e.dLow()).heartbeatInterval(e.heartbeatInterval()).build()).isEqualTo(e);
    assertThat(GossipSubParams.builder().build()).isEqualTo(GossipSubParams.defaults());
  }

  @Test
  void theSeenCacheMustOutliveTheMessageCacheWhereverPubsubIsBuilt() {
    GossipSubParams slow = GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).build(); // 150 s
    PubSubConfig shortSeen = PubSubConfig.defaults().withSeenTtl(Duration.ofSeconds(60));
    assertThatThrownBy(() -> PubSub.checkSeenCoversCache(shortSeen, slow)).hasMessageContaining("seenTtl")
        .hasMessageContaining("message cache");
    PubSub.checkSeenCoversCache(PubSubConfig.defaults(), GossipSubParams.ethereum());
    assertThat(GossipSubParams.ethereum().messageCacheSpan()).isEqualTo(Duration.ofMillis(4200));
  }
}
