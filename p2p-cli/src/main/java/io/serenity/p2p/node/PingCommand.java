package io.serenity.p2p.node;

import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.crypto.KeyType;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.host.Host;
import io.serenity.p2p.protocol.ping.Ping;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code p2p-node ping}: dials a peer and prints ping round-trip times. */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    description = "Dial a peer (/ip4/.../tcp/.../p2p/<id>) and print /ipfs/ping/1.0.0 round-trip times.")
final class PingCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<multiaddr>", description = "The peer, with /p2p/<id>.")
  String target;

  @Option(names = {"-c", "--count"}, paramLabel = "<n>", defaultValue = "5", description = "Pings to send (default 5).")
  int count;

  @Option(names = "--timeout", paramLabel = "<seconds>", defaultValue = "10", description = "Give up after this long (default 10).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new UsageException("--count: must be at least 1, got " + count);
    }
    PeerInfo peer;
    try {
      peer = PeerInfo.makePeer(target);
    } catch (FormatException e) {
      throw new UsageException("<multiaddr> '" + target + "': " + e.getMessage());
    }
    try (Host host = Host.builder().identity(PrivateKey.generate(KeyType.SECP256K1)).build()) {
      host.start().join();
      try {
        host.connect(peer).get(timeoutSeconds, TimeUnit.SECONDS);
        var rtts = Ping.ping(host, peer.id(), count).get(timeoutSeconds, TimeUnit.SECONDS);
        int i = 1;
        for (Duration rtt : rtts) {
          System.out.printf("ping %d: %s rtt=%.3f ms%n", i++, peer.id(), rtt.toNanos() / 1e6);
        }
      } catch (java.util.concurrent.TimeoutException e) {
        throw new RuntimeFailure("ping " + peer.id() + ": no answer within " + timeoutSeconds + " s");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new RuntimeFailure("ping " + peer.id() + ": " + RunCommand.rootMessage(e));
      }
    }
    return 0;
  }
}
