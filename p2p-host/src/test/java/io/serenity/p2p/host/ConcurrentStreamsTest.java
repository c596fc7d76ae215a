package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import io.serenity.p2p.crypto.KeyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class ConcurrentStreamsTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  static Stream<Arguments> muxersAndKeys() {
    return Stream.of(
        Arguments.of(HostConfig.YAMUX, KeyType.SECP256K1),
        Arguments.of(HostConfig.YAMUX, KeyType.ED25519),
        Arguments.of(HostConfig.MPLEX, KeyType.SECP256K1),
        Arguments.of(HostConfig.MPLEX, KeyType.ED25519));
  }

  @ParameterizedTest
  @MethodSource("muxersAndKeys")
  void hundredStreamsEchoOneMebibyteEach(String muxer, KeyType keyType) {
    HostConfig config = HostConfig.builder().muxers(muxer).build();
    Host a = hosts.start(keyType, config);
    Host b = hosts.start(keyType, config);
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    Connection c = await(a.connect(dialAddr(b)));
    assertThat(c.muxer()).isEqualTo(muxer);

    Random random = new Random(42);
    List<byte[]> expected = new ArrayList<>();
    List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] data = new byte[1 << 20];
      random.nextBytes(data);
      expected.add(Echo.sha256(data));
      echoed.add(c.newStream(Echo.PROTOCOL_ID).thenCompose(s -> Echo.roundTrip(s, data, 64 * 1024)));
    }
    for (int i = 0; i < 100; i++) {
      assertThat(await(echoed.get(i))).as("stream %d", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void thousandStreamsOnOneConnection() {
    Host a = hosts.start();
    // 1000 streams of one protocol from one peer: above the default per-protocol limit (256)
    Host b = hosts.start(KeyType.SECP256K1, HostConfig.builder()
        .resources(ResourceLimits.defaults().withProtocolDefaults(4096, 1024, 1024)).build());
    b.setStreamHandler(Echo.PROTOCOL_ID, Echo::serve);
    Connection c = await(a.connect(dialAddr(b)));

    List<io.serenity.p2p.host.Stream> open = new ArrayList<>();
    List<CompletableFuture<io.serenity.p2p.host.Stream>> opening = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      opening.add(c.newStream(Echo.PROTOCOL_ID));
    }
    for (var f : opening) {
      open.add(await(f));
    }
    // all 1000 (plus possibly an identify stream) are open at once on the one connection
    assertThat(c.streamCount()).isGreaterThanOrEqualTo(1000);
    assertThat(a.connections()).hasSize(1);

    List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
    for (int i = 0; i < open.size(); i++) {
      byte[] data = ("message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      echoed.add(Echo.roundTrip(open.get(i), data, 1024));
    }
    for (int i = 0; i < open.size(); i++) {
      byte[] data = ("message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(await(echoed.get(i))).isEqualTo(Echo.sha256(data));
    }
  }
}
