package io.serenity.p2p.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FeedTest {

  private static final long WAIT_S = 10;

  @Test
  void typeIsFixedByTheFirstSendAndAMismatchFailsLoudly() {
    @SuppressWarnings({"rawtypes", "unchecked"})
    Feed<Object> feed = (Feed) Feed.create();
    assertThat(feed.type()).isEmpty();
    feed.send("first");
    assertThat(feed.type()).contains(String.class);
    assertThatThrownBy(() -> feed.send(42))
        .isInstanceOf(FeedTypeException.class)
        .hasMessage("wrong type in send: got java.lang.Integer, want java.lang.String");
  }

  @Test
  void typedSubscribeFixesTheTypeAndAMismatchedSubscribeFails() {
    Feed<Object> feed = Feed.create();
    feed.subscribe(String.class, s -> {});
    assertThatThrownBy(() -> feed.send(1))
        .isInstanceOf(FeedTypeException.class)
        .hasMessage("wrong type in send: got java.lang.Integer, want java.lang.String");
    Feed<Number> numbers = Feed.of(Number.class);
    assertThatThrownBy(() -> numbers.subscribe(Integer.class, i -> {}))
        .isInstanceOf(FeedTypeException.class)
        .hasMessage("wrong type in subscribe: got java.lang.Integer, want java.lang.Number");
    // a supertype consumer can take every value
    numbers.subscribe(Object.class, o -> {});
    assertThat(numbers.subscriberCount()).isEqualTo(1);
  }

  @Test
  void sendWithoutSubscribersReturnsZero() {
    Feed<String> feed = Feed.of(String.class);
    assertThat(feed.send("nobody")).isZero();
  }

  @Test
  void sendReturnsHowManyTookTheValueAndWaitsForEachBlockingSubscriber() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    LinkedBlockingQueue<String> fast = new LinkedBlockingQueue<>();
    CountDownLatch slowEntered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    List<String> slowGot = new CopyOnWriteArrayList<>();
    feed.subscribe(fast);
    feed.subscribe(
        s -> {
          slowEntered.countDown();
          await(gate);
          slowGot.add(s);
        });

    CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> feed.send("v"));
    assertThat(slowEntered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(fast.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("v");
    assertThat(sent).as("the send waits for the slow subscriber").isNotDone();
    gate.countDown();
    assertThat(sent.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(slowGot).containsExactly("v");
  }

  @Test
  void consumersRunOnADeliveryThreadNotTheSender() {
    Feed<String> feed = Feed.of(String.class);
    AtomicReference<Thread> ran = new AtomicReference<>();
    feed.subscribe(s -> ran.set(Thread.currentThread()));
    assertThat(feed.send("x")).isEqualTo(1);
    assertThat(ran.get()).isNotNull().isNotSameAs(Thread.currentThread());
  }

  @Test
  void unsubscribeReleasesASendBlockedOnThatSubscriber() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    SynchronousQueue<String> neverRead = new SynchronousQueue<>(); // an unbuffered channel nobody reads
    Subscription stuck = feed.subscribe(neverRead);
    CountDownLatch otherGotIt = new CountDownLatch(1);
    feed.subscribe(s -> otherGotIt.countDown());

    CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> feed.send("v"));
    assertThat(otherGotIt.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(sent).isNotDone();
    stuck.unsubscribe();
    assertThat(sent.get(WAIT_S, TimeUnit.SECONDS)).as("only the other subscriber took it").isEqualTo(1);
    assertThat(stuck.err()).isCompleted();
    assertThat(neverRead.poll()).isNull();
    // later sends no longer involve it
    assertThat(feed.send("w")).isEqualTo(1);
  }

  @Test
  void unsubscribeIsIdempotentAndSignalsErr() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    Subscription s = feed.subscribe(new LinkedBlockingQueue<>());
    assertThat(s.isActive()).isTrue();
    assertThat(s.err()).isNotDone();
    s.unsubscribe();
    s.unsubscribe();
    s.close();
    assertThat(s.isActive()).isFalse();
    assertThat(s.err().get(WAIT_S, TimeUnit.SECONDS)).isNull();
    assertThat(feed.subscriberCount()).isZero();
    assertThat(feed.send("after")).isZero();
  }

  @Test
  void aSubscriptionMadeDuringASendStartsWithTheNextSend() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    feed.subscribe(
        s -> {
          if (s.equals("first")) {
            entered.countDown();
            await(gate);
          }
        });
    CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> feed.send("first"));
    assertThat(entered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    LinkedBlockingQueue<String> late = new LinkedBlockingQueue<>();
    feed.subscribe(late);
    gate.countDown();
    assertThat(first.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(late).isEmpty();
    assertThat(feed.send("second")).isEqualTo(2);
    assertThat(late).containsExactly("second");
  }

  @Test
  void theSameSinkSubscribedNTimesGetsNCopies() {
    Feed<String> feed = Feed.of(String.class);
    LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
    feed.subscribe(q);
    feed.subscribe(q);
    feed.subscribe(q);
    assertThat(feed.send("x")).isEqualTo(3);
    assertThat(q).containsExactly("x", "x", "x");
  }

  @Test
  void concurrentSendsRunOneAtATime() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    feed.subscribe(
        s -> {
          if (s.equals("one")) {
            entered.countDown();
            await(gate);
          }
        });
    List<String> observer = new CopyOnWriteArrayList<>();
    CountDownLatch observedOne = new CountDownLatch(1);
    feed.subscribe(s -> {
      observer.add(s);
      observedOne.countDown();
    });

    CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> feed.send("one"));
    assertThat(entered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    // consumers of one send run concurrently: the observer may get "one" after the blocked consumer
    assertThat(observedOne.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    Thread second = new Thread(() -> feed.send("two"), "second-sender");
    second.start();
    awaitState(second, Thread.State.WAITING);
    assertThat(observer).as("the second send waits for the first").containsExactly("one");
    gate.countDown();
    assertThat(one.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(2);
    second.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    assertThat(second.isAlive()).isFalse();
    assertThat(observer).containsExactly("one", "two");
  }

  @Test
  void aThrowingConsumerIsLoggedCountedAndStaysSubscribed() {
    Feed<String> feed = Feed.of(String.class);
    AtomicInteger calls = new AtomicInteger();
    Subscription s =
        feed.subscribe(
            v -> {
              calls.incrementAndGet();
              throw new IllegalStateException("subscriber bug");
            });
    assertThat(feed.send("a")).isEqualTo(1);
    assertThat(feed.send("b")).isEqualTo(1);
    assertThat(calls).hasValue(2);
    assertThat(s.isActive()).isTrue();
  }

  @Test
  void bufferedSubscriptionNeverBlocksTheSenderAndCountsDrops() throws Exception {
    Feed<Integer> feed = Feed.of(Integer.class);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    List<Integer> got = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    Subscription s =
        feed.subscribe(
            v -> {
              if (v == 1) {
                entered.countDown();
                await(gate);
              }
              got.add(v);
              three.countDown();
            },
            2);
    assertThat(feed.send(1)).isEqualTo(1);
    assertThat(entered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    // the consumer is stuck on 1; the buffer holds two more, the rest are dropped, and no send blocks
    assertThat(feed.send(2)).isEqualTo(1);
    assertThat(feed.send(3)).isEqualTo(1);
    assertThat(feed.send(4)).isZero();
    assertThat(feed.send(5)).isZero();
    assertThat(s.dropped()).isEqualTo(2);
    gate.countDown();
    assertThat(three.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactly(1, 2, 3);
  }

  @Test
  void nonBlockingQueueDropsWhatDoesNotFitAndCountsIt() {
    Feed<String> feed = Feed.of(String.class);
    ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(1);
    Subscription s = feed.subscribeNonBlocking(q);
    assertThat(feed.send("a")).isEqualTo(1);
    assertThat(feed.send("b")).isZero();
    assertThat(s.dropped()).isEqualTo(1);
    assertThat(q).containsExactly("a");
  }

  @Test
  void blockingQueueWaitsForRoomLikeAChannel() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(1);
    Subscription s = feed.subscribe(q);
    assertThat(feed.send("a")).isEqualTo(1);
    CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> feed.send("b"));
    assertThat(q.take()).isEqualTo("a");
    assertThat(second.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(q.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("b");
    assertThat(s.dropped()).isZero();
  }

  @Test
  void closingTheFeedEndsSubscriptionsWithAnErrorAndReleasesBlockedSends() throws Exception {
    Feed<String> feed = Feed.of(String.class);
    Subscription stuck = feed.subscribe(new SynchronousQueue<>());
    CountDownLatch otherGotIt = new CountDownLatch(1);
    feed.subscribe(s -> otherGotIt.countDown());
    CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> feed.send("v"));
    assertThat(otherGotIt.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    feed.close();
    feed.close();
    assertThat(sent.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(stuck.isActive()).isFalse();
    assertThat(stuck.err())
        .failsWithin(Duration.ofSeconds(WAIT_S))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(FeedClosedException.class);
    assertThat(feed.subscriberCount()).isZero();
    assertThatThrownBy(() -> feed.send("late")).isInstanceOf(FeedClosedException.class);
    assertThatThrownBy(() -> feed.subscribe(s -> {})).isInstanceOf(FeedClosedException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT_S, TimeUnit.SECONDS)) {
        throw new AssertionError("gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits, bounded, until {@code t} parks (here: on the feed's send lock). */
  private static void awaitState(Thread t, Thread.State state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (t.getState() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(t.getName() + " never reached " + state + "; is " + t.getState());
      }
      Thread.onSpinWait();
    }
  }
}
