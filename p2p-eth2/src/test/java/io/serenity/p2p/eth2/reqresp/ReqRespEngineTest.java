package io.serenity.p2p.eth2.reqresp;

import static io.serenity.p2p.host.TestHosts.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.serenity.p2p.eth2.reqresp.ReqRespException.Kind;
import io.serenity.p2p.eth2.ssz.Ssz;
import io.serenity.p2p.eth2.types.Ping;
import io.serenity.p2p.host.NettyLeakCheck;
import io.serenity.p2p.host.TestHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The framework alone: methods of an application's own protocol family, no Ethereum method registered. */
@ExtendWith(NettyLeakCheck.class)
class ReqRespEngineTest {

  private static final String PREFIX = "/serenity/test/req/";

  private final TestHosts hosts = new TestHosts();
  private final List<ReqRespEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(ReqRespEngine::close);
    hosts.close();
  }

  private ReqRespEngine engine() {
    ReqRespEngine e = ReqRespEngine.create(hosts.start(), ReqRespConfig.defaults());
    engines.add(e);
    return e;
  }

  private static void connect(ReqRespEngine from, ReqRespEngine to) {
    await(from.host().connect(TestHosts.dialAddr(to.host())));
  }

  @Test
  void aCustomMethodRoundTripsOnAnEngineWithoutTheEthereumMethods() {
    Method<Long, Long> increment = Method.single("increment", 1, Ssz.UINT64, Ssz.UINT64).withProtocolPrefix(PREFIX);
    Method<Long, Long> countDown = Method.chunked("count_down", 1, Ssz.UINT64, Ssz.UINT64, 16).withProtocolPrefix(PREFIX);
    ReqRespEngine a = engine();
    ReqRespEngine b = engine();
    b.register(increment, (SingleHandler<Long, Long>) (peer, x) -> CompletableFuture.completedFuture(x + 1));
    b.register(countDown, (RequestHandler<Long, Long>) (peer, n, sink) -> {
      for (long i = n; i > 0; i--) {
        sink.next(i);
      }
      sink.complete();
    });
    connect(a, b);

    assertThat(increment.protocolId()).isEqualTo("/serenity/test/req/increment/1/ssz_snappy");
    assertThat(b.host().protocols()).contains(increment.protocolId(), countDown.protocolId())
        .doesNotContain(Eth2Methods.STATUS.protocolId(), Eth2Methods.GOODBYE.protocolId(),
            Eth2Methods.PING.protocolId(), Eth2Methods.METADATA.protocolId());
    assertThat(await(a.request(b.host().peerId(), increment, 41L))).isEqualTo(42L);
    assertThat(await(a.requestChunks(b.host().peerId(), countDown, 3L))).containsExactly(3L, 2L, 1L);

    // nobody serves Ping here: the stream cannot even be negotiated
    CompletableFuture<Ping> ping = a.request(b.host().peerId(), Eth2Methods.PING, new Ping(1));
    assertThat(failure(ping).kind()).isEqualTo(Kind.STREAM_FAILED);
  }

  private static ReqRespException failure(CompletableFuture<?> f) {
    try {
      f.get(TestHosts.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      assertThat(c).isInstanceOf(ReqRespException.class);
      return (ReqRespException) c;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void chunksWrittenWithoutContextCarryTheDefaultContextOrZeros() {
    Method<Long, Long> m = Method.chunked("ctx", 1, Ssz.UINT64, Ssz.UINT64, 4)
        .withProtocolPrefix(PREFIX).withForkDigestContext();
    ReqRespEngine a = engine();
    ReqRespEngine b = engine();
    b.register(m, (RequestHandler<Long, Long>) (peer, n, sink) -> {
      sink.next(n);
      sink.complete();
    });
    connect(a, b);
    assertThat(await(a.requestChunksWithContext(b.host().peerId(), m, 1L)).get(0).context())
        .as("no source set").containsExactly(0, 0, 0, 0);
    b.setDefaultContext(() -> new byte[] {1, 2, 3, 4});
    assertThat(await(a.requestChunksWithContext(b.host().peerId(), m, 2L)).get(0).context())
        .containsExactly(1, 2, 3, 4);
  }

  @Test
  void aProtocolPrefixMustStartAndEndWithASlash() {
    Method<Long, Long> m = Method.single("x", 1, Ssz.UINT64, Ssz.UINT64);
    assertThat(m.protocolId()).isEqualTo("/eth2/beacon_chain/req/x/1/ssz_snappy");
    assertThatThrownBy(() -> m.withProtocolPrefix("myapp/req/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.withProtocolPrefix("/myapp/req")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.withProtocolPrefix("/my app/")).isInstanceOf(IllegalArgumentException.class);
  }
}
