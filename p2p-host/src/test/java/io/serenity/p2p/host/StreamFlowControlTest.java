package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A yamux stream grants its receive window back as the protocol reads, not as bytes reach the
 * stream's read buffer: a reader that falls behind stops an honest sender through flow control,
 * nothing is reported as a violation, and nothing the sender managed to send is lost.
 */
@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class StreamFlowControlTest {
  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void tearDown() {
    hosts.close();
  }

  @Test
  void aReaderThatFallsBehindStopsTheSenderAndLosesNothing() {
    Host a = hosts.start();
    Host b = hosts.start(); // yamux first, 4 MiB stream read buffer
    List<HostEvent.ProtocolViolation> violations = new CopyOnWriteArrayList<>();
    b.addListener(e -> {
      if (e instanceof HostEvent.ProtocolViolation v) {
        violations.add(v);
      }
    });
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler("/test/slow/1.0.0", inbound::complete); // reads nothing yet
    Stream s = await(await(a.connect(dialAddr(b))).newStream("/test/slow/1.0.0"));

    // 12 MiB written without awaiting: more than b's read buffer and a's own write queue together
    int size = 16 * 1024;
    int n = (b.config().maxStreamReadBuffer() + (8 << 20)) / size;
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] m = new byte[size];
      m[0] = (byte) i;
      m[1] = (byte) (i >>> 8);
      writes.add(s.writeMessage(m));
    }
    // The window closed: a's queue filled and refused the rest (before, b's buffer overflowed, a
    // was reported for a violation and the stream was reset, dropping what b had buffered).
    assertThat(writes.get(n - 1))
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("await earlier writes");
    assertThat(violations).isEmpty();
    long accepted = writes.stream().filter(w -> !w.isCompletedExceptionally()).count();
    assertThat(accepted).isGreaterThan(0).isLessThan(n);

    Stream r = await(inbound);
    for (int i = 0; i < accepted; i++) {
      byte[] m = await(r.readMessage(size));
      assertThat((m[0] & 0xff) | (m[1] & 0xff) << 8).as("message %d", i).isEqualTo(i & 0xffff);
    }
    for (CompletableFuture<Void> w : writes.subList(0, (int) accepted)) {
      await(w);
    }
    assertThat(violations).isEmpty();
  }
}
