package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Stream#readMessages}: every message in order and in place, flow control while the reader
 * pauses, and exactly one end, whatever ends the stream.
 */
@ExtendWith(NettyLeakCheck.class)
class MessageReaderTest {
  private static final String PROTO = "/test/reader/1.0.0";
  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void tearDown() {
    hosts.close();
  }

  /** Records messages (copied) and the end; pauses after each message while {@code pauseAll}. */
  private static final class Recorder implements MessageReader {
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile boolean pauseAll;
    volatile CompletableFuture<Integer> reached = new CompletableFuture<>();
    volatile int reachAt = -1;

    @Override
    public boolean onMessage(Stream stream, ByteBuffer message) {
      byte[] copy = new byte[message.remaining()];
      message.get(copy);
      messages.add(copy);
      if (messages.size() == reachAt) {
        reached.complete(reachAt);
      }
      return !pauseAll;
    }

    @Override
    public void onClose(Stream stream, Throwable cause) {
      closes.incrementAndGet();
      closed.complete(cause);
    }
  }

  private static byte[] message(int size, int seed) {
    byte[] m = new byte[size];
    for (int i = 0; i < size; i++) {
      m[i] = (byte) (i * 31 + seed);
    }
    return m;
  }

  private Stream[] pair(Host a, Host b) {
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler(PROTO, inbound::complete);
    Stream out = await(await(a.connect(dialAddr(b))).newStream(PROTO));
    return new Stream[] {out, await(inbound)};
  }

  @Test
  void everyMessageArrivesInOrderThenTheEnd() {
    Stream[] s = pair(hosts.start(), hosts.start());
    Recorder r = new Recorder();
    s[1].readMessages(1 << 20, r);
    int[] sizes = {0, 1, 300, 70_000, 5};
    for (int i = 0; i < sizes.length; i++) {
      s[0].writeMessage(message(sizes[i], i));
    }
    await(s[0].closeWrite());
    assertThat(await(r.closed)).isInstanceOf(HostException.class).hasMessageContaining("closed by remote");
    assertThat(r.messages).hasSize(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      assertThat(r.messages.get(i)).as("message %d", i).isEqualTo(message(sizes[i], i));
    }
    assertThat(r.closes).hasValue(1);
  }

  @Test
  void twentyThousandBufferedMessagesAreHandedOnInOneGo() {
    Host a = hosts.start();
    Host b = hosts.start();
    Stream[] s = pair(a, b);
    int n = 20_000;
    CompletableFuture<Void> last = null;
    for (int i = 0; i < n; i++) {
      last = s[0].writeMessage(new byte[] {(byte) i, (byte) (i >>> 8)});
    }
    await(last);
    await(a.ping(b.peerId())); // b has taken every frame before the ping's
    Recorder r = new Recorder();
    r.reachAt = n;
    s[1].readMessages(16, r);
    await(r.reached);
    for (int i = 0; i < n; i++) {
      byte[] m = r.messages.get(i);
      assertThat((m[0] & 0xff) | (m[1] & 0xff) << 8).as("message %d", i).isEqualTo(i & 0xffff);
    }
    assertThat(r.closed).isNotDone();
  }

  @Test
  void aPausedReaderStopsTheSenderAndLosesNothingOnResume() {
    Host a = hosts.start();
    Host b = hosts.start(); // yamux, 4 MiB stream read buffer
    List<HostEvent.ProtocolViolation> violations = new CopyOnWriteArrayList<>();
    b.addListener(e -> {
      if (e instanceof HostEvent.ProtocolViolation v) {
        violations.add(v);
      }
    });
    Stream[] s = pair(a, b);
    Recorder r = new Recorder();
    r.pauseAll = true;
    r.reachAt = 1;
    s[1].readMessages(64 * 1024, r);
    int size = 16 * 1024;
    int n = (b.config().maxStreamReadBuffer() + (8 << 20)) / size;
    s[0].writeMessage(message(size, 0));
    await(r.reached); // paused after the first message
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      writes.add(s[0].writeMessage(message(size, i)));
    }
    // nothing was handed on or credited while paused: the window closed and a's queue refused the rest
    assertThat(writes.get(writes.size() - 1))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("await earlier writes");
    assertThat(r.messages).hasSize(1);
    long accepted = writes.stream().filter(w -> !w.isCompletedExceptionally()).count();
    assertThat(accepted).isGreaterThan(0).isLessThan(n - 1);

    r.pauseAll = false;
    r.reached = new CompletableFuture<>();
    r.reachAt = 1 + (int) accepted;
    s[1].resumeMessages();
    await(r.reached);
    for (int i = 0; i <= accepted; i++) {
      assertThat(r.messages.get(i)).as("message %d", i).isEqualTo(message(size, i));
    }
    assertThat(violations).isEmpty();
    assertThat(r.closed).isNotDone();
  }

  @Test
  void aThrowingReaderResetsTheStreamAndIsClosedWithItsException() {
    Stream[] s = pair(hosts.start(), hosts.start());
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    s[1].readMessages(1024, new MessageReader() {
      @Override
      public boolean onMessage(Stream stream, ByteBuffer message) {
        calls.incrementAndGet();
        throw new IllegalStateException("cannot use " + message.remaining() + " bytes");
      }

      @Override
      public void onClose(Stream stream, Throwable cause) {
        closed.complete(cause);
      }
    });
    s[0].writeMessage(message(10, 1));
    s[0].writeMessage(message(20, 2));
    assertThat(await(closed)).isInstanceOf(IllegalStateException.class).hasMessage("cannot use 10 bytes");
    await(s[0].closeFuture()); // the remote saw the reset
    assertThat(calls).hasValue(1);
  }

  @Test
  void aMessageAboveTheLimitResetsTheStreamAndNeverReachesTheReader() {
    Stream[] s = pair(hosts.start(), hosts.start());
    Recorder r = new Recorder();
    s[1].readMessages(1000, r);
    s[0].writeMessage(message(100, 1));
    s[0].writeMessage(message(2000, 2));
    assertThat(await(r.closed)).isInstanceOf(HostException.class).hasMessageContaining("exceeds the limit");
    assertThat(r.messages).hasSize(1);
    await(s[0].closeFuture());
    assertThat(r.closes).hasValue(1);
  }

  @Test
  void aResetWhilePausedClosesTheReader() {
    Stream[] s = pair(hosts.start(), hosts.start());
    Recorder r = new Recorder();
    r.pauseAll = true;
    r.reachAt = 1;
    s[1].readMessages(1024, r);
    s[0].writeMessage(message(10, 1));
    s[0].writeMessage(message(10, 2));
    await(r.reached);
    s[0].reset();
    assertThat(await(r.closed)).isInstanceOf(HostException.class).hasMessageContaining("reset");
    assertThat(r.messages).hasSize(1);
  }

  @Test
  void readsAfterAReaderAreRefused() {
    Stream[] s = pair(hosts.start(), hosts.start());
    Recorder r = new Recorder();
    s[1].readMessages(1024, r);
    assertThat(s[1].readMessage(1024))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("message reader");
    Recorder second = new Recorder();
    s[1].readMessages(1024, second);
    assertThat(await(second.closed)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has a message reader");
    // the first reader still reads
    r.reachAt = 1;
    s[0].writeMessage(message(5, 5));
    await(r.reached);
    assertThat(r.messages.get(0)).isEqualTo(message(5, 5));
  }
}
