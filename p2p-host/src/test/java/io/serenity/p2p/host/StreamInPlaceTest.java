package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The copy-free stream calls: {@code readMessage(max, decoder)} decodes a message where it lies in
 * the stream's buffer, {@code write(ByteBuf)} hands a buffer over without copying it.
 */
@ExtendWith(NettyLeakCheck.class)
class StreamInPlaceTest {
  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void tearDown() {
    hosts.close();
  }

  private Stream[] pair() {
    Host a = hosts.start();
    Host b = hosts.start();
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler("/test/inplace/1.0.0", inbound::complete);
    Stream out = await(await(a.connect(dialAddr(b))).newStream("/test/inplace/1.0.0"));
    return new Stream[] {out, await(inbound)};
  }

  private static byte[] message(int size, int seed) {
    byte[] m = new byte[size];
    for (int i = 0; i < size; i++) {
      m[i] = (byte) (i * 31 + seed);
    }
    return m;
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void aReaderThatAsksForTheNextMessageFromTheCompletionGetsThousandsOfBufferedMessages() {
    // Pubsub's read loop asks for its next RPC from the completion of the last. With many messages
    // buffered each completion used to serve the next read inside it, one stack level per message:
    // at some thousands the event loop's stack overflowed, CompletableFuture swallowed the error and
    // the stream was never read again, with no log line.
    Host a = hosts.start();
    Host b = hosts.start();
    CompletableFuture<Stream> inbound = new CompletableFuture<>();
    b.setStreamHandler("/test/inplace/1.0.0", inbound::complete);
    Stream out = await(await(a.connect(dialAddr(b))).newStream("/test/inplace/1.0.0"));
    int n = 20_000;
    CompletableFuture<Void> last = null;
    for (int i = 0; i < n; i++) {
      last = out.writeMessage(new byte[] {(byte) i});
    }
    await(last);
    // a ping on the same connection is answered after b has taken every frame before it
    await(a.ping(b.peerId()));
    Stream in = await(inbound);

    CompletableFuture<Integer> done = new CompletableFuture<>();
    readChain(in, 0, n, done);
    assertThat(await(done)).isEqualTo(n);
  }

  private static void readChain(Stream s, int i, int n, CompletableFuture<Integer> done) {
    s.readMessage(16, b -> b.get(b.position())).whenComplete((first, err) -> {
      if (err != null) {
        done.completeExceptionally(err);
      } else if (first != (byte) i) {
        done.completeExceptionally(new AssertionError("message " + i + " starts with " + first));
      } else if (i + 1 == n) {
        done.complete(n);
      } else {
        readChain(s, i + 1, n, done);
      }
    });
  }

  @Test
  void aDecoderSeesExactlyEachMessageInTurn() {
    Stream[] s = pair();
    int[] sizes = {0, 1, 300, 70_000, 5};
    for (int i = 0; i < sizes.length; i++) {
      s[0].writeMessage(message(sizes[i], i));
    }
    for (int i = 0; i < sizes.length; i++) {
      byte[] got = await(s[1].readMessage(1 << 20, StreamInPlaceTest::copy));
      assertThat(got).as("message %d", i).isEqualTo(message(sizes[i], i));
    }
  }

  @Test
  void aThrowingDecoderFailsOnlyItsOwnRead() {
    Stream[] s = pair();
    s[0].writeMessage(message(10, 1));
    s[0].writeMessage(message(20, 2));
    CompletableFuture<byte[]> first = s[1].readMessage(1024, b -> {
      throw new IllegalStateException("cannot decode " + b.remaining() + " bytes");
    });
    assertThat(first)
        .failsWithin(TestHosts.TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("cannot decode 10 bytes");
    // the bad message was consumed; the next read gets the next message on the same stream
    assertThat(await(s[1].readMessage(1024))).isEqualTo(message(20, 2));
  }

  @Test
  void aMessageAboveTheLimitNeverReachesTheDecoder() {
    Stream[] s = pair();
    s[0].writeMessage(message(2000, 3));
    boolean[] called = {false};
    CompletableFuture<Integer> read = s[1].readMessage(1000, b -> {
      called[0] = true;
      return b.remaining();
    });
    assertThat(read).failsWithin(TestHosts.TIMEOUT).withThrowableOfType(ExecutionException.class)
        .withMessageContaining("exceeds the limit");
    assertThat(called[0]).isFalse();
  }

  @Test
  void aWrittenBufferArrivesAndIsReleasedByTheStream() {
    Stream[] s = pair();
    byte[] body = message(4000, 7);
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(body.length);
    buf.writeBytes(body);
    await(s[0].write(buf));
    assertThat(buf.refCnt()).isZero();
    byte[] got = await(s[1].readExactly(body.length));
    assertThat(Arrays.equals(got, body)).isTrue();
  }

  @Test
  void aBufferWrittenToAResetStreamIsReleasedAndTheWriteFails() {
    Stream[] s = pair();
    s[0].reset();
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
    buf.writeBytes(new byte[16]);
    assertThat(s[0].write(buf)).failsWithin(TestHosts.TIMEOUT);
    assertThat(buf.refCnt()).isZero();
  }
}
