package io.serenity.p2p.protocol.identify;

import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.host.Connection;
import io.serenity.p2p.host.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import io.serenity.p2p.core.internal.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * identify ({@code /ipfs/id/1.0.0}) and identify push ({@code /ipfs/id/push/1.0.0}). The host runs
 * one instance: it identifies every new connection and pushes when its protocols change. Each
 * message is one uvarint-length-prefixed {@code Identify} protobuf, size-limited, after which the
 * sender closes the stream (identify spec, "identify" and "identify/push").
 */
public final class Identify {

  private static final Logger LOG = LoggerFactory.getLogger(Identify.class);
  /** Lines a remote peer can trigger: at most 5 per minute per kind, the rest counted. */
  private static final RateLimitedLog RLOG = RateLimitedLog.perMinute(LOG, 5);

  /** Protocol id of identify. */
  public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";

  /** Protocol id of identify push. */
  public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";

  private final Function<Connection, IdentifyInfo> local;
  private final int maxMessageSize;
  private final BiConsumer<Connection, IdentifyInfo> onInfo;

  /**
   * The identify and identify push protocols for one host.
   *
   * @param local what we tell the peer on a connection
   * @param maxMessageSize largest message accepted
   * @param onInfo receives every verified message from a peer
   */
  public Identify(
      Function<Connection, IdentifyInfo> local,
      int maxMessageSize,
      BiConsumer<Connection, IdentifyInfo> onInfo) {
    this.local = local;
    this.maxMessageSize = maxMessageSize;
    this.onInfo = onInfo;
  }

  /**
   * Asks the peer on {@code c} who it is.
   *
   * @param c the connection
   * @return completes with what the peer said
   */
  public CompletableFuture<IdentifyInfo> identify(Connection c) {
    return c.newStream(PROTOCOL_ID)
        .thenCompose(
            s ->
                s.readMessage(maxMessageSize)
                    .thenApply(
                        bytes -> {
                          s.closeWrite();
                          return accept(s, bytes);
                        }));
  }

  /**
   * Serves {@link #PROTOCOL_ID}: sends our info and closes.
   *
   * @param s an inbound identify stream
   */
  public void serve(Stream s) {
    s.writeMessage(IdentifyCodec.encode(local.apply(s.connection())))
        .thenCompose(v -> s.closeWrite())
        .exceptionally(
            e -> {
              LOG.debug("identify reply to {} failed: {}", s.remotePeer(), e.getMessage());
              return null;
            });
  }

  /**
   * Serves {@link #PUSH_PROTOCOL_ID}: reads the pushed info.
   *
   * @param s an inbound identify push stream
   */
  public void servePush(Stream s) {
    s.readMessage(maxMessageSize)
        .thenApply(bytes -> accept(s, bytes))
        .whenComplete(
            (info, e) -> {
              if (e != null) {
                LOG.debug("identify push from {} failed: {}", s.remotePeer(), e.getMessage());
              }
              s.closeWrite();
            });
  }

  /**
   * Pushes our current info to the peer on {@code c}.
   *
   * @param c the connection
   * @return completes when the push is sent
   */
  public CompletableFuture<Void> push(Connection c) {
    return c.newStream(PUSH_PROTOCOL_ID)
        .thenCompose(
            s ->
                s.writeMessage(IdentifyCodec.encode(local.apply(c)))
                    .thenCompose(v -> s.closeWrite()))
        .exceptionally(
            e -> {
              LOG.debug("identify push to {} failed: {}", c.remotePeer(), e.getMessage());
              return null;
            });
  }

  private IdentifyInfo accept(Stream s, byte[] bytes) {
    PeerId peer = s.remotePeer();
    IdentifyInfo info;
    try {
      info = IdentifyCodec.decode(bytes);
      if (info.publicKey().isPresent()
          && !PeerId.fromPublicKey(info.publicKey().get()).equals(peer)) {
        throw new IdentifyException("public key in identify does not match the peer id");
      }
    } catch (IdentifyException e) {
      RLOG.info("peer {} broke {}: {}; resetting stream", peer, s.protocol(), e.getMessage());
      s.reset();
      throw new IdentifyException("peer " + peer + ": " + e.getMessage(), e);
    }
    onInfo.accept(s.connection(), info);
    return info;
  }
}
