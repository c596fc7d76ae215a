package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.mux.MuxedConnection;
import java.net.InetSocketAddress;

/**
 * A connection after a successful upgrade: authenticated by the security handshake and multiplexed
 * (TCP with Noise or TLS and a muxer, or QUIC, which brings both).
 *
 * @param channel the connection's channel: a TCP channel, or a QUIC connection
 * @param remotePeer the peer authenticated by the security handshake
 * @param remotePublicKey its identity key
 * @param muxed the stream multiplexer session
 * @param initiator true when this side dialled
 * @param security the security protocol id agreed ({@code /noise}, {@code /tls/1.0.0}), or
 *     {@code quic-v1} for QUIC's own TLS
 * @param remoteAddr the remote's address, e.g. {@code /ip4/10.0.0.2/tcp/9000}
 * @param localAddr our address on this connection
 */
public record UpgradedConnection(
    Channel channel,
    PeerId remotePeer,
    PublicKey remotePublicKey,
    MuxedConnection muxed,
    boolean initiator,
    String security,
    Multiaddr remoteAddr,
    Multiaddr localAddr) {

  /**
   * A TCP connection: the addresses are those of {@code channel}.
   *
   * @param channel the TCP channel underneath
   * @param remotePeer the peer authenticated by the security handshake
   * @param remotePublicKey its identity key
   * @param muxed the stream multiplexer session
   * @param initiator true when this side dialled
   * @param security the security protocol id agreed ({@code /noise}, {@code /tls/1.0.0})
   */
  public UpgradedConnection(
      Channel channel,
      PeerId remotePeer,
      PublicKey remotePublicKey,
      MuxedConnection muxed,
      boolean initiator,
      String security) {
    this(channel, remotePeer, remotePublicKey, muxed, initiator, security,
        Multiaddr.tcp((InetSocketAddress) channel.remoteAddress()),
        Multiaddr.tcp((InetSocketAddress) channel.localAddress()));
  }

  /**
   * A TCP connection secured by Noise.
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
