package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Adapts the Noise handshake handler to the upgrade sequence. */
final class NoiseStep {

  /** What the handshake established; {@code earlyMuxer} when both sides listed muxers in Noise. */
  record Secured(PeerId remotePeer, PublicKey remoteKey, Optional<String> earlyMuxer) {}

  private NoiseStep() {}

  static CompletableFuture<Secured> secure(
      Channel channel,
      boolean initiator,
      PrivateKey identity,
      PeerId expected,
      List<String> muxers,
      UpgraderConfig config) {
    // Filled in once the noise branch lands.
    return CompletableFuture.failedFuture(new UpgradeException("noise not available yet"));
  }
}
