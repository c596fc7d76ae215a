package io.serenity.p2p.host;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Test fixture: builds started hosts on loopback and closes them afterwards. Also published in the
 * p2p-host test-jar for the interop module.
 */
public final class TestHosts implements AutoCloseable {

  /** Generous bound for any single await in tests. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<Host> hosts = new ArrayList<>();

  /** A started host on 127.0.0.1 with a fresh key of {@code type} and {@code config}. */
  public Host start(KeyType type, HostConfig config) {
    return start(type, config, "/ip4/127.0.0.1/tcp/0");
  }

  /** A started host with default config and a secp256k1 key on 127.0.0.1. */
  public Host start() {
    return start(KeyType.SECP256K1, HostConfig.defaults());
  }

  /** A started host listening on {@code listen}. */
  public Host start(KeyType type, HostConfig config, String listen) {
    return start(type, config, listen, b -> {});
  }

  /** A started host; {@code customise} may change the builder. */
  public Host start(KeyType type, HostConfig config, String listen, Consumer<Host.Builder> customise) {
    Host.Builder b =
        Host.builder().identity(PrivateKey.generate(type)).config(config).listen(Multiaddr.parse(listen)).threads(2);
    customise.accept(b);
    Host h = b.build();
    hosts.add(h);
    await(h.start());
    return h;
  }

  /** {@code h}'s first listen address with its {@code /p2p} id. */
  public static Multiaddr dialAddr(Host h) {
    return h.listenAddrs().get(0).encapsulate(Multiaddr.parse("/p2p/" + h.peerId().toBase58()));
  }

  /** Makes {@code c} read nothing more from the socket: a peer that does not read, for tests. */
  public static void stopReading(Connection c) {
    c.channel().config().setAutoRead(false);
  }

  /** Waits for {@code f} at most {@link #TIMEOUT}. */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    for (Host h : hosts) {
      h.close();
    }
  }
}
