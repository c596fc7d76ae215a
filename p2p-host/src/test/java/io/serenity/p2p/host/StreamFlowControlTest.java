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
 * nothing is reported as a violation, and nothing the sender managed to send is lost. Over mplex,
 * which has no per-stream flow control, the connection stops being read instead.
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
    List<HostEvent.ProtocolViolation> violations = violationsOf(b);
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

  @Test
  void overMplexAReaderThatFallsBehindHoldsTheConnectionAndLosesNothing() {
    // Before mplex held the connection's reads, the 65th KiB here passed b's read buffer: a was
    // reported for a violation and the stream reset, dropping what b had buffered.
    Host a = hosts.start(io.serenity.p2p.crypto.KeyType.ED25519,
        HostConfig.builder().muxers(HostConfig.MPLEX).build());
    Host b = hosts.start(io.serenity.p2p.crypto.KeyType.ED25519,
        HostConfig.builder().muxers(HostConfig.MPLEX).maxStreamReadBuffer(64 * 1024).build());
    List<HostEvent.ProtocolViolation> violations = violationsOf(b);
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler("/test/slow/1.0.0", inbound::complete); // reads nothing yet
    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.muxer()).isEqualTo(HostConfig.MPLEX);
    Stream s = await(c.newStream("/test/slow/1.0.0"));

    // 3 MiB, 48 times b's read buffer, under a's 4 MiB write queue for one stream
    int size = 16 * 1024;
    int n = 192;
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] m = new byte[size];
      m[0] = (byte) i;
      m[size - 1] = (byte) ~i;
      writes.add(s.writeMessage(m));
    }
    Stream r = await(inbound);
    for (int i = 0; i < n; i++) {
      byte[] m = await(r.readMessage(size));
      assertThat(m[0]).as("message %d", i).isEqualTo((byte) i);
      assertThat(m[size - 1]).as("message %d", i).isEqualTo((byte) ~i);
    }
    for (CompletableFuture<Void> w : writes) {
      await(w);
    }
    assertThat(violations).isEmpty();
    assertThat(await(a.ping(b.peerId()))).as("the connection reads again").isPositive();
  }

  /** {@return the protocol violations {@code h} reports from now on, as they come} */
  private static List<HostEvent.ProtocolViolation> violationsOf(Host h) {
    List<HostEvent.ProtocolViolation> violations = new CopyOnWriteArrayList<>();
    h.addListener(e -> {
      if (e instanceof HostEvent.ProtocolViolation v) {
        violations.add(v);
      }
    });
    return violations;
  }
}
