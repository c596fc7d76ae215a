package io.serenity.p2p.eth2.discovery;

import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.core.PeerInfo;
import io.serenity.p2p.eth2.Eth2Server;
import io.serenity.p2p.eth2.reqresp.ReqResp;
import io.serenity.p2p.eth2.ssz.Bytes4;
import io.serenity.p2p.eth2.types.MetaData;
import io.serenity.p2p.eth2.types.MetaDataV3;
import io.serenity.p2p.eth2.types.StatusMessage;
import io.serenity.p2p.eth2.types.StatusMessageV2;
import io.serenity.p2p.host.ConnectionManager;
import io.serenity.p2p.server.Peer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What the {@link PeerManager} needs of the Ethereum node: its peers, dialling, Goodbye, the
 * connection manager's view of a peer, and what req/resp learnt about a peer. {@link #of} is the
 * node itself; the unit tests drive the manager through a fake.
 */
interface ManagedNode {

  /** {@return our own peer id} */
  PeerId self();

  /** {@return the connected peers} */
  List<Peer> peers();

  /**
   * Dials a peer at its addresses, best first (the host tries QUIC ones before TCP ones).
   *
   * @param addresses its addresses, each with the same {@code /p2p/<id>}; not empty
   * @return completes when connected, exceptionally when the dial failed
   */
  CompletableFuture<?> dial(List<Multiaddr> addresses);

  /**
   * Says Goodbye and disconnects; never fails.
   *
   * @param peer the peer
   * @param reason the Goodbye reason
   * @return completes once the peer is disconnected
   */
  CompletableFuture<Void> goodbye(PeerId peer, long reason);

  /**
   * {@return the connection manager's value of a peer (higher is kept longer)}
   *
   * @param peer the peer
   */
  int value(PeerId peer);

  /**
   * {@return whether the application protected the peer from trimming}
   *
   * @param peer the peer
   */
  boolean isProtected(PeerId peer);

  /**
   * {@return the MetaData (v2 fields) last fetched from the peer, while it is connected}
   *
   * @param peer the peer
   */
  Optional<MetaData> metaData(PeerId peer);

  /**
   * {@return the custody group count of the peer's last MetaData v3, when it answered v3}
   *
   * @param peer the peer
   */
  OptionalLong custodyGroupCount(PeerId peer);

  /**
   * Asks the peer for its MetaData (v3, else v2); req/resp keeps the answer for {@link #metaData}
   * and {@link #custodyGroupCount}.
   *
   * @param peer the peer
   * @return completes when answered, exceptionally when the peer did not answer
   */
  CompletableFuture<?> requestMetaData(PeerId peer);

  /**
   * {@return the fork digest of the peer's last Status, while it is connected}
   *
   * @param peer the peer
   */
  Optional<Bytes4> statusForkDigest(PeerId peer);

  /**
   * Which fork digests other than ours keep a peer connected after its Status.
   *
   * @param relevant true for a digest to keep peers on
   */
  void relevantForkDigests(Predicate<Bytes4> relevant);

  /**
   * Moves our Status (v1 or v2, whichever is set) to {@code digest}, its other fields unchanged;
   * nothing when it is on {@code digest} already.
   *
   * @param digest the new fork digest
   */
  void useForkDigest(Bytes4 digest);

  /**
   * {@return the node as the manager sees it}
   *
   * @param node the Ethereum node
   */
  static ManagedNode of(Eth2Server node) {
    Objects.requireNonNull(node, "node");
    return new ManagedNode() {
      @Override
      public PeerId self() {
        return node.server().peerId();
      }

      @Override
      public List<Peer> peers() {
        return node.server().peers();
      }

      @Override
      public CompletableFuture<?> dial(List<Multiaddr> addresses) {
        PeerId id = addresses.get(0).peerId().orElseThrow();
        return node.server().host().connect(new PeerInfo(id, addresses.stream().map(Multiaddr::withoutPeerId).toList()));
      }

      @Override
      public CompletableFuture<Void> goodbye(PeerId peer, long reason) {
        return node.reqResp().goodbye(peer, reason);
      }

      private ConnectionManager cm() {
        return node.server().host().connectionManager();
      }

      @Override
      public int value(PeerId peer) {
        return cm().value(peer);
      }

      @Override
      public boolean isProtected(PeerId peer) {
        return cm().isProtected(peer);
      }

      @Override
      public Optional<MetaData> metaData(PeerId peer) {
        try {
          return node.reqResp().peerMetaData(peer);
        } catch (IllegalStateException notStarted) {
          return Optional.empty();
        }
      }

      @Override
      public CompletableFuture<?> requestMetaData(PeerId peer) {
        ReqResp rr = node.reqResp();
        return rr.metaDataV3(peer).handle((v3, err) -> err == null
            ? CompletableFuture.<Object>completedFuture(v3)
            : rr.metaData(peer).<Object>thenApply(v2 -> v2)).thenCompose(f -> f);
      }

      @Override
      public Optional<Bytes4> statusForkDigest(PeerId peer) {
        try {
          return node.reqResp().status(peer).map(StatusMessage::forkDigest);
        } catch (IllegalStateException notStarted) {
          return Optional.empty();
        }
      }

      @Override
      public void relevantForkDigests(Predicate<Bytes4> relevant) {
        node.setRelevantForkDigests(relevant);
      }

      @Override
      public void useForkDigest(Bytes4 digest) {
        ReqResp rr = node.reqResp();
        if (rr.localStatus().map(StatusMessage::forkDigest).filter(digest::equals).isPresent()) {
          return;
        }
        Optional<StatusMessageV2> v2 = rr.localStatusV2();
        if (v2.isPresent()) {
          StatusMessageV2 s = v2.get();
          node.setStatusV2(new StatusMessageV2(digest, s.finalizedRoot(), s.finalizedEpoch(), s.headRoot(),
              s.headSlot(), s.earliestAvailableSlot()));
          return;
        }
        rr.localStatus().ifPresent(s -> node.setStatus(
            new StatusMessage(digest, s.finalizedRoot(), s.finalizedEpoch(), s.headRoot(), s.headSlot())));
      }

      @Override
      public OptionalLong custodyGroupCount(PeerId peer) {
        try {
          Optional<MetaDataV3> v3 = node.reqResp().peerMetaDataV3(peer);
          return v3.isPresent() ? OptionalLong.of(v3.get().custodyGroupCount()) : OptionalLong.empty();
        } catch (IllegalStateException notStarted) {
          return OptionalLong.empty();
        }
      }
    };
  }
}
