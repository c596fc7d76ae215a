package io.serenity.p2p.protocol.identify;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.serenity.p2p.core.FormatException;
import io.serenity.p2p.core.Multiaddr;
import io.serenity.p2p.crypto.PublicKey;
import io.serenity.p2p.protocol.identify.internal.pb.IdentifyProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Converts {@link IdentifyInfo} to and from the protobuf wire form. Stateless. */
final class IdentifyCodec {

  private static final Logger LOG = LoggerFactory.getLogger(IdentifyCodec.class);

  /** Limits on list lengths, so a 64 KiB message cannot expand into a huge object graph. */
  static final int MAX_ADDRS = 128;

  static final int MAX_PROTOCOLS = 1024;

  private IdentifyCodec() {}

  static byte[] encode(IdentifyInfo info) {
    IdentifyProtos.Identify.Builder b = IdentifyProtos.Identify.newBuilder();
    info.publicKey().ifPresent(k -> b.setPublicKey(ByteString.copyFrom(k.marshal())));
    // at most what a receiver accepts (a machine can have many interface addresses); the first
    // ones are the ones the sender prefers
    for (Multiaddr a : info.listenAddrs().subList(0, Math.min(info.listenAddrs().size(), MAX_ADDRS))) {
      b.addListenAddrs(ByteString.copyFrom(a.toBytes()));
    }
    b.addAllProtocols(info.protocols());
    info.observedAddr().ifPresent(a -> b.setObservedAddr(ByteString.copyFrom(a.toBytes())));
    info.protocolVersion().ifPresent(b::setProtocolVersion);
    info.agentVersion().ifPresent(b::setAgentVersion);
    return b.build().toByteArray();
  }

  /**
   * Decodes a message already bounded in size by the caller.
   *
   * @throws IdentifyException on bad protobuf, a bad public key, or too many entries
   */
  static IdentifyInfo decode(byte[] bytes) {
    IdentifyProtos.Identify m;
    try {
      m = IdentifyProtos.Identify.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IdentifyException("malformed identify message: " + e.getMessage(), e);
    }
    if (m.getListenAddrsCount() > MAX_ADDRS || m.getProtocolsCount() > MAX_PROTOCOLS) {
      throw new IdentifyException(
          "identify message lists " + m.getListenAddrsCount() + " addresses and "
              + m.getProtocolsCount() + " protocols; limits " + MAX_ADDRS + "/" + MAX_PROTOCOLS);
    }
    Optional<PublicKey> key = Optional.empty();
    if (m.hasPublicKey()) {
      try {
        key = Optional.of(PublicKey.unmarshal(m.getPublicKey().toByteArray()));
      } catch (FormatException e) {
        throw new IdentifyException("bad public key in identify: " + e.getMessage(), e);
      }
    }
    List<Multiaddr> addrs = new ArrayList<>();
    for (ByteString a : m.getListenAddrsList()) {
      parse(a).ifPresent(addrs::add);
    }
    Optional<Multiaddr> observed = m.hasObservedAddr() ? parse(m.getObservedAddr()) : Optional.empty();
    return new IdentifyInfo(
        key,
        addrs,
        m.getProtocolsList(),
        observed,
        m.hasProtocolVersion() ? Optional.of(m.getProtocolVersion()) : Optional.empty(),
        m.hasAgentVersion() ? Optional.of(m.getAgentVersion()) : Optional.empty());
  }

  /** Addresses with protocols we do not know are skipped, not fatal: peers may be newer than us. */
  private static Optional<Multiaddr> parse(ByteString bytes) {
    try {
      return Optional.of(Multiaddr.fromBytes(bytes.toByteArray()));
    } catch (FormatException e) {
      LOG.debug("skipping unparseable multiaddr in identify: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
