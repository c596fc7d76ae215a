package io.serenity.p2p.host;

import static io.serenity.p2p.host.TestHosts.await;
import static io.serenity.p2p.host.TestHosts.dialAddr;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

@org.junit.jupiter.api.extension.ExtendWith(NettyLeakCheck.class)
class SimultaneousDialTest {

  private final TestHosts hosts = new TestHosts();

  @AfterEach
  void close() {
    hosts.close();
  }

  @RepeatedTest(5)
  void simultaneousDialsResolveToOneConnection() {
    Host a = hosts.start();
    Host b = hosts.start();
    CompletableFuture<Connection> fa = a.connect(dialAddr(b));
    CompletableFuture<Connection> fb = b.connect(dialAddr(a));
    Connection ca = await(fa);
    Connection cb = await(fb);

    // The connection dialled by the smaller peer id survives; its dialer's connect() returns it.
    boolean aSmaller = Arrays.compareUnsigned(a.peerId().toBytes(), b.peerId().toBytes()) < 0;
    Host small = aSmaller ? a : b;
    Host large = aSmaller ? b : a;
    Connection fromSmall = aSmaller ? ca : cb;
    Connection fromLarge = aSmaller ? cb : ca;
    assertThat(fromSmall.isInitiator()).isTrue();
    if (fromLarge.isInitiator()) {
      // the larger id's own dial lost the tie: it closes it once the winner is registered
      await(fromLarge.closeFuture());
    }

    Connection onSmall = small.connection(large.peerId()).orElseThrow();
    Connection onLarge = large.connection(small.peerId()).orElseThrow();
    assertThat(onSmall).isSameAs(fromSmall);
    assertThat(small.connections()).hasSize(1);
    assertThat(large.connections()).hasSize(1);
    assertThat(onSmall.localAddr()).isEqualTo(onLarge.remoteAddr());
    assertThat(onSmall.remoteAddr()).isEqualTo(onLarge.localAddr());
    // and it carries streams both ways
    assertThat(await(a.ping(b.peerId()))).isPositive();
    assertThat(await(b.ping(a.peerId()))).isPositive();
  }
}
