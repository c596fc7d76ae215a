package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class LargeTransferTest {

  private static final String SINK = "/test/sink/1.0.0";
  private static final int BLOCK = 1 << 20;
  private static final int BLOCKS = 256;
  private static final long MEMORY_BOUND = 64L << 20;

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  /** Digests everything received; at the end writes the 32-byte digest back and closes. */
  private static void sink(Stream s) {
    MessageDigest md = Echo.sha256();
    s.receive(
        new StreamReceiver() {
          @Override
          public void onData(Stream stream, ByteBuffer data) {
            md.update(data);
          }

          @Override
          public void onEnd(Stream stream) {
            stream.write(md.digest()).thenCompose(v -> stream.closeWrite());
          }
        });
  }

  @Test
  void twoHundredFiftySixMebibytesThroughOneYamuxStreamInBoundedMemory() {
    HostConfig config = HostConfig.builder().muxers(HostConfig.YAMUX).build();
    Host a = hosts.start(io.serenity.p2p.crypto.KeyType.ED25519, config);
    Host b = hosts.start(io.serenity.p2p.crypto.KeyType.ED25519, config);
    b.setStreamHandler(SINK, LargeTransferTest::sink);
    Stream s = await(a.connect(dialAddr(b)).thenCompose(c -> c.newStream(SINK)));
    assertThat(s.connection().muxer()).isEqualTo(HostConfig.YAMUX);

    byte[] block = new byte[BLOCK];
    new Random(7).nextBytes(block);
    MessageDigest expected = Echo.sha256();
    for (int i = 0; i < BLOCKS; i++) {
      expected.update(block);
    }
    CompletableFuture<byte[]> digest = s.readExactly(32);
    AtomicLong peak = new AtomicLong();
    PooledByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
    CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    // 4096 writes of 64 KiB, each after the previous was accepted by the muxer (send window)
    for (int i = 0; i < BLOCKS * 16; i++) {
      int offset = (i % 16) * (BLOCK / 16);
      written =
          written.thenCompose(
              v -> {
                peak.accumulateAndGet(
                    metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                return s.write(block, offset, BLOCK / 16);
              });
    }
    await(written.thenCompose(v -> s.closeWrite()));
    assertThat(await(digest)).isEqualTo(expected.digest());
    assertThat(peak.get()).as("pooled buffer memory during transfer").isLessThan(MEMORY_BOUND);
  }
}
