package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.mux.MuxedConnection;

/**
 * A connection after a successful upgrade: authenticated by the security handshake and multiplexed.
 *
 * @param channel the TCP channel underneath
 * @param remotePeer the peer authenticated by the security handshake
 * @param remotePublicKey its identity key
 * @param muxed the stream multiplexer session
 * @param initiator true when this side dialled
 * @param security the security protocol id agreed ({@code /noise}, {@code /tls/1.0.0})
 */
public record UpgradedConnection(
    Channel channel,
    PeerId remotePeer,
    PublicKey remotePublicKey,
    MuxedConnection muxed,
    boolean initiator,
    String security) {

  /**
   * A connection secured by Noise.
   *
   * @param channel the TCP channel underneath
   * @param remotePeer the peer authenticated by the Noise handshake
   * @param remotePublicKey its identity key
   * @param muxed the stream multiplexer session
   * @param initiator true when this side dialled
   */
  public UpgradedConnection(
      Channel channel, PeerId remotePeer, PublicKey remotePublicKey, MuxedConnection muxed, boolean initiator) {
    this(channel, remotePeer, remotePublicKey, muxed, initiator, Upgrader.NOISE_PROTOCOL_ID);
  }
}
