package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.mux.MuxedConnection;

/**
 * A connection after a successful upgrade: authenticated by Noise and multiplexed.
 *
 * @param channel the TCP channel underneath
 * @param remotePeer the peer authenticated by the Noise handshake
 * @param remotePublicKey its identity key
 * @param muxed the stream multiplexer session
 * @param initiator true when this side dialled
 */
public record UpgradedConnection(
    Channel channel,
    PeerId remotePeer,
    PublicKey remotePublicKey,
    MuxedConnection muxed,
    boolean initiator) {}
