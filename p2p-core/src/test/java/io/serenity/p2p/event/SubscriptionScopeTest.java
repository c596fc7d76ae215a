package io.serenity.p2p.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class SubscriptionScopeTest {

  @Test
  void tracksCountsAndClosesAllAtOnce() {
    Feed<String> a = Feed.of(String.class);
    Feed<Integer> b = Feed.of(Integer.class);
    SubscriptionScope scope = new SubscriptionScope();
    Subscription sa = scope.track(a.subscribe(new LinkedBlockingQueue<>()));
    Subscription sb = scope.track(b.subscribe(i -> {}));
    assertThat(scope.count()).isEqualTo(2);

    scope.close();
    assertThat(scope.count()).isZero();
    assertThat(sa.isActive()).isFalse();
    assertThat(sb.isActive()).isFalse();
    assertThat(sa.err()).isCompleted();
    assertThat(a.subscriberCount()).isZero();
    assertThat(b.subscriberCount()).isZero();
    scope.close();
  }

  @Test
  void unsubscribingATrackedSubscriptionForgetsIt() {
    Feed<String> feed = Feed.of(String.class);
    SubscriptionScope scope = new SubscriptionScope();
    Subscription s = scope.track(feed.subscribe(new LinkedBlockingQueue<>()));
    scope.track(feed.subscribe(new LinkedBlockingQueue<>()));
    s.unsubscribe();
    assertThat(scope.count()).isEqualTo(1);
    assertThat(feed.subscriberCount()).isEqualTo(1);
  }

  @Test
  void aClosedScopeRefusesNewSubscriptionsAndEndsThem() {
    Feed<String> feed = Feed.of(String.class);
    SubscriptionScope scope = new SubscriptionScope();
    scope.close();
    Subscription s = feed.subscribe(new LinkedBlockingQueue<>());
    assertThatThrownBy(() -> scope.track(s))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("subscription scope is closed");
    assertThat(s.isActive()).isFalse();
    assertThat(scope.count()).isZero();
  }
}
