package io.serenity.p2p.upgrade;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.serenity.p2p.core.PeerId;
import io.serenity.p2p.crypto.PrivateKey;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.multistream.MultistreamConfig;
import io.serenity.p2p.multistream.MultistreamHandler;
import io.serenity.p2p.multistream.MultistreamSelect;
import io.serenity.p2p.mux.MuxedConnection;
import io.serenity.p2p.mux.StreamMuxer;
import io.serenity.p2p.noise.SecureSession;
import io.serenity.p2p.tls.TlsSecurity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a raw TCP channel into an authenticated, multiplexed connection, as the libp2p connection
 * spec lays out: multistream-select of the security protocol (the dialler proposes {@link
 * UpgraderConfig#securityProtocols()} in order, {@code /noise} first by default; the listener
 * accepts any of them), the handshake of the one agreed (Noise XX, or TLS 1.3 ({@link TlsSecurity});
 * either way the remote proves its identity key, and a dial to a known {@link PeerId} fails on
 * mismatch), then the muxer: the one agreed inside the handshake (Noise extensions, TLS ALPN) when
 * both sides listed muxers there, otherwise multistream-select over the encrypted channel among
 * {@code muxers} in their preference order.
 *
 * <p>One timeout covers the whole upgrade; when it runs out the channel is closed, so a peer that
 * stalls mid-handshake holds its connection slot for at most that long.
 *
 * <pre>{@code
 * Upgrader up = new Upgrader(key, UpgraderConfig.defaults(), List.of(yamux, mplex));
 * UpgradedConnection c = tcp.dial(addr).thenCompose(ch -> up.upgradeOutbound(ch, peerId)).join();
 * }</pre>
 */
public final class Upgrader {

  private static final Logger LOG = LoggerFactory.getLogger(Upgrader.class);

  /** Protocol id of the Noise security handshake. */
  public static final String NOISE_PROTOCOL_ID = io.serenity.p2p.noise.Noise.PROTOCOL_ID;

  /** Protocol id of the TLS 1.3 security handshake. */
  public static final String TLS_PROTOCOL_ID = TlsSecurity.PROTOCOL_ID;

  private final PrivateKey identity;
  private final UpgraderConfig config;
  private final Map<String, StreamMuxer> muxers = new LinkedHashMap<>();
  private final MultistreamConfig multistreamConfig;
  /**
   * Made here, off the event loops, when TLS is configured: the certificate (a key pair and a
   * signature) and, once per JVM, the TLS engine's providers; null without TLS.
   */
  private final TlsSecurity tls;

  /**
   * An upgrader that secures with the configured security protocols and multiplexes with {@code
   * muxers}.
   *
   * @param identity our identity key, proven to the remote in the handshake
   * @param config limits
   * @param muxers muxers in preference order (first preferred); at least one
   */
  public Upgrader(PrivateKey identity, UpgraderConfig config, List<StreamMuxer> muxers) {
    this.identity = identity;
    this.config = config.validate();
    if (muxers.isEmpty()) {
      throw new IllegalArgumentException("at least one muxer is required");
    }
    for (StreamMuxer m : muxers) {
      this.muxers.put(m.protocolId(), m);
    }
    this.multistreamConfig =
        new MultistreamConfig(
                config.maxMultistreamMessageLength(), config.maxMultistreamProposals())
            .validate();
    this.tls =
        config.securityProtocols().contains(TLS_PROTOCOL_ID) ? new TlsSecurity(identity) : null;
  }

  /** {@return the security protocol ids, in the order a dial proposes them} */
  public List<String> securityIds() {
    return config.securityProtocols();
  }

  /** {@return the configured muxer protocol ids, in preference order} */
  public List<String> muxerIds() {
    return List.copyOf(muxers.keySet());
  }

  /**
   * Upgrades a channel we dialled. {@code expectedRemote} may be null when the dialled address
   * carried no {@code /p2p} component.
   *
   * @param channel the dialled TCP channel
   * @param expectedRemote the peer we dialled, or null
   * @return completes with the secured, multiplexed connection
   */
  public CompletableFuture<UpgradedConnection> upgradeOutbound(Channel channel, PeerId expectedRemote) {
    return upgrade(channel, true, expectedRemote);
  }

  /**
   * Upgrades a channel we accepted.
   *
   * @param channel the accepted TCP channel
   * @return completes with the secured, multiplexed connection
   */
  public CompletableFuture<UpgradedConnection> upgradeInbound(Channel channel) {
    return upgrade(channel, false, null);
  }

  private CompletableFuture<UpgradedConnection> upgrade(
      Channel channel, boolean initiator, PeerId expected) {
    CompletableFuture<UpgradedConnection> result = new CompletableFuture<>();
    String remote = String.valueOf(channel.remoteAddress());
    ScheduledFuture<?> timeout =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (!result.isDone()) {
                    // debug only: the owner of the result logs the failure once
                    LOG.debug("closing {}: handshake timed out after {} ms",
                        remote, config.handshakeTimeout().toMillis());
                  }
                  fail(result, channel, new UpgradeException(
                      "handshake with " + remote + " timed out after "
                          + config.handshakeTimeout().toMillis() + " ms"));
                },
                config.handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    channel
        .closeFuture()
        .addListener(
            f ->
                result.completeExceptionally(
                    new UpgradeException("connection to " + remote + " closed during upgrade")));
    result.whenComplete((c, e) -> timeout.cancel(false));
    channel
        .eventLoop()
        .execute(
            () -> {
              try {
                start(channel, initiator, expected, result);
              } catch (RuntimeException e) {
                fail(result, channel, wrap(remote, e));
              }
            });
    return result;
  }

  private void start(
      Channel channel,
      boolean initiator,
      PeerId expected,
      CompletableFuture<UpgradedConnection> result) {
    String remote = String.valueOf(channel.remoteAddress());
    MultistreamHandler security =
        initiator
            ? MultistreamSelect.dialerHandler(config.securityProtocols(), multistreamConfig)
            : MultistreamSelect.listenerHandler(config.securityProtocols(), multistreamConfig);
    security
        .selected()
        .whenComplete(
            (proto, err) -> {
              if (err != null) {
                fail(result, channel, wrap(remote, err));
                return;
              }
              if (result.isDone()) {
                return;
              }
              CompletableFuture<SecureSession> secured;
              try {
                secured =
                    TLS_PROTOCOL_ID.equals(proto)
                        ? TlsStep.secure(
                            channel, initiator, identity, tls, expected, muxerIds(), config)
                        : NoiseStep.secure(channel, initiator, identity, expected, muxerIds(), config);
              } catch (RuntimeException e) {
                fail(result, channel, wrap(remote, e));
                return;
              }
              secured.whenComplete(
                  (session, err2) -> {
                    if (err2 != null) {
                      fail(result, channel, wrap(remote, err2));
                    } else if (!result.isDone()) {
                      selectMuxer(channel, initiator, proto, session, result);
                    }
                  });
            });
    channel.pipeline().addLast("multistream-security", security);
    // TcpTransport opens channels with auto-read off, so no byte arrives before this handler.
    channel.config().setAutoRead(true);
  }

  private void selectMuxer(
      Channel channel,
      boolean initiator,
      String security,
      SecureSession secured,
      CompletableFuture<UpgradedConnection> result) {
    String remote = secured.remotePeer() + " at " + channel.remoteAddress();
    Optional<String> early = secured.earlyMuxer().filter(muxers::containsKey);
    if (early.isPresent()) {
      install(channel, initiator, security, secured, muxers.get(early.get()), result);
      return;
    }
    MultistreamHandler mux =
        initiator
            ? MultistreamSelect.dialerHandler(muxerIds(), multistreamConfig)
            : MultistreamSelect.listenerHandler(muxerIds(), multistreamConfig);
    mux.selected()
        .whenComplete(
            (proto, err) -> {
              if (err != null) {
                fail(result, channel, wrap(remote, err));
              } else if (!result.isDone()) {
                install(channel, initiator, security, secured, muxers.get(proto), result);
              }
            });
    channel.pipeline().addLast("multistream-muxer", mux);
  }

  private void install(
      Channel channel,
      boolean initiator,
      String security,
      SecureSession secured,
      StreamMuxer muxer,
      CompletableFuture<UpgradedConnection> result) {
    MuxedConnection muxed;
    try {
      muxed = muxer.install(channel, initiator);
    } catch (RuntimeException e) {
      fail(result, channel, wrap(secured.remotePeer() + " at " + channel.remoteAddress(), e));
      return;
    }
    PublicKey key = secured.remoteKey();
    if (!result.complete(
        new UpgradedConnection(channel, secured.remotePeer(), key, muxed, initiator, security))) {
      muxed.close();
    }
  }

  /**
   * Fails the upgrade, then closes the channel: completion first, so whoever waits on the result
   * (e.g. a connection-slot counter) sees the failure before the peer sees the close.
   */
  private static void fail(
      CompletableFuture<UpgradedConnection> result, Channel channel, UpgradeException e) {
    result.completeExceptionally(e);
    channel.close();
  }

  private static UpgradeException wrap(String remote, Throwable e) {
    while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof UpgradeException u) {
      return u;
    }
    return new UpgradeException("upgrade of connection with " + remote + " failed: " + e.getMessage(), e);
  }
}
