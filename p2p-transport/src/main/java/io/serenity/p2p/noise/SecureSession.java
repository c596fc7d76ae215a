package io.serenity.p2p.noise;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful security handshake (Noise, or TLS in {@code io.serenity.p2p.tls}).
 *
 * @param localPeer our peer id
 * @param remotePeer the authenticated remote peer id (derived from {@code remoteKey})
 * @param remoteKey the remote identity key that signed its Noise static key (or, with TLS, its
 *     certificate key)
 * @param earlyMuxer the stream muxer agreed inside the handshake (inlined muxer negotiation), when
 *     both sides listed muxers; empty means: negotiate the muxer with multistream-select
 */
public record SecureSession(
    PeerId localPeer, PeerId remotePeer, PublicKey remoteKey, Optional<String> earlyMuxer) {
  /** Checks that no component is null. */
  public SecureSession {
    Objects.requireNonNull(localPeer, "localPeer");
    Objects.requireNonNull(remotePeer, "remotePeer");
    Objects.requireNonNull(remoteKey, "remoteKey");
    Objects.requireNonNull(earlyMuxer, "earlyMuxer");
  }
}
