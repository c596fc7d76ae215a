package io.serenity.p2p.noise;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import java.util.List;

/**
 * libp2p Noise ({@code /noise}): {@code Noise_XX_25519_ChaChaPoly_SHA256} with an empty prologue,
 * the identity key signing the Noise static key, and inlined muxer negotiation.
 *
 * <pre>{@code
 * NoiseHandshakeHandler h = Noise.initiator(identity, dialledPeer, List.of("/yamux/1.0.0", "/mplex/6.7.0"));
 * channel.pipeline().addLast(h);
 * h.session().thenAccept(s -> log.info("secured with {}", s.remotePeer()));
 * }</pre>
 */
public final class Noise {

  /** The protocol id negotiated with multistream-select. */
  public static final String PROTOCOL_ID = "/noise";

  private Noise() {}

  /**
   * {@return a dialler's handshake handler; {@code expectedRemote} may be null}
   *
   * @param identity our identity key
   * @param expectedRemote the peer we dialled, or null to accept any
   * @param muxers stream muxers to offer in the handshake, best first
   */
  public static NoiseHandshakeHandler initiator(
      PrivateKey identity, PeerId expectedRemote, List<String> muxers) {
    return new NoiseHandshakeHandler(identity, true, expectedRemote, muxers);
  }

  /**
   * {@return a listener's handshake handler}
   *
   * @param identity our identity key
   * @param muxers stream muxers to offer in the handshake, best first
   */
  public static NoiseHandshakeHandler responder(PrivateKey identity, List<String> muxers) {
    return new NoiseHandshakeHandler(identity, false, null, muxers);
  }
}
