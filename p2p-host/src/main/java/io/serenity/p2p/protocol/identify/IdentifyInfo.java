package io.serenity.p2p.protocol.identify;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The content of an identify message (libp2p identify spec, "The Identify Message").
 *
 * @param publicKey the sender's identity key
 * @param listenAddrs addresses the sender listens on
 * @param protocols protocols the sender serves
 * @param observedAddr the receiver's address as the sender sees it
 * @param protocolVersion e.g. {@code ipfs/0.1.0}
 * @param agentVersion e.g. {@code serenity-p2p/0.1.0}
 */
public record IdentifyInfo(
    Optional<PublicKey> publicKey,
    List<Multiaddr> listenAddrs,
    List<String> protocols,
    Optional<Multiaddr> observedAddr,
    Optional<String> protocolVersion,
    Optional<String> agentVersion) {

  /** Copies the lists. */
  public IdentifyInfo {
    listenAddrs = List.copyOf(listenAddrs);
    protocols = List.copyOf(protocols);
  }
}
