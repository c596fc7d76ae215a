package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.noise.NoiseConfig;
import io.serenity.p2p.noise.NoiseHandshakeHandler;
import io.serenity.p2p.noise.SecureSession;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Adds the Noise handshake to the pipeline and checks the result against the dialled peer. */
final class NoiseStep {

  private static final SecureRandom RANDOM = new SecureRandom();

  private NoiseStep() {}

  /** Must run on the channel's event loop. */
  static CompletableFuture<SecureSession> secure(
      Channel channel,
      boolean initiator,
      PrivateKey identity,
      PeerId expected,
      List<String> muxers,
      UpgraderConfig config) {
    NoiseHandshakeHandler noise =
        new NoiseHandshakeHandler(
            identity,
            initiator,
            expected,
            config.inlineMuxerNegotiation() ? muxers : List.of(),
            new NoiseConfig(config.maxNoiseFrame()),
            RANDOM);
    channel.pipeline().addLast("noise", noise);
    return noise
        .session()
        .thenApply(
            s -> {
              // The handler checks this too; checked here again because a wrong peer must never
              // get a connection registered under the id we dialled.
              if (expected != null && !expected.equals(s.remotePeer())) {
                throw new UpgradeException(
                    "peer id mismatch: dialled " + expected + " but the remote proved " + s.remotePeer());
              }
              return s;
            });
  }
}
